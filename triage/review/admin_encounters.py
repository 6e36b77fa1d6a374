"""Clinical review in the admin: patients, encounters and the review queue.

Clinicians and administrators read here; the only writes are sign-off and void (services in
`triage/review/services.py`). Clinical records are never added, edited or deleted through the
admin: intake and visits happen in the app, where the engine runs.
"""

from django.contrib import admin
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from accounts.admin_lists import ListColumnsMixin
from accounts.audit import AuditedAdmin, ReadOnlyAdminMixin, ReadOnlyInline
from patients.admin import chart_accesses_url
from patients.chart_access import ChartAccessAdminMixin
from patients.models import Patient
from triage.models import (
    ASKED_HISTORY_KEYS,
    ASKED_RED_FLAG_KEYS,
    Encounter,
    EncounterAwaitingReview,
    Escalation,
    EscalationPriority,
    FollowUp,
    episode_status_label,
)
from triage.review import services as review
from triage.review.admin_actions import NamedRecordAdminMixin, SignOffAdminMixin, VoidAdminMixin
from triage.review.admin_columns import (
    badge,
    flag_labels,
    patient_column,
    patient_column_fields,
    red_flags_column,
)
from triage.review.display import encounter_summary, yes_no

_PRESENTING_PAIN_FIELDS = [
    "age_years",
    "onset_date",
    "days_since_onset",
    "pain_location",
    "pain_score",
    "muscle_spasm",
    "neuropathic_features",
    "declines_neck_manipulation",
    "muscle_relaxant_start",
    "muscle_relaxant_days",
    "muscle_relaxant_name",
    "muscle_relaxant_other_condition",
]
RED_FLAG_FIELDS = list(ASKED_RED_FLAG_KEYS)
HISTORY_FIELDS = list(ASKED_HISTORY_KEYS)
# Every fact the engine was given: shown, never edited (the stored plan was computed from them).
INTAKE_FACT_FIELDS = [*_PRESENTING_PAIN_FIELDS, *RED_FLAG_FIELDS, *HISTORY_FIELDS]
YES_NO_FIELDS = [
    key
    for key in INTAKE_FACT_FIELDS
    if isinstance(Encounter._meta.get_field(key), models.BooleanField)
]


def _as_shown(keys: list[str]) -> list[str]:
    # A yes/no answer is shown as a word by its `<key>_answer` column, not Django's icon.
    return [f"{key}_answer" if key in YES_NO_FIELDS else key for key in keys]


def _answer_column(key: str):
    def answer(model_admin, encounter: Encounter) -> str:
        return yes_no(getattr(encounter, key), key=key)

    answer.__name__ = f"{key}_answer"
    return admin.display(description=Encounter._meta.get_field(key).verbose_name)(answer)


def patient_link(patient: Patient) -> str:
    url = reverse("admin:patients_patient_change", args=[patient.pk])
    return format_html('<a href="{}">{}</a>', url, patient.display_name_and_mrn)


def review_state(encounter: Encounter) -> str:
    """A short, visible review state for lists: unsigned urgent work is marked loudest."""
    if encounter.is_voided:
        return badge("record-voided", "Voided")
    if encounter.reviewed_at is not None:
        return f"Signed off {timezone.localtime(encounter.reviewed_at):%d %b %Y}"
    if not encounter.needs_review:
        return "Not needed"
    if encounter.pathway == EscalationPriority.EMERGENCY:
        return badge("review-emergency", "Emergency – awaiting sign-off")
    if encounter.pathway == EscalationPriority.URGENT:
        return badge("review-urgent", "Urgent – awaiting sign-off")
    return badge("review-awaiting", "Awaiting sign-off")


