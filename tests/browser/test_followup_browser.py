"""A nurse records a follow-up visit from the worklist, in a real browser."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts import roles
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import make_user
from tests.factories import PatientFactory, make_conservative_episode
from triage.guideline import VISIT_FACT_SPECS
from triage.models import ASKED_RED_FLAG_KEYS, FollowUpStatus, VisitRecord

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _episode_due_today(nurse, **fields):
    patient = PatientFactory(mrn="MRN-7001", family_name="Okafor", given_name="Chidi")
    return make_conservative_episode(
        patient=patient,
        recorded_by=nurse,
        occurred_at=timezone.now() - datetime.timedelta(days=14),
        **fields,
    )


def _answer_red_flags(page, *, yes=()):
    for key in ASKED_RED_FLAG_KEYS:
        group = page.get_by_role("group", name=VISIT_FACT_SPECS[key].question)
        group.get_by_label("Yes" if key in yes else "No", exact=True).check()


def _answer_medicines_no(page):
    """The day-14 visit is the medicine review: it asks the history and medicines again."""
    medicines = page.get_by_role("group", name="History and medicines, asked again")
    for group in medicines.get_by_role("group").all():
        group.get_by_label("No", exact=True).check()


def test_nurse_records_a_visit_from_the_worklist(page):
    nurse = make_user(roles.NURSE, username="nadia")
    encounter = _episode_due_today(nurse, pain_score=7)
    sign_in(page, "nadia")

    due_today = page.get_by_role("region", name="Due today")
    due_today.get_by_role("link", name="Record visit for OKAFOR, Chidi").click()
    page.get_by_label("Date of the visit").fill(timezone.localdate().isoformat())
    page.get_by_label(VISIT_FACT_SPECS["pain_score"].question).fill("3")
    page.get_by_label(VISIT_FACT_SPECS["global_change"].question).select_option("3")
    _answer_red_flags(page)
    _answer_medicines_no(page)
    page.get_by_label("Activity 1", exact=True).fill("Turning my head to drive")
    page.get_by_label("Activity 1 score (0-10)").fill("6")
    page.get_by_role("button", name="Save the visit").click()

    expect(page.get_by_role("heading", name="Episode status: Improving")).to_be_visible()
    expect(page.get_by_text("Turning my head to drive")).to_be_visible()
    assert_accessible(page, "the follow-up after the visit")
    visit = VisitRecord.objects.get()
    assert (visit.day, visit.pain_score, visit.activity_1_score) == (14, 3, 6)
    assert visit.follow_up.status == FollowUpStatus.COMPLETED

    page.get_by_role("link", name="Back to the worklist").click()
    assert (
        page.get_by_role("region", name="Due today")
        .get_by_text("No visits due today.")
        .is_visible()
    )
    page.goto(f"/patients/{encounter.patient_id}/")
    assert page.get_by_role("img", name="Pain score by day since the intake").is_visible()
    assert page.csp_violations == []


def test_missing_answers_are_listed_at_the_top_and_marked_on_the_fields(page):
    nurse = make_user(roles.NURSE, username="nadia")
    follow_up = _episode_due_today(nurse).follow_ups.order_by("due_date").first()
    sign_in(page, "nadia")
    page.goto(f"/follow-ups/{follow_up.pk}/record/")

    page.get_by_label(VISIT_FACT_SPECS["pain_score"].question).fill("14")
    page.get_by_role("button", name="Save the visit").click()

    summary = page.get_by_role("alert")
    assert_accessible(page, "the visit form, refused")
    expect(summary).to_contain_text("Pain score: The pain score must be a whole number")
    summary.get_by_role("link", name="Fever: Answer yes or no.").click()
    assert page.evaluate("document.activeElement.id") == "id_fever_0"
    field = page.get_by_label(VISIT_FACT_SPECS["pain_score"].question)
    assert field.get_attribute("aria-invalid") == "true"
    assert not VisitRecord.objects.exists()
    assert page.csp_violations == []
