"""The nurse's intake: patient, presenting pain, red flags, history, review; then the care plan."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from patients.chart_access import record_patients_shown, records_chart_access
from patients.forms import PatientSearchForm
from patients.selectors import patients_matching
from patients.services import RecordNumberTakenError
from patients.views import log_patients_named, record_number_taken
from triage.intake import answers as checked
from triage.intake import selectors
from triage.intake import services as intake_services
from triage.intake.forms import IntakePatientForm, PatientChoiceForm, SubmitForm
from triage.intake.steps import REVIEW, STEP_BY_NAME, STEPS, step_title
from triage.models import FeedbackOutcome, IntakeDraft, KeptStep, OverrideReason

SEARCH_RESULTS_SHOWN = 20
DRAFTS_PAGE_SIZE = 25
_DRAFT = {
    "model": "triage.IntakeDraft",
    "kwarg": "token",
    "lookup": "token",
    "patient_field": "patient_id",
}
_ENCOUNTER = {"model": "triage.Encounter", "patient_field": "patient_id"}


def _step_url(draft: IntakeDraft, step: str) -> str:
    if step == REVIEW:
        return reverse("triage:intake_review", args=[draft.token])
    return reverse("triage:intake_step", args=[draft.token, step])


def _own_drafts(request):
    # Whether answers kept from an ended session wait for this user comes in the same query.
    kept = KeptStep.objects.filter(draft=OuterRef("pk"), user=request.user)
    drafts = IntakeDraft.objects.select_related("patient").annotate(has_kept_step=Exists(kept))
    return drafts.filter(owner=request.user)


def _own_draft(request, token) -> IntakeDraft:
    return get_object_or_404(_own_drafts(request), token=token)


def _steps_context(draft: IntakeDraft | None, current: str) -> dict:
    return {
        "draft": draft,
        "steps": STEPS,
        "current_step": current,
        "step_title": step_title(current),
    }


@permission_required("triage.add_intakedraft", raise_exception=True)
def intake_new(request):
    """Start an intake: choose the patient, or straight to the pain step from a chart."""
    if not request.GET.get("patient"):
        return _patient_step(request, draft=None)
    today = timezone.localdate()
    chosen = PatientChoiceForm({"patient": request.GET["patient"]}, patient=None, today=today)
    if chosen.has_error("patient", "invalid_choice"):
        raise Http404("No such patient.")
    if not chosen.is_valid():
        return _patient_step(request, draft=None, refused=chosen)
    patient = chosen.cleaned_data["patient"]
    earlier = selectors.draft_for_patient(owner=request.user, patient=patient)
    if earlier is not None:
        messages.info(request, "You already have an unfinished intake for this patient: resumed.")
        return redirect(_step_url(earlier, earlier.current_step))
    response = _answer_step(request, draft=None, patient=patient, step_name="pain")
    record_patients_shown(user=request.user, patients=[patient], page="intake")
    return response


@permission_required("triage.change_intakedraft", raise_exception=True)
@records_chart_access("intake", **_DRAFT)
def intake_step(request, token, step):
    """One step of a saved intake, URL-addressable so review and resume land on it."""
    draft = _own_draft(request, token)
    if step == "patient":
        return _patient_step(request, draft=draft)
    if step not in STEP_BY_NAME:
        raise Http404("No such intake step.")
    return _answer_step(request, draft=draft, patient=draft.patient, step_name=step)


def _answer_step(request, *, draft, patient, step_name):
    step = STEP_BY_NAME[step_name]
    today = timezone.localdate()
    saved = (draft.answers if draft else {}).get(step_name)
    kept = None
    if request.method == "GET" and getattr(draft, "has_kept_step", False):
        kept = intake_services.take_kept_step(draft=draft, user=request.user, step=step_name)
    data = request.POST if request.method == "POST" else (saved if kept is None else kept)
    form = checked.STEP_FORMS[step_name](data, patient=patient, today=today)
    if request.method == "POST" and form.is_valid():
        draft = intake_services.save_step(
            owner=request.user,
            draft=draft,
            step=step_name,
            answers=form.raw_answers(),
            next_step=checked.step_router(today=today),
            patient=patient,
        )
        return redirect(_step_url(draft, draft.current_step))
    context = _steps_context(draft, step_name) | {"form": form, "patient": patient, "step": step}
    context["kept"] = kept is not None
    return render(request, f"triage/intake/{step_name}.html", context)


def _patient_step(request, *, draft, refused=None):
    today = timezone.localdate()
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action == "register" and not request.user.has_perm("patients.add_patient"):
        raise PermissionDenied
    chosen = refused or PatientChoiceForm(
        request.POST if action == "choose" else None, patient=None, today=today
    )
    new_patient = IntakePatientForm(
        request.POST if action == "register" else None, prefix="new", today=today
    )
    posted = {"choose": chosen, "register": new_patient}.get(action)
    context = _patient_context(request, draft, registering=action == "register")
    if posted is not None and posted.is_valid():
        patient = chosen.cleaned_data["patient"] if posted is chosen else None
        try:
            draft = intake_services.set_patient(
                owner=request.user,
                draft=draft,
                next_step=checked.step_router(today=today),
                patient=patient,
                new_patient=new_patient.cleaned_data if posted is new_patient else None,
            )
        except RecordNumberTakenError as error:
            context |= record_number_taken(new_patient, error)
        else:
            return redirect(_step_url(draft, draft.current_step))
    context |= {"chosen": chosen, "new_patient": new_patient}
    log_patients_named(request, new_patient, context)
    return render(request, "triage/intake/patient.html", context)


def _patient_context(request, draft, *, registering: bool) -> dict:
    """Either the search and its results, or (?register) the registration form."""
    search = PatientSearchForm(request.GET)
    term = search.cleaned_data["q"].strip() if search.is_valid() else ""
    matches = list(patients_matching(term)[:SEARCH_RESULTS_SHOWN]) if term else []
    record_patients_shown(user=request.user, patients=matches, page="search results")
    return _steps_context(draft, "patient") | {
        "registering": registering or "register" in request.GET,
        "term": term,
        "matches": matches,
        "current_patient": draft.patient if draft else None,
    }


def _review(request, draft, *, problems=None, submit_form=None):
    answered = checked.check_answers(
        draft.answers, patient=draft.patient, today=timezone.localdate()
    )
    context = _steps_context(draft, REVIEW) | checked.review_summary(answered, problems or {})
    context |= {"submit_form": submit_form, "digest": selectors.answers_digest(draft)}
    return render(request, "triage/intake/review.html", context)


@permission_required("triage.view_intakedraft", raise_exception=True)
@records_chart_access("intake review", **_DRAFT)
def intake_review(request, token):
    """Every answer on one page, red flags first, with an edit link to each step."""
    # Reloaded after the submit (the draft is gone): the intake's care plan is the page to show.
    submitted = selectors.submitted_encounter(token)
    if submitted is not None:
        return redirect("triage:care_plan", pk=submitted.pk)
    return _review(request, _own_draft(request, token))


@require_POST
@permission_required("triage.add_encounter", raise_exception=True)
@records_chart_access("intake review", **_DRAFT)
def intake_submit(request, token):
    """Submit the intake; a second submit of the same intake lands on the same care plan."""
    draft = _own_drafts(request).filter(token=token).first()
    if draft is None:
        # A submit deletes its draft with the encounter it stores: only then look for it.
        earlier = selectors.submitted_encounter(token)
        if earlier is not None:
            return redirect("triage:care_plan", pk=earlier.pk)
        raise Http404("No such unfinished intake.")
    form = SubmitForm(request.POST, digest=selectors.answers_digest(draft))
    if not form.is_valid():
        return _review(request, draft, submit_form=form)
    try:
        encounter = checked.submit_draft(draft=draft, user=request.user, now=timezone.now())
    except intake_services.IntakeIncompleteError as incomplete:
        return _review(request, draft, problems=incomplete.errors)
    except IntakeDraft.DoesNotExist:
        raise Http404("The intake was discarded while it was being submitted.") from None
    return redirect("triage:care_plan", pk=encounter.pk)


@permission_required("triage.delete_intakedraft", raise_exception=True)
@records_chart_access("discard intake", **_DRAFT)
def intake_discard(request, token):
    """Throw away an unfinished intake, on the nurse's explicit request, after asking once."""
    draft = _own_draft(request, token)
    if request.method != "POST":
        return render(request, "triage/intake/discard.html", {"draft": draft})
    intake_services.discard_draft(draft=draft)
    messages.success(request, "The unfinished intake was discarded.")
    return redirect("triage:home")


