"""Follow-ups, escalations and the engine's stored snapshots in the admin: read-only lists.

Care plans, visit assessments and their recommendations are snapshots of what staff were shown;
nobody adds, changes or deletes them here, superusers included. A mistaken visit is voided.
"""

import datetime

from django.contrib import admin
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.html import format_html

from accounts.admin_lists import ListColumnsMixin, choices_filter
from accounts.audit import AuditedAdmin, ReadOnlyAdminMixin, ReadOnlyInline
from patients.chart_access import ChartAccessAdminMixin
from triage.guideline import ALL_CODES, RULESET_VERSION, Category, Indicator
from triage.models import (
    EPISODE_STATUS_CHOICES,
    PATHWAY_CHOICES,
    CarePlan,
    Encounter,
    Escalation,
    FollowUp,
    FollowUpStatus,
    Recommendation,
    RecommendationFeedback,
    VisitRecord,
    engine_choices,
    episode_status_label,
)
from triage.review import services as review
from triage.review.admin_actions import NamedRecordAdminMixin, VoidAdminMixin
from triage.review.admin_columns import (
    badge,
    encounter_column,
    facts_column,
    feedback_column,
    flag_labels,
    patient_column,
    patient_column_fields,
    record_link,
    red_flags_column,
)
from triage.review.admin_encounters import VoidedFilter
from triage.review.display import follow_up_label
from triage.templatetags.pk_urls import pk_url

UPCOMING_DAYS = 7


class DueFilter(admin.SimpleListFilter):
    """Open visits by when they fall due, counted from the clinic's today; overdue unless asked.

    The list opens on the overdue visits, the ones someone must act on; "All" lists every
    follow-up ever scheduled (a million rows in a large clinic, newest pages estimated).
    """

    title = "due"
    parameter_name = "due"
    default = "overdue"

    def lookups(self, request, model_admin):
        return [
            ("overdue", "Overdue"),
            ("today", "Due today"),
            ("week", f"Next {UPCOMING_DAYS} days"),
            ("all", "All"),
        ]

    def value(self):
        return super().value() or self.default

    def choices(self, changelist):
        # No separate "All" entry from Django: ours is a lookup, since no parameter = overdue.
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        today = timezone.localdate()
        open_visits = queryset.filter(status=FollowUpStatus.SCHEDULED, voided_at__isnull=True)
        # "No voided encounter" as an anti-join against the few voided ones: joining every
        # encounter to count a large clinic's overdue visits read the whole encounter table.
        voided_encounter = Encounter.objects.filter(
            pk=OuterRef("encounter_id"), voided_at__isnull=False
        )
        open_visits = open_visits.filter(~Exists(voided_encounter))
        if self.value() == "overdue":
            return open_visits.filter(due_date__lt=today)
        if self.value() == "today":
            return open_visits.filter(due_date=today)
        if self.value() == "week":
            upcoming = (
                today + datetime.timedelta(days=1),
                today + datetime.timedelta(UPCOMING_DAYS),
            )
            return open_visits.filter(due_date__range=upcoming)
        return queryset


class EscalationStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("open", "Open"), ("closed", "Closed")]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.open()
        if self.value() == "closed":
            return queryset.filter(closed_at__isnull=False)
        return queryset


class RulesetFilter(admin.SimpleListFilter):
    """The engine's current rule set or any earlier one, without listing every stored value."""

    title = "rule set"
    parameter_name = "ruleset"
    field = "ruleset"

    def lookups(self, request, model_admin):
        return [("current", f"Current ({RULESET_VERSION})"), ("earlier", "Earlier rule sets")]

    def queryset(self, request, queryset):
        if self.value() == "current":
            return queryset.filter(**{self.field: RULESET_VERSION})
        if self.value() == "earlier":
            return queryset.exclude(**{self.field: RULESET_VERSION})
        return queryset


class RecommendationRulesetFilter(RulesetFilter):
    """The rule set of the recommendation a row is about."""

    field = "recommendation__ruleset"