class ReviewStateFilter(admin.SimpleListFilter):
    title = "review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            ("awaiting", "Awaiting sign-off"),
            ("signed", "Signed off"),
            ("not_needed", "Not flagged for review"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "awaiting":
            return queryset.awaiting_review()
        if self.value() == "signed":
            return queryset.filter(reviewed_at__isnull=False)
        if self.value() == "not_needed":
            return queryset.filter(needs_review=False, reviewed_at__isnull=True)
        return queryset


class VoidedFilter(admin.SimpleListFilter):
    title = "voided"
    parameter_name = "voided"

    def lookups(self, request, model_admin):
        return [("no", "In use"), ("yes", "Voided")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(voided_at__isnull=self.value() == "no")
        return queryset


class FollowUpInline(ReadOnlyInline):
    model = FollowUp
    fields = ["due_date", "plan_day", "purpose", "status", "status_reason", "visit_outcome"]
    readonly_fields = fields
    verbose_name_plural = "follow-up visits (read-only)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("visit")

    @admin.display(description="assessment")
    def visit_outcome(self, follow_up: FollowUp) -> str:
        note = " (voided)" if follow_up.voided_at else ""
        try:
            visit = follow_up.visit
        except ObjectDoesNotExist:
            return f"–{note}"
        url = reverse("admin:triage_visitrecord_change", args=[visit.pk])
        return format_html(
            '<a href="{}">{}</a>{}', url, episode_status_label(visit.outcome_status), note
        )


class EscalationInline(ReadOnlyInline):
    model = Escalation
    fields = ["opened_at", "red_flag_labels", "outcome", "closed_by", "closed_at"]
    readonly_fields = fields
    fk_name = "encounter"
    verbose_name_plural = "escalations (read-only)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("closed_by")

    red_flag_labels = red_flags_column


class EncounterAdmin(
    ListColumnsMixin,
    ChartAccessAdminMixin,
    SignOffAdminMixin,
    VoidAdminMixin,
    ReadOnlyAdminMixin,
    AuditedAdmin,
):
    chart_access_page = "admin encounter"

    list_display = [
        "occurred_at",
        "patient_name",
        "pathway",
        "red_flags",
        "episode_status",
        "review",
        "status",
    ]
    list_display_links = ["occurred_at"]
    list_select_related = ["patient", "care_plan"]
    list_filter = [
        ReviewStateFilter,
        "pathway",
        "episode_status",
        VoidedFilter,
        "status",
        # A date range, not date_hierarchy: its drill-down runs SELECT DISTINCT over every row.
        "occurred_at",
        *RED_FLAG_FIELDS,
    ]
    # The rows carry what the list shows: not the stored plan's facts (a JSON document each).
    list_defer = ("care_plan__input_facts", "void_reason")
    # What the rows show (the review state reads the void, review and pathway columns).
    list_only = (
        "occurred_at",
        "pathway",
        "episode_status",
        "status",
        "needs_review",
        "reviewed_at",
        "voided_at",
        "patient",
        *patient_column_fields("patient"),
        "care_plan__red_flags",
    )
    search_fields = ["patient__mrn"]
    search_help_text = "Search by record number."
    actions = ["sign_off_selected", "void_selected"]
    inlines = [FollowUpInline, EscalationInline]
    history_list_display = ["episode_status", "reviewed_at", "voided_at"]
    fieldsets = [
        (None, {"fields": ["patient_link", "occurred_at", "recorded_by", "status", "continues"]}),
        ("Outcome", {"fields": ["pathway", "episode_status", "care_plan_snapshot"]}),
        ("Review", {"fields": ["flagged_for_review", "reviewed_at", "reviewed_by"]}),
        ("Void", {"fields": ["voided_at", "voided_by", "void_reason"]}),
        ("Presenting pain", {"fields": _as_shown(_PRESENTING_PAIN_FIELDS)}),
        ("Red-flag screen", {"fields": _as_shown(RED_FLAG_FIELDS)}),
        ("History and medicines", {"fields": _as_shown(HISTORY_FIELDS)}),
        ("Record", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]
    # Every column stays read-only, also those shown through a display column (patient_link,
    # the yes/no answers as words).
    readonly_fields = [
        *(field for _, options in fieldsets for field in options["fields"]),
        "patient",
        "needs_review",
        *YES_NO_FIELDS,
    ]

    def void_record(self, *, record, user, reason, now) -> bool:
        return review.void_encounter(encounter=record, user=user, reason=reason, now=now)

    def get_queryset(self, request):
        # The record's page names the patient and sums up the plan: one query fetches them.
        return super().get_queryset(request).select_related("patient", "recorded_by", "care_plan")

    def record_context(self, request, record) -> dict:
        return {**super().record_context(request, record), "summary": encounter_summary(record)}

    patient_name = patient_column("patient")

    @admin.display(description="patient")
    def patient_link(self, encounter: Encounter) -> str:
        return patient_link(encounter.patient)

    @admin.display(description="needs a clinician's review")
    def flagged_for_review(self, encounter: Encounter) -> str:
        return yes_no(encounter.needs_review)

    @admin.display(description="red flags")
    def red_flags(self, encounter: Encounter) -> str:
        try:
            return flag_labels(encounter.care_plan.red_flags)
        except ObjectDoesNotExist:
            return "–"

    @admin.display(description="review")
    def review(self, encounter: Encounter) -> str:
        return review_state(encounter)

    @admin.display(description="care plan as shown")
    def care_plan_snapshot(self, encounter: Encounter) -> str:
        try:
            plan = encounter.care_plan
        except ObjectDoesNotExist:
            return "No care plan stored."
        return render_to_string(
            "admin/triage/encounter/care_plan_snapshot.html",
            {
                "plan": plan,
                "red_flags": flag_labels(plan.red_flags),
                "recommendations": plan.recommendations.all(),
            },
        )


class EncounterAwaitingReviewAdmin(EncounterAdmin):
    """The review queue: unsigned urgent encounters first, then the oldest waiting."""

    list_display = ["review", "occurred_at", "patient_name", "pathway", "red_flags"]
    list_display_links = ["occurred_at"]
    list_filter = ["pathway"]
    date_hierarchy = None
    actions = ["sign_off_selected", "void_selected"]

    def has_view_permission(self, request, obj=None):
        # The queue is for whoever signs off; it needs no permission of its own.
        return self.has_sign_off_permission(request, obj)

    def has_module_permission(self, request):
        return self.has_sign_off_permission(request)

    def get_queryset(self, request):
        return self.model._default_manager.review_queue().select_related(
            "patient", "recorded_by", "care_plan"
        )

    def get_ordering(self, request):
        return ["urgent_first", "occurred_at", "pk"]

    def after_sign_off_url(self, encounter) -> str:
        return self.admin_url("changelist")

    def after_void_url(self, record) -> str:
        # A voided encounter leaves the queue: its change page here would no longer exist.
        return self.admin_url("changelist")

    def history_view(self, request, object_id, extra_context=None):
        # History is kept on the encounter itself (a proxy has no history table of its own).
        return HttpResponseRedirect(reverse("admin:triage_encounter_history", args=[object_id]))

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        return self.history_view(request, object_id)


class EncounterInline(ReadOnlyInline):
    model = Encounter
    fk_name = "patient"
    fields = ["occurred_at", "status", "pathway", "episode_status", "review"]
    readonly_fields = fields

    @admin.display(description="review")
    def review(self, encounter: Encounter) -> str:
        return review_state(encounter)


class AwaitingReviewPatientFilter(admin.SimpleListFilter):
    title = "review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("awaiting", "Has an encounter awaiting sign-off")]

    def queryset(self, request, queryset):
        if self.value() == "awaiting":
            waiting = Encounter.objects.awaiting_review().filter(patient=OuterRef("pk"))
            return queryset.filter(Exists(waiting))
        return queryset


class PatientAdmin(
    ListColumnsMixin, ChartAccessAdminMixin, NamedRecordAdminMixin, ReadOnlyAdminMixin, AuditedAdmin
):
    chart_access_page = "admin patient"
    patient_field = "pk"

    list_display = ["patient_name", "date_of_birth", "sex", "encounter_count"]
    list_filter = [AwaitingReviewPatientFilter, "sex", "created_at"]
    search_fields = ["mrn", "family_name", "given_name"]
    search_help_text = "Search by record number or any part of the name."
    show_full_result_count = False
    fields = ["mrn", "family_name", "given_name", "date_of_birth", "sex", "phone", "created_at"]
    readonly_fields = fields
    inlines = [EncounterInline]
    history_list_display = ["mrn"]

    def get_queryset(self, request):
        # A subquery, not a JOIN + GROUP BY: the database counts only the rows on the page.
        per_patient = (
            Encounter.objects.filter(patient=OuterRef("pk"))
            .order_by()
            .values("patient")
            .annotate(total=Count("pk"))
            .values("total")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(encounter_total=Coalesce(Subquery(per_patient), 0))
        )

    def record_context(self, request, record) -> dict:
        context = super().record_context(request, record)
        if request.user.has_perm("patients.view_chartaccess"):
            context["chart_accesses_url"] = chart_accesses_url(patient=record.pk)
        return context

    @admin.display(description="patient", ordering="family_name")
    def patient_name(self, patient: Patient) -> str:
        return patient.display_name_and_mrn

    @admin.display(description="encounters", ordering="encounter_total")
    def encounter_count(self, patient: Patient) -> int:
        return patient.encounter_total


for _key in YES_NO_FIELDS:
    setattr(EncounterAdmin, f"{_key}_answer", _answer_column(_key))

admin.site.register(Patient, PatientAdmin)
admin.site.register(Encounter, EncounterAdmin)
admin.site.register(EncounterAwaitingReview, EncounterAwaitingReviewAdmin)
