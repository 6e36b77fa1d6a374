"""A nurse completes a conservative and an urgent intake in a real browser, keyboard included."""

import datetime

import pytest
from django.utils import timezone

from accounts import roles
from tests.browser.conftest import assert_accessible, check_page, sign_in
from tests.conftest import make_user
from tests.factories import EscalationFactory, PatientFactory
from triage.guideline import FACT_SPECS
from triage.models import ASKED_RED_FLAG_KEYS, Encounter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _answer(page, question: str, answer: str) -> None:
    page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()


def _fill_pain_step(page) -> None:
    onset = timezone.localdate() - datetime.timedelta(days=4)
    page.get_by_label("Date the pain began").fill(onset.isoformat())
    _answer(page, "Where is the pain?", "Neck")
    page.get_by_label("On average over the last 24 hours").fill("8")
    for key in ("muscle_spasm", "neuropathic_features", "declines_neck_manipulation"):
        _answer(page, FACT_SPECS[key].question, "Yes" if key == "muscle_spasm" else "No")
    _answer(page, "Is the patient taking a muscle relaxant now", "No")
    page.get_by_role("button", name="Save and continue").click()


def _red_flags_with_the_keyboard(page, *, yes: set[str]) -> None:
    """Answer every red-flag question with Tab, Space (yes) and an arrow key (no), then Enter."""
    page.get_by_role("heading", name="Red-flag screen").wait_for()
    first_group = page.get_by_role("group", name=FACT_SPECS[ASKED_RED_FLAG_KEYS[0]].question)
    first_group.get_by_label("Yes", exact=True).focus()
    for position, key in enumerate(ASKED_RED_FLAG_KEYS):
        if position:
            page.keyboard.press("Tab")  # the next question's first option
        focused = page.evaluate("document.activeElement.name")
        assert focused == key, f"keyboard focus is on {focused}, expected {key}"
        page.keyboard.press("Space" if key in yes else "ArrowDown")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Save and continue"
    page.keyboard.press("Enter")


def _history_all_no(page) -> None:
    page.get_by_role("heading", name="History and medicines").wait_for()
    for group in page.get_by_role("group").all():
        group.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Save and continue").click()


def test_nurse_completes_a_conservative_intake_from_the_chart(page):
    make_user(roles.NURSE, username="nadia")
    patient = PatientFactory(mrn="MRN-4242", family_name="Okafor", given_name="Chidi")
    sign_in(page, "nadia")
    page.goto(f"/patients/{patient.pk}/")
    page.get_by_role("link", name="Start intake").click()

    _fill_pain_step(page)
    _red_flags_with_the_keyboard(page, yes=set())
    _history_all_no(page)

    page.get_by_role("heading", name="Review the intake").wait_for()
    check_page(page, "intake review")
    assert page.get_by_text("No red flag was answered yes.").is_visible()
    submit = page.get_by_role("button", name="Submit intake and see the care plan")
    submit.focus()
    page.keyboard.press("Enter")

    page.get_by_role("heading", name="Care plan").wait_for()
    encounter = Encounter.objects.get()
    assert encounter.pathway == "conservative"
    assert page.get_by_role("heading", name="Do now").is_visible()
    assert page.get_by_role("heading", name="Do not").is_visible()
    assert page.get_by_text(f"rule set {encounter.care_plan.ruleset}").is_visible()
    assert page.get_by_role("alert").count() == 0
    page.get_by_role("link", name="Patient handout (print)").click()
    assert page.get_by_role("heading", name="Get urgent medical help if you notice").is_visible()
    assert_accessible(page, "the handout")
    assert page.csp_violations == []


