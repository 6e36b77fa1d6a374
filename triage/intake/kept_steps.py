"""No lost typing: an intake step posted after the session ended is kept for the same user.

`accounts.session_limits` ends a session past its idle or absolute limit; for a POST that
arrives on such a session it calls `keep_posted_step` with the request and the user, just
before signing them out (the sign-in page then returns to the posted URL, `next`). When the
POST is a step of a draft that user owns, or the first (pain) step of an intake started from
a chart (a draft for that patient is then opened, or their open one used), the step's fields
(as its form reads them: the CSRF token and anything else posted are left out) are kept in the
database against the draft and the user, never in a URL or the session. The step's next GET by
that same user shows them once, with a banner (triage/intake/views.py). The patient step
(search or register) is not kept.
"""

from django.contrib import messages
from django.http import HttpRequest
from django.urls import Resolver404, resolve
from django.utils import timezone

from triage.intake import selectors, services
from triage.intake.answers import STEP_FORMS, step_router
from triage.intake.forms import PatientChoiceForm
from triage.models import IntakeDraft

STEP_VIEW = "triage:intake_step"
NEW_INTAKE_VIEW = "triage:intake_new"
# The step an intake started from a chart posts first (intake_new?patient=...).
FIRST_STEP = "pain"


def _posted_step(request: HttpRequest, user) -> tuple[IntakeDraft, str] | None:
    """The user's own draft and the step the POST answered, if it answered one."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    if match.view_name == STEP_VIEW:
        step = match.kwargs["step"]
        if step not in STEP_FORMS or step == "patient":
            return None
        if not user.has_perm("triage.change_intakedraft"):
            return None
        drafts = IntakeDraft.objects.select_related("patient")
        draft = drafts.filter(token=match.kwargs["token"], owner=user).first()
        return (draft, step) if draft is not None else None
    if match.view_name == NEW_INTAKE_VIEW and request.GET.get("patient"):
        return _new_intake(request, user)
    return None


def _new_intake(request: HttpRequest, user) -> tuple[IntakeDraft, str] | None:
    """The pain step of an intake started from a chart: no draft yet, so one is opened for the
    patient (as choosing them would), unless the user already has one for them."""
    if not user.has_perm("triage.add_intakedraft"):
        return None
    today = timezone.localdate()
    chosen = PatientChoiceForm({"patient": request.GET["patient"]}, patient=None, today=today)
    if not chosen.is_valid():
        return None
    patient = chosen.cleaned_data["patient"]
    draft = selectors.draft_for_patient(owner=user, patient=patient)
    if draft is None:
        draft = services.set_patient(
            owner=user, draft=None, next_step=step_router(today=today), patient=patient
        )
    return draft, FIRST_STEP


def keep_posted_step(request: HttpRequest, user) -> None:
    """Keep the step a signed-out user just posted, when it is a step of their own intake."""
    posted = _posted_step(request, user)
    if posted is None:
        return
    draft, step = posted
    form = STEP_FORMS[step](request.POST, patient=draft.patient, today=timezone.localdate())
    services.keep_step(draft=draft, user=user, step=step, answers=form.raw_answers())
    messages.info(
        request,
        "The answers you had typed were kept: sign in again and they will be filled in.",
    )