PathwayFilter = choices_filter("pathway", "pathway", PATHWAY_CHOICES)


class FollowUpAdmin(
    ListColumnsMixin, ChartAccessAdminMixin, VoidAdminMixin, ReadOnlyAdminMixin, AuditedAdmin
):
    chart_access_page = "admin follow-up"
    patient_field = "encounter__patient_id"

    list_display = [
        "due_date",
        "patient_name",
        "purpose",
        "status",
        "timing",
        "assessment",
        "voided",
    ]
    list_select_related = ["encounter__patient", "visit"]
    list_filter = [DueFilter, "status", VoidedFilter, "encounter__pathway"]
    list_defer = ("visit__input_facts", "visit__note", "encounter__void_reason", "void_reason")
    list_only = (
        "due_date",
        "purpose",
        "status",
        "voided_at",
        "encounter__patient",
        *patient_column_fields("encounter__patient"),
        "visit__outcome_status",
    )
    search_fields = ["encounter__patient__mrn"]
    search_help_text = "Search by record number."
    ordering = ["due_date", "pk"]
    actions = ["void_selected"]
    history_list_display = ["status", "due_date", "voided_at"]
    fields = [
        "encounter_link",
        "due_date",
        "plan_day",
        "purpose",
        "status",
        "status_reason",
        "recorded_by",
        "recorded_at",
        "assessment",
        "voided_at",
        "voided_by",
        "void_reason",
        "version",
        "created_at",
        "updated_at",
    ]
    readonly_fields = fields

    def void_record(self, *, record, user, reason, now) -> bool:
        return review.void_follow_up(follow_up=record, user=user, reason=reason, now=now)

    patient_name = patient_column("encounter__patient")
    encounter_link = encounter_column

    @admin.display(description="when")
    def timing(self, follow_up: FollowUp) -> str:
        if follow_up.status != FollowUpStatus.SCHEDULED or follow_up.voided_at:
            return "–"
        days = (follow_up.due_date - timezone.localdate()).days
        if days < 0:
            return badge("review-awaiting", f"{-days} days overdue")
        return "Due today" if days == 0 else f"In {days} days"

    @admin.display(description="assessment")
    def assessment(self, follow_up: FollowUp) -> str:
        try:
            visit = follow_up.visit
        except ObjectDoesNotExist:
            return "–"
        # The address is reversed once per process (pk_url), not once a row.
        url = pk_url("admin:triage_visitrecord_change", visit.pk)
        return format_html('<a href="{}">{}</a>', url, episode_status_label(visit.outcome_status))

    @admin.display(description="voided")
    def voided(self, follow_up: FollowUp) -> str:
        if follow_up.voided_at is None:
            return ""
        return badge("record-voided", "Voided")


class EscalationAdmin(
    ListColumnsMixin, ChartAccessAdminMixin, NamedRecordAdminMixin, ReadOnlyAdminMixin, AuditedAdmin
):
    chart_access_page = "admin escalation"
    patient_field = "encounter__patient_id"

    list_display = [
        "opened_at",
        "priority",
        "patient_name",
        "red_flag_labels",
        "source",
        "state",
        "outcome",
        "closed_by",
        "closed_at",
        "record_outcome",
    ]
    list_select_related = ["encounter__patient", "visit", "closed_by"]
    # A date range ("opened_at"), not date_hierarchy: its drill-down reads every row.
    list_filter = [EscalationStateFilter, "priority", "outcome", "opened_at"]
    list_defer = ("outcome_note", "visit__input_facts", "visit__note")
    list_only = (
        "opened_at",
        "priority",
        "red_flags",
        "outcome",
        "closed_at",
        "encounter__voided_at",
        "encounter__patient",
        *patient_column_fields("encounter__patient"),
        "visit__day",
        "closed_by__username",
    )
    search_fields = ["encounter__patient__mrn"]
    search_help_text = "Search by record number."
    history_list_display = ["outcome", "closed_at"]
    fields = [
        "encounter_link",
        "visit",
        "priority",
        "red_flag_labels",
        "opened_at",
        "outcome",
        "outcome_note",
        "cleared_red_flag_labels",
        "closed_by",
        "closed_at",
        "record_outcome",
    ]
    readonly_fields = fields

    patient_name = patient_column("encounter__patient")
    encounter_link = encounter_column
    red_flag_labels = red_flags_column

    @admin.display(description="red flags cleared (serious cause excluded)")
    def cleared_red_flag_labels(self, escalation: Escalation) -> str:
        return flag_labels(escalation.cleared_red_flags)

    @admin.display(description="opened by")
    def source(self, escalation: Escalation) -> str:
        if escalation.visit is None:
            return "Intake"
        return f"Visit on day {escalation.visit.day}"

    @admin.display(description="state")
    def state(self, escalation: Escalation) -> str:
        if escalation.encounter.voided_at is not None:
            return badge("record-voided", "Encounter voided")
        if escalation.is_open:
            return badge("review-urgent", "Open")
        return "Closed"

    @admin.display(description="")
    def record_outcome(self, escalation: Escalation) -> str:
        # Closing is a clinical record made in the app (triage:escalation_close), not here.
        if not escalation.is_open or escalation.encounter.voided_at is not None:
            return ""
        url = pk_url("triage:escalation_close", escalation.pk)
        return format_html('<a href="{}">Record the outcome</a>', url)