def test_nurse_completes_an_urgent_intake_from_the_home_page(page):
    make_user(roles.NURSE, username="nadia")
    PatientFactory(mrn="MRN-5150", family_name="Lovelace", given_name="Ada")
    sign_in(page, "nadia")
    page.get_by_role("link", name="Start an intake").click()
    page.get_by_label("Record number or name").fill("lovelace")
    page.keyboard.press("Enter")
    page.get_by_label("MRN-5150: LOVELACE, Ada", exact=False).check()
    page.get_by_role("button", name="Use this patient and continue").click()

    _fill_pain_step(page)
    # Save the red-flag step with one question unanswered: it is refused, with a summary.
    page.get_by_role("button", name="Save and continue").click()
    assert page.get_by_role("alert").first.is_visible()
    assert page.get_by_text("Answer yes or no.").first.is_visible()
    check_page(page, "intake red-flag step refused")
    _red_flags_with_the_keyboard(page, yes={"fever"})
    _history_all_no(page)

    page.get_by_role("heading", name="Review the intake").wait_for()
    assert page.get_by_role("heading", name="Red flags answered yes").is_visible()
    check_page(page, "intake review urgent")
    page.get_by_role("button", name="Submit intake and see the care plan").click()

    page.get_by_role("heading", name="Care plan").wait_for()
    banner = page.get_by_role("alert")
    assert banner.is_visible()
    assert "Red flags found" in banner.inner_text()
    assert_accessible(page, "the urgent care plan")
    assert "fever" in banner.inner_text()
    encounter = Encounter.objects.get()
    assert (encounter.pathway, encounter.episode_status) == ("urgent", "escalated")
    assert encounter.escalations.count() == 1
    assert page.csp_violations == []


def test_an_emergency_intake_says_what_to_do_now_and_tops_the_worklist(page):
    make_user(roles.NURSE, username="nadia")
    waiting = EscalationFactory(opened_at=timezone.now() - datetime.timedelta(days=1))
    patient = PatientFactory(mrn="MRN-9110", family_name="Hopper", given_name="Grace")
    sign_in(page, "nadia")
    page.goto(f"/patients/{patient.pk}/")
    page.get_by_role("link", name="Start intake").click()

    _fill_pain_step(page)
    _red_flags_with_the_keyboard(page, yes={"cervical_arterial_signs"})
    _history_all_no(page)
    page.get_by_role("heading", name="Review the intake").wait_for()
    page.get_by_role("button", name="Submit intake and see the care plan").click()

    page.get_by_role("heading", name="Care plan").wait_for()
    banner = page.get_by_role("alert")
    assert banner.get_by_role("heading").inner_text() == "Emergency: act now"
    assert banner.locator("p").first.inner_text().startswith("Call an ambulance now")
    encounter = Encounter.objects.get(patient=patient)
    assert (encounter.pathway, encounter.episode_status) == ("emergency", "escalated")
    assert encounter.escalations.get().priority == "emergency"

    page.get_by_role("link", name="Patient handout (print)").click()
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == "Your neck and upper-back pain: what to do next"
    first_line = heading.locator("xpath=following-sibling::p[1]").inner_text()
    assert first_line.startswith("Call an ambulance now.")
    assert "wait" not in page.locator(".handout").inner_text().split("Get urgent medical help")[0]

    page.goto("/")
    rows = page.locator("#group-escalations tbody").get_by_role("row")
    assert rows.count() == 2
    first = rows.nth(0).get_by_role("rowheader").inner_text()
    assert "Emergency" in first
    assert "HOPPER, Grace" in first
    assert "Urgent" in rows.nth(1).inner_text()
    assert waiting.encounter.patient.display_name in rows.nth(1).inner_text()
    assert page.csp_violations == []


def test_a_draft_is_resumed_from_the_home_page_after_signing_out(page):
    make_user(roles.NURSE, username="nadia")
    patient = PatientFactory(mrn="MRN-7001")
    sign_in(page, "nadia")
    page.goto(f"/patients/{patient.pk}/")
    page.get_by_role("link", name="Start intake").click()
    _fill_pain_step(page)
    page.get_by_role("heading", name="Red-flag screen").wait_for()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "nadia")
    assert page.get_by_role("heading", name="Your unfinished intakes").is_visible()
    page.get_by_role("link", name="Resume").first.click()
    assert page.get_by_role("heading", name="Red-flag screen").is_visible()
    page.get_by_role("link", name="2. Presenting pain").click()
    assert page.get_by_label("On average over the last 24 hours").input_value() == "8"
