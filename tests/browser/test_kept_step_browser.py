"""No lost typing: a nurse whose session ended while she typed a step saves it, signs in
again, and finds the step filled in with a banner saying so."""

import datetime
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from accounts import roles
from accounts.session_limits import SEEN_AT
from accounts.sessions import SessionStore
from tests.browser.conftest import assert_accessible, authenticator, check_page, sign_in
from tests.conftest import make_user, totp_code
from tests.factories import IntakeDraftFactory, PatientFactory
from triage.guideline import FACT_SPECS
from triage.models import KeptStep

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _answer(page, question: str, answer: str) -> None:
    page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()


def _end_the_session_while_she_types(page) -> None:
    """An idle hour passes (the session's clock is moved back, as the idle limit would find)."""
    [cookie] = [c for c in page.context.cookies() if c["name"] == "sessionid"]
    session = SessionStore(session_key=cookie["value"])
    session[SEEN_AT] = int(time.time()) - 3600
    session.save()


def test_a_step_typed_as_the_session_ends_is_filled_in_after_signing_in(page):
    nurse = make_user(roles.NURSE, username="nadia")
    patient = PatientFactory(mrn="MRN-5150", family_name="Okafor", given_name="Chidi")
    draft = IntakeDraftFactory(owner=nurse, patient=patient)
    sign_in(page, "nadia")
    step = f"/intake/{draft.token}/pain/"
    page.goto(step)

    onset = timezone.localdate() - datetime.timedelta(days=4)
    page.get_by_label("Date the pain began").fill(onset.isoformat())
    _answer(page, "Where is the pain?", "Neck")
    page.get_by_label("On average over the last 24 hours").fill("7")
    _answer(page, FACT_SPECS["muscle_spasm"].question, "Yes")
    _end_the_session_while_she_types(page)
    page.get_by_role("button", name="Save and continue").click()

    # The sign-in page says why, and that the typing was kept; nothing typed is in the URL.
    page.wait_for_url("**/accounts/login/**")
    assert parse_qs(urlsplit(page.url).query) == {"next": [step]}
    body = page.locator("body").inner_text()
    assert "signed out after 30 minutes" in body
    assert "answers you had typed were kept" in body
    assert_accessible(page, "sign-in page after the session ended")
    assert KeptStep.objects.filter(user=nurse, draft=draft).exists()

    # Signed in again: the password, then the authenticator's code; `next` leads to the step.
    page.get_by_label("User name").fill("nadia")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: urlsplit(url).path != "/accounts/login/")
    if urlsplit(page.url).path.startswith("/accounts/second-factor/"):
        page.get_by_label("Code", exact=True).fill(totp_code(authenticator("nadia")))
        page.keyboard.press("Enter")
    page.wait_for_url(lambda url: urlsplit(url).path == step)

    banner = page.get_by_role("status").filter(has_text="Your answers were kept")
    assert banner.is_visible()
    assert page.get_by_label("Date the pain began").input_value() == onset.isoformat()
    assert page.get_by_label("On average over the last 24 hours").input_value() == "7"
    spasm = page.get_by_role("group", name=FACT_SPECS["muscle_spasm"].question)
    assert spasm.get_by_label("Yes", exact=True).is_checked()
    check_page(page, "intake step restored after sign-in")
    assert page.csp_violations == []

    # Shown once: a reload shows the draft as saved, without the banner.
    page.reload()
    assert page.get_by_text("Your answers were kept").count() == 0