class RecommendationInline(ReadOnlyInline):
    model = Recommendation
    fields = [
        "position",
        "code",
        "indicator",
        "category",
        "summary",
        "detail",
        "sources",
        "clinician_feedback",
    ]
    readonly_fields = fields
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("feedback__recorded_by")

    clinician_feedback = feedback_column


class CarePlanAdmin(
    ListColumnsMixin,
    ChartAccessAdminMixin,
    NamedRecordAdminMixin,
    ReadOnlyAdminMixin,
    admin.ModelAdmin,
):
    chart_access_page = "admin care plan"
    patient_field = "encounter__patient_id"

    list_display = [
        "encounter",
        "patient_name",
        "pathway",
        "ruleset",
        "red_flag_labels",
        "created_at",
    ]
    list_select_related = ["encounter__patient"]
    # Filters whose choices come from code: a plain text column would SELECT DISTINCT per page.
    list_filter = [PathwayFilter, RulesetFilter, "created_at"]
    list_defer = ("input_facts",)
    search_fields = ["encounter__patient__mrn"]
    search_help_text = "Search by record number."
    fields = ["encounter_link", "ruleset", "pathway", "red_flag_labels", "facts", "created_at"]
    readonly_fields = fields
    inlines = [RecommendationInline]

    patient_name = patient_column("encounter__patient")
    encounter_link = encounter_column
    red_flag_labels = red_flags_column
    facts = facts_column


class VisitRecordAdmin(
    ListColumnsMixin,
    ChartAccessAdminMixin,
    NamedRecordAdminMixin,
    ReadOnlyAdminMixin,
    admin.ModelAdmin,
):
    chart_access_page = "admin visit"
    patient_field = "follow_up__encounter__patient_id"

    list_display = [
        "visit_date",
        "patient_name",
        "day",
        "pain_score",
        "global_change",
        "outcome",
        "ruleset",
    ]
    list_select_related = ["follow_up__encounter__patient"]
    list_filter = [
        choices_filter("outcome_status", "assessment", EPISODE_STATUS_CHOICES),
        RulesetFilter,
        "visit_date",
    ]
    list_defer = ("input_facts", "note", "follow_up__void_reason")
    list_only = (
        "visit_date",
        "day",
        "pain_score",
        "global_change",
        "outcome_status",
        "ruleset",
        "follow_up__encounter__patient",
        *patient_column_fields("follow_up__encounter__patient"),
    )
    search_fields = ["follow_up__encounter__patient__mrn"]
    search_help_text = "Search by record number."
    readonly_fields = [
        "follow_up_link",
        "visit_date",
        "day",
        "pain_score",
        "muscle_relaxant_days",
        "global_change",
        "activity_1_name",
        "activity_1_score",
        "activity_2_name",
        "activity_2_score",
        "activity_3_name",
        "activity_3_score",
        "note",
        "red_flag_labels",
        "outcome",
        "ruleset",
        "facts",
        "recorded_by",
        "recorded_at",
    ]
    fields = readonly_fields
    inlines = [RecommendationInline]

    patient_name = patient_column("follow_up__encounter__patient")

    @admin.display(description="follow-up")
    def follow_up_link(self, visit: VisitRecord) -> str:
        return record_link(visit.follow_up, follow_up_label(visit.follow_up))

    @admin.display(description="assessment", ordering="outcome_status")
    def outcome(self, visit: VisitRecord) -> str:
        return episode_status_label(visit.outcome_status)

    red_flag_labels = red_flags_column
    facts = facts_column


