"""Follow-up pages: the worklist, the patient chart with each episode's course, recording a visit
or a missed visit, its outcome, closing an escalation, the outcome figures."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from patients.chart_access import record_patients_shown, records_chart_access
from patients.models import Patient
from triage.followup import services as services
from triage.followup.forms import (
    CloseEscalationForm,
    MissedVisitForm,
    OutcomesFilterForm,
    UnscheduledVisitForm,
    VisitForm,
    VisitMedicinesForm,
)
from triage.followup.selectors import outcomes as outcome_figures
from triage.followup.selectors import timeline
from triage.followup.selectors.worklist import GROUP_TITLES, build_worklist, red_flag_labels
from triage.intake import selectors as intake_selectors
from triage.models import (
    MEDICINE_REVIEW_DAY,
    Encounter,
    EncounterStatus,
    Escalation,
    FeedbackOutcome,
    FollowUp,
    FollowUpStatus,
    OverrideReason,
    Recommendation,
)

_FOLLOW_UP = {"model": "triage.FollowUp", "patient_field": "encounter__patient_id"}

CONFLICT = 409


def _follow_up(pk: int) -> FollowUp:
    # Only visits of a stored plan: the engine rebuilds the intake facts from its snapshot.
    return get_object_or_404(
        FollowUp.objects.filter(
            voided_at__isnull=True,
            encounter__voided_at__isnull=True,
            encounter__care_plan__isnull=False,
        )
        .select_related(
            "encounter__patient", "encounter__care_plan", "recorded_by", "visit__recorded_by"
        )
        # With each recommendation's clinician feedback (shown beside it, never in the snapshot).
        .prefetch_related(
            Prefetch(
                "visit__recommendations",
                queryset=Recommendation.objects.select_related("feedback__recorded_by").order_by(
                    "position"
                ),
            )
        ),
        pk=pk,
    )


def _conflict(request, follow_up: FollowUp, entered=None):
    return render(
        request,
        "triage/followup/conflict.html",
        {"follow_up": follow_up, "entered": entered},
        status=CONFLICT,
    )


def _visit_forms(request, encounter: Encounter, *, form_class, medicine_review: bool, initial):
    """The visit form and, at the medicine review, the history and medicine questions."""
    today = timezone.localdate()
    data = request.POST or None
    form = form_class(
        data,
        intake_date=services.intake_date(encounter),
        days_since_onset=encounter.days_since_onset,
        relaxant_start=timeline.relaxant_start(encounter),
        relaxant_may_predate_pain=timeline.relaxant_may_predate_pain(encounter),
        asks_medicines=medicine_review,
        today=today,
        initial={"visit_date": today, **initial},
    )
    medicines = (
        VisitMedicinesForm(data, patient=encounter.patient, today=today, prefix="medicines")
        if medicine_review
        else None
    )
    return form, medicines


def _valid(form, medicines) -> bool:
    # Both forms are checked so every error shows at once.
    return all([form.is_valid(), medicines is None or medicines.is_valid()])


def _answers(form, medicines) -> dict[str, object]:
    answers = form.relaxant_answers()
    if medicines is not None:
        answers |= medicines.medicine_answers()
    return answers


@permission_required("triage.add_visitrecord", raise_exception=True)
@records_chart_access("record visit", **_FOLLOW_UP)
def record_visit(request, pk):
    follow_up = _follow_up(pk)
    form, medicines = _visit_forms(
        request,
        follow_up.encounter,
        form_class=VisitForm,
        medicine_review=follow_up.plan_day == MEDICINE_REVIEW_DAY,
        initial={"version": follow_up.version},
    )
    if follow_up.status != FollowUpStatus.SCHEDULED:
        return _conflict(request, follow_up, entered=form if request.method == "POST" else None)
    if request.method == "POST" and _valid(form, medicines):
        try:
            services.record_visit(
                follow_up=follow_up,
                version=form.cleaned_data["version"],
                findings=form.findings(),
                answers=_answers(form, medicines),
                user=request.user,
                now=timezone.now(),
            )
        except services.VisitConflictError as conflict:
            return _conflict(request, _follow_up(conflict.follow_up.pk), entered=form)
        return redirect("triage:followup_detail", pk=follow_up.pk)
    return render(
        request,
        "triage/followup/visit_form.html",
        {
            "form": form,
            "medicines": medicines,
            "follow_up": follow_up,
            "patient": follow_up.encounter.patient,
        },
    )


@permission_required(["triage.add_followup", "triage.add_visitrecord"], raise_exception=True)
@records_chart_access(
    "add visit", model="triage.Encounter", kwarg="encounter_pk", patient_field="patient_id"
)
def add_visit(request, encounter_pk):
    encounter = get_object_or_404(
        Encounter.objects.not_voided()
        .filter(status=EncounterStatus.SUBMITTED, care_plan__isnull=False)
        .select_related("patient"),
        pk=encounter_pk,
    )
    # A visit in place of a missed medicine review asks the medicine questions too.
    form, medicines = _visit_forms(
        request,
        encounter,
        form_class=UnscheduledVisitForm,
        medicine_review=request.GET.get("review") == "medicines",
        initial={},
    )
    if request.method == "POST" and _valid(form, medicines):
        visit = services.add_unscheduled_visit(
            encounter=encounter,
            findings=form.findings(),
            answers=_answers(form, medicines),
            user=request.user,
            now=timezone.now(),
        )
        return redirect("triage:followup_detail", pk=visit.follow_up_id)
    return render(
        request,
        "triage/followup/visit_form.html",
        {
            "form": form,
            "medicines": medicines,
            "encounter": encounter,
            "patient": encounter.patient,
        },
    )


@permission_required("triage.view_followup", raise_exception=True)
@records_chart_access("follow-up", **_FOLLOW_UP)
def followup_detail(request, pk):
    """A visit: its outcome and recommendations (each with the clinician's mark, and the form to
    mark it for clinicians), what was found, and the episode's visits."""
    follow_up = _follow_up(pk)
    context = {
        "follow_up": follow_up,
        **timeline.visit_details(follow_up),
        # _follow_up() leaves out voided visits and encounters: their advice no longer applies.
        "can_give_feedback": request.user.has_perm("triage.add_recommendationfeedback"),
        "feedback_outcomes": FeedbackOutcome.choices,
        "override_reasons": OverrideReason.choices,
    }
    return render(request, "triage/followup/detail.html", context)