@permission_required("triage.view_intakedraft", raise_exception=True)
def intake_drafts(request):
    """All of the nurse's unfinished intakes."""
    drafts = selectors.all_drafts_for(request.user)
    page = Paginator(drafts, DRAFTS_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.titled(page.object_list)
    response = render(request, "triage/intake/drafts.html", {"page": page})
    shown = [draft.patient for draft in page.object_list if draft.patient is not None]
    record_patients_shown(user=request.user, patients=shown, page="unfinished intakes")
    return response


@permission_required("triage.view_careplan", raise_exception=True)
@records_chart_access("care plan", **_ENCOUNTER)
def care_plan(request, pk):
    """The stored care plan of an encounter, exactly as it was made."""
    encounter = get_object_or_404(selectors.encounter_with_plan(pk))
    context = {
        "plan": selectors.arrange(encounter),
        "can_give_feedback": not encounter.is_voided
        and request.user.has_perm("triage.add_recommendationfeedback"),
        "feedback_outcomes": FeedbackOutcome.choices,
        "override_reasons": OverrideReason.choices,
    }
    return render(request, "triage/care_plan.html", context)


@permission_required("triage.view_careplan", raise_exception=True)
@records_chart_access("handout", **_ENCOUNTER)
def handout(request, pk):
    """The patient's printable handout for a stored care plan."""
    plan = selectors.arrange(get_object_or_404(selectors.encounter_with_plan(pk)))
    context = {
        "plan": plan,
        "handout": selectors.handout(plan),
        "clinic_name": settings.UPRIGHT_CLINIC_NAME,
        "clinic_phone": settings.UPRIGHT_CLINIC_PHONE,
    }
    return render(request, "triage/handout.html", context)