class RecommendationAdmin(
    ListColumnsMixin, ChartAccessAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin
):
    chart_access_page = "admin recommendation"
    patient_field = "care_plan__encounter__patient_id"
    # The list names a plan or visit by number, never the patient.
    chart_access_list = False

    """Every recommendation ever shown, to find e.g. all plans that withheld an NSAID."""

    list_display = [
        "code",
        "indicator",
        "category",
        "summary",
        "shown_in",
        "ruleset",
        "clinician_feedback",
    ]
    list_select_related = ["care_plan", "visit", "feedback__recorded_by"]
    list_filter = [
        choices_filter("indicator", "indicator", engine_choices(Indicator)),
        choices_filter("category", "category", engine_choices(Category)),
        choices_filter("code", "code", [(code, code) for code in ALL_CODES]),
        RulesetFilter,
        "feedback__outcome",
    ]
    # Newest first through the primary key; the model's own order (position) has no index.
    ordering = ["-pk"]
    list_defer = ("detail", "sources", "care_plan__input_facts", "visit__input_facts")
    search_fields = ["code", "care_plan__encounter__patient__mrn"]
    search_help_text = "Search by code or record number."
    fields = [
        "care_plan",
        "visit",
        "position",
        "code",
        "indicator",
        "category",
        "summary",
        "detail",
        "sources",
        "evidence",
        "ruleset",
        "clinician_feedback",
    ]
    readonly_fields = fields

    @admin.display(description="shown in")
    def shown_in(self, item: Recommendation) -> str:
        return str(item.care_plan or item.visit)

    clinician_feedback = feedback_column


class RecommendationFeedbackAdmin(ListColumnsMixin, ReadOnlyAdminMixin, AuditedAdmin):
    """Clinicians' marks on recommendations; made on the plan page, read (with history) here."""

    list_display = ["recorded_at", "code", "ruleset", "outcome", "reason", "recorded_by"]
    list_select_related = ["recommendation", "recorded_by"]
    # Code and rule set from the engine, not `SELECT DISTINCT` over every recommendation ever
    # stored (millions of rows in a clinic network); a date range, not a date drill-down.
    list_filter = [
        "outcome",
        "reason",
        choices_filter("recommendation__code", "recommendation", [(c, c) for c in ALL_CODES]),
        RecommendationRulesetFilter,
        "recorded_at",
    ]
    fields = ["recommendation", "outcome", "reason", "reason_text", "recorded_by", "recorded_at"]
    readonly_fields = fields

    @admin.display(description="recommendation", ordering="recommendation__code")
    def code(self, feedback: RecommendationFeedback) -> str:
        return feedback.recommendation.code

    @admin.display(description="rule set", ordering="recommendation__ruleset")
    def ruleset(self, feedback: RecommendationFeedback) -> str:
        return feedback.recommendation.ruleset


admin.site.register(FollowUp, FollowUpAdmin)
admin.site.register(Escalation, EscalationAdmin)
admin.site.register(CarePlan, CarePlanAdmin)
admin.site.register(VisitRecord, VisitRecordAdmin)
admin.site.register(Recommendation, RecommendationAdmin)
admin.site.register(RecommendationFeedback, RecommendationFeedbackAdmin)