@permission_required("triage.change_followup", raise_exception=True)
@records_chart_access("missed visit", **_FOLLOW_UP)
def record_missed(request, pk):
    follow_up = _follow_up(pk)
    if follow_up.status != FollowUpStatus.SCHEDULED:
        return _conflict(request, follow_up)
    form = MissedVisitForm(
        request.POST or None,
        initial={"version": follow_up.version},
        due_date=follow_up.due_date,
        today=timezone.localdate(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_missed(
                follow_up=follow_up,
                version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
                user=request.user,
                now=timezone.now(),
            )
        except services.VisitConflictError as conflict:
            return _conflict(request, _follow_up(conflict.follow_up.pk))
        messages.success(request, "The visit was recorded as missed.")
        return redirect("triage:patient_chart", pk=follow_up.encounter.patient_id)
    return render(
        request, "triage/followup/missed_form.html", {"form": form, "follow_up": follow_up}
    )


@permission_required("triage.close_escalation", raise_exception=True)
@records_chart_access(
    "escalation", model="triage.Escalation", patient_field="encounter__patient_id"
)
def close_escalation(request, pk):
    escalation = get_object_or_404(
        Escalation.objects.select_related("encounter__patient", "visit", "closed_by"), pk=pk
    )
    form = CloseEscalationForm(request.POST or None)
    if escalation.is_open and request.method == "POST" and form.is_valid():
        try:
            closed = services.close_escalation(
                escalation=escalation,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
                user=request.user,
                now=timezone.now(),
            )
        except services.EscalationAlreadyClosedError as closed:
            escalation = closed.escalation
        else:
            messages.success(request, "The escalation's outcome was recorded.")
            if closed.conservative_plan_ready:
                # Serious disease excluded: the conservative plan can be made now.
                return redirect("triage:conservative_plan", pk=escalation.encounter_id)
            if closed.next_step:
                messages.info(request, closed.next_step)
            return redirect("triage:patient_chart", pk=escalation.encounter.patient_id)
    return render(
        request,
        "triage/followup/escalation.html",
        {
            "form": form,
            "escalation": escalation,
            "red_flags": red_flag_labels(escalation.red_flags),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("triage.close_escalation", raise_exception=True)
@records_chart_access("conservative plan", model="triage.Encounter", patient_field="patient_id")
def conservative_plan(request, pk):
    """After serious disease was excluded: show what was cleared, then make the plan (POST)."""
    encounter = get_object_or_404(Encounter.objects.select_related("patient", "care_plan"), pk=pk)
    problem = services.conservative_plan_problem(encounter)
    if request.method == "POST" and problem is None:
        try:
            continuation = services.make_conservative_plan(
                encounter=encounter, user=request.user, now=timezone.now()
            )
        except services.ConservativePlanRefusedError as refused:
            problem = str(refused)
        else:
            messages.success(request, "The conservative care plan was made for this episode.")
            return redirect("triage:care_plan", pk=continuation.pk)
    return render(
        request,
        "triage/followup/conservative_plan.html",
        {
            "encounter": encounter,
            "patient": encounter.patient,
            "problem": problem,
            "cleared": [
                (red_flag_labels([key]), escalation)
                for key, escalation in services.cleared_red_flags(encounter).items()
            ],
        },
        status=409 if request.method == "POST" and problem else 200,
    )


@permission_required("triage.view_outcomes", raise_exception=True)
def outcomes(request):
    today = timezone.localdate()
    # The last 12 months unless the page asks otherwise (an emptied "from" means all intakes).
    data = request.GET.copy()
    data.setdefault("intake_from", outcome_figures.default_intake_from(today).isoformat())
    form = OutcomesFilterForm(data)
    start, end = outcome_figures.default_intake_from(today), None
    if form.is_valid():
        start, end = form.cleaned_data["intake_from"], form.cleaned_data["intake_to"]
    figures = outcome_figures.clinic_outcomes(today=today, intake_from=start, intake_to=end)
    return render(request, "triage/outcomes.html", {"form": form, "figures": figures})


@permission_required("triage.view_followup", raise_exception=True)
def home(request):
    shown = request.GET.get("show", "")
    groups = build_worklist(
        today=timezone.localdate(), group=shown, page_number=request.GET.get("page")
    )
    drafts = intake_selectors.drafts_for(request.user)
    response = render(
        request,
        "triage/home.html",
        {
            "groups": groups,
            "shown": shown if shown in GROUP_TITLES else "",
            "group_titles": GROUP_TITLES,
            "drafts": drafts,
        },
    )
    record_patients_shown(
        user=request.user,
        patient_ids=[row.patient_pk for group in groups for row in group.rows],
        patients=[draft.patient for draft in drafts if draft.patient is not None],
        page="worklist",
    )
    return response


@permission_required("patients.view_patient", raise_exception=True)
@records_chart_access("chart")
def patient_chart(request, pk):
    patient = get_object_or_404(Patient, pk=pk)
    encounters = patient.encounters.select_related("recorded_by").order_by("-occurred_at")
    return render(
        request,
        "triage/patient_chart.html",
        {"patient": patient, "encounters": encounters, "episodes": timeline.episodes_for(patient)},
    )
