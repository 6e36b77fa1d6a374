"""Follow-up pages: the worklist, the patient chart with each episode's course, recording a visit
or a missed visit, its outcome, closing an escalation, the outcome figures."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from patients.chart_access import records_chart_access
from patients.models import Patient
from triage.followup import services as services
from triage.followup.forms import (
    CloseEscalationForm,
    MissedVisitForm,
    OutcomesFilterForm,
    UnscheduledVisitForm,
    VisitForm,
)
from triage.followup.selectors import outcomes as outcome_figures
from triage.followup.selectors import timeline
from triage.followup.selectors.worklist import GROUP_TITLES, build_worklist, red_flag_labels
from triage.intake import selectors as intake_selectors
from triage.models import Encounter, EncounterStatus, Escalation, FollowUp, FollowUpStatus

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
        .select_related("encounter__patient", "encounter__care_plan", "recorded_by")
        .prefetch_related("visit__recommendations"),
        pk=pk,
    )


def _conflict(request, follow_up: FollowUp, entered=None):
    return render(
        request,
        "triage/followup/conflict.html",
        {"follow_up": follow_up, "entered": entered},
        status=CONFLICT,
    )


@permission_required("triage.add_visitrecord", raise_exception=True)
@records_chart_access("record visit", **_FOLLOW_UP)
def record_visit(request, pk):
    follow_up = _follow_up(pk)
    form = VisitForm(
        request.POST or None,
        intake_date=services.intake_date(follow_up.encounter),
        days_since_onset=follow_up.encounter.days_since_onset,
        today=timezone.localdate(),
        initial={"version": follow_up.version, "visit_date": timezone.localdate()},
    )
    if follow_up.status != FollowUpStatus.SCHEDULED:
        return _conflict(request, follow_up, entered=form if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_visit(
                follow_up=follow_up,
                version=form.cleaned_data["version"],
                findings=form.findings(),
                user=request.user,
                now=timezone.now(),
            )
        except services.VisitConflictError as conflict:
            return _conflict(request, _follow_up(conflict.follow_up.pk), entered=form)
        return redirect("triage:followup_detail", pk=follow_up.pk)
    return render(
        request,
        "triage/followup/visit_form.html",
        {"form": form, "follow_up": follow_up, "patient": follow_up.encounter.patient},
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
    form = UnscheduledVisitForm(
        request.POST or None,
        intake_date=services.intake_date(encounter),
        days_since_onset=encounter.days_since_onset,
        today=timezone.localdate(),
        initial={"visit_date": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        visit = services.add_unscheduled_visit(
            encounter=encounter, findings=form.findings(), user=request.user, now=timezone.now()
        )
        return redirect("triage:followup_detail", pk=visit.follow_up_id)
    return render(
        request,
        "triage/followup/visit_form.html",
        {"form": form, "encounter": encounter, "patient": encounter.patient},
    )


@permission_required("triage.view_followup", raise_exception=True)
@records_chart_access("follow-up", **_FOLLOW_UP)
def followup_detail(request, pk):
    follow_up = _follow_up(pk)
    return render(
        request,
        "triage/followup/detail.html",
        {"follow_up": follow_up, **timeline.visit_details(follow_up)},
    )


@permission_required("triage.change_followup", raise_exception=True)
@records_chart_access("missed visit", **_FOLLOW_UP)
def record_missed(request, pk):
    follow_up = _follow_up(pk)
    if follow_up.status != FollowUpStatus.SCHEDULED:
        return _conflict(request, follow_up)
    form = MissedVisitForm(request.POST or None, initial={"version": follow_up.version})
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
    return render(
        request,
        "triage/home.html",
        {
            "groups": groups,
            "shown": shown if shown in GROUP_TITLES else "",
            "group_titles": GROUP_TITLES,
            "drafts": intake_selectors.drafts_for(request.user),
        },
    )


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
