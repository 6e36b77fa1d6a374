"""No lost typing: an intake step posted after the session ended is kept for the same user.

`accounts.session_limits` ends a session past its idle or absolute limit; for a POST that
arrives on such a session it calls `keep_posted_step` with the request and the user, just
before signing them out (the sign-in page then returns to the step's URL, `next`). When the
POST is to a step of a draft that user owns, the step's fields (as its form reads them: the
CSRF token and anything else posted are left out) are kept in the database against the draft
and the user, never in a URL or the session. The step's next GET by that same user shows them
once, with a banner (triage/intake/views.py).
"""

from django.contrib import messages
from django.http import HttpRequest
from django.urls import Resolver404, resolve
from django.utils import timezone

from triage.intake import services
from triage.intake.answers import STEP_FORMS
from triage.intake.steps import STEP_BY_NAME
from triage.models import IntakeDraft

STEP_VIEW = "triage:intake_step"


def keep_posted_step(request: HttpRequest, user) -> None:
    """Keep the step a signed-out user just posted, when it is a step of their own draft."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return
    step = match.kwargs.get("step")
    if match.view_name != STEP_VIEW or step not in STEP_BY_NAME or step == "patient":
        return
    if not user.has_perm("triage.change_intakedraft"):
        return
    draft = (
        IntakeDraft.objects.select_related("patient")
        .filter(token=match.kwargs["token"], owner=user)
        .first()
    )
    if draft is None:
        return
    form = STEP_FORMS[step](request.POST, patient=draft.patient, today=timezone.localdate())
    services.keep_step(draft=draft, user=user, step=step, answers=form.raw_answers())
    messages.info(
        request,
        "The answers you had typed were kept: sign in again and they will be filled in.",
    )
