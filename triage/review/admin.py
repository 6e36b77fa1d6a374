"""Follow-ups, escalations and the engine's stored snapshots in the admin: read-only lists.

Care plans, visit assessments and their recommendations are snapshots of what staff were shown;
nobody adds, changes or deletes them here, superusers included. A mistaken visit is voided.
"""

import datetime
import json

from django.contrib import admin
from django.core.exceptions import ObjectDoesNotExist
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from accounts.audit import AuditedAdmin, ReadOnlyAdminMixin, ReadOnlyInline
from patients.chart_access import ChartAccessAdminMixin
from triage.models import (
    CarePlan,
    Escalation,
    FollowUp,
    FollowUpStatus,
    Recommendation,
    RecommendationFeedback,
    VisitRecord,
    episode_status_label,
)
from triage.review import services as review
from triage.review.admin_actions import VoidAdminMixin
from triage.review.admin_encounters import VoidedFilter, badge, flag_labels

UPCOMING_DAYS = 7


def _json(value) -> str:
    return format_html("<pre>{}</pre>", json.dumps(value, indent=2, sort_keys=True))


class DueFilter(admin.SimpleListFilter):
    """Open visits by when they fall due, counted from the clinic's today."""

    title = "due"
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [
            ("overdue", "Overdue"),
            ("today", "Due today"),
            ("week", f"Next {UPCOMING_DAYS} days"),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        open_visits = queryset.filter(status=FollowUpStatus.SCHEDULED, voided_at__isnull=True)
        open_visits = open_visits.filter(encounter__voided_at__isnull=True)
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


class FollowUpAdmin(ChartAccessAdminMixin, VoidAdminMixin, ReadOnlyAdminMixin, AuditedAdmin):
    chart_access_page = "admin follow-up"
    patient_field = "encounter__patient_id"

    list_display = [
        "due_date",
        "patient_mrn",
        "purpose",
        "status",
        "timing",
        "assessment",
        "voided",
    ]
    list_select_related = ["encounter__patient", "visit"]
    list_filter = [DueFilter, "status", VoidedFilter, "encounter__pathway"]
    show_full_result_count = False
    search_fields = ["encounter__patient__mrn"]
    search_help_text = "Search by record number."
    ordering = ["due_date", "pk"]
    actions = ["void_selected"]
    history_list_display = ["status", "due_date", "voided_at"]
    fields = [
        "encounter",
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

    @admin.display(description="patient", ordering="encounter__patient__mrn")
    def patient_mrn(self, follow_up: FollowUp) -> str:
        return follow_up.encounter.patient.mrn

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
        url = reverse("admin:triage_visitrecord_change", args=[visit.pk])
        return format_html('<a href="{}">{}</a>', url, episode_status_label(visit.outcome_status))

    @admin.display(description="voided")
    def voided(self, follow_up: FollowUp) -> str:
        if follow_up.voided_at is None:
            return ""
        return badge("record-voided", "Voided")


class EscalationAdmin(ChartAccessAdminMixin, ReadOnlyAdminMixin, AuditedAdmin):
    chart_access_page = "admin escalation"
    patient_field = "encounter__patient_id"

    list_display = [
        "opened_at",
        "priority",
        "patient_mrn",
        "red_flag_labels",
        "source",
        "state",
        "outcome",
        "closed_by",
        "closed_at",
        "record_outcome",
    ]
    list_select_related = ["encounter__patient", "visit", "closed_by"]
    list_filter = [EscalationStateFilter, "priority", "outcome", "opened_at"]
    date_hierarchy = "opened_at"
    show_full_result_count = False
    search_fields = ["encounter__patient__mrn"]
    search_help_text = "Search by record number."
    history_list_display = ["outcome", "closed_at"]
    fields = [
        "encounter",
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

    @admin.display(description="patient", ordering="encounter__patient__mrn")
    def patient_mrn(self, escalation: Escalation) -> str:
        return escalation.encounter.patient.mrn

    @admin.display(description="red flags")
    def red_flag_labels(self, escalation: Escalation) -> str:
        return flag_labels(escalation.red_flags)

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
        url = reverse("triage:escalation_close", args=[escalation.pk])
        return format_html('<a href="{}">Record the outcome</a>', url)


def feedback_label(item: Recommendation) -> str:
    """The clinician's mark on a recommendation, in one line ("" when none was made)."""
    try:
        feedback = item.feedback
    except ObjectDoesNotExist:
        return ""
    text = feedback.get_outcome_display()
    if feedback.is_overridden:
        reason = feedback.get_reason_display().lower()
        text += f": {reason}" + (f" ({feedback.reason_text})" if feedback.reason_text else "")
    return f"{text}, by {feedback.recorded_by.get_username()} {feedback.recorded_at:%Y-%m-%d %H:%M}"


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

    @admin.display(description="clinician feedback")
    def clinician_feedback(self, item: Recommendation) -> str:
        return feedback_label(item)


class CarePlanAdmin(ChartAccessAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    chart_access_page = "admin care plan"
    patient_field = "encounter__patient_id"

    list_display = [
        "encounter",
        "patient_mrn",
        "pathway",
        "ruleset",
        "red_flag_labels",
        "created_at",
    ]
    list_select_related = ["encounter__patient"]
    list_filter = ["pathway", "ruleset", "created_at"]
    show_full_result_count = False
    search_fields = ["encounter__patient__mrn"]
    search_help_text = "Search by record number."
    fields = ["encounter", "ruleset", "pathway", "red_flag_labels", "facts", "created_at"]
    readonly_fields = fields
    inlines = [RecommendationInline]

    @admin.display(description="patient", ordering="encounter__patient__mrn")
    def patient_mrn(self, plan: CarePlan) -> str:
        return plan.encounter.patient.mrn

    @admin.display(description="red flags")
    def red_flag_labels(self, plan: CarePlan) -> str:
        return flag_labels(plan.red_flags)

    @admin.display(description="facts as evaluated")
    def facts(self, plan: CarePlan) -> str:
        return _json(plan.input_facts)


class VisitRecordAdmin(ChartAccessAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    chart_access_page = "admin visit"
    patient_field = "follow_up__encounter__patient_id"

    list_display = [
        "visit_date",
        "patient_mrn",
        "day",
        "pain_score",
        "global_change",
        "outcome",
        "ruleset",
    ]
    list_select_related = ["follow_up__encounter__patient"]
    list_filter = ["outcome_status", "ruleset", "visit_date"]
    show_full_result_count = False
    search_fields = ["follow_up__encounter__patient__mrn"]
    search_help_text = "Search by record number."
    readonly_fields = [
        "follow_up",
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

    @admin.display(description="patient", ordering="follow_up__encounter__patient__mrn")
    def patient_mrn(self, visit: VisitRecord) -> str:
        return visit.follow_up.encounter.patient.mrn

    @admin.display(description="assessment", ordering="outcome_status")
    def outcome(self, visit: VisitRecord) -> str:
        return episode_status_label(visit.outcome_status)

    @admin.display(description="red flags")
    def red_flag_labels(self, visit: VisitRecord) -> str:
        return flag_labels(visit.red_flags)

    @admin.display(description="facts as evaluated")
    def facts(self, visit: VisitRecord) -> str:
        return _json(visit.input_facts)


class RecommendationAdmin(ChartAccessAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    chart_access_page = "admin recommendation"
    patient_field = "care_plan__encounter__patient_id"

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
    list_filter = ["indicator", "category", "code", "ruleset", "feedback__outcome"]
    show_full_result_count = False
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

    @admin.display(description="clinician feedback")
    def clinician_feedback(self, item: Recommendation) -> str:
        return feedback_label(item)


class RecommendationFeedbackAdmin(ReadOnlyAdminMixin, AuditedAdmin):
    """Clinicians' marks on recommendations; made on the plan page, read (with history) here."""

    list_display = ["recorded_at", "code", "ruleset", "outcome", "reason", "recorded_by"]
    list_select_related = ["recommendation", "recorded_by"]
    list_filter = ["outcome", "reason", "recommendation__code", "recommendation__ruleset"]
    show_full_result_count = False
    date_hierarchy = "recorded_at"
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
