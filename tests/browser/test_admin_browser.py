"""A clinician works the review queue in the admin, in a real browser, under the strict CSP."""

import pytest
from playwright.sync_api import expect

from accounts import roles
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import make_user
from tests.factories import (
    CarePlanFactory,
    FollowUpFactory,
    PatientFactory,
    RecommendationFactory,
    UrgentEncounterFactory,
)
from triage.review.display import encounter_label

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _urgent_encounter():
    encounter = UrgentEncounterFactory(patient=PatientFactory(mrn="MRN-9001"))
    plan = CarePlanFactory(encounter=encounter, pathway="urgent", red_flags=["fever"])
    RecommendationFactory(
        care_plan=plan,
        code="URGENT_EVALUATION",
        indicator="critical",
        category="urgent",
        summary="Arrange urgent imaging and a specialist opinion today.",
    )
    return encounter


def test_clinician_signs_off_an_urgent_encounter_from_the_queue(page):
    make_user(roles.CLINICIAN, username="carl")
    encounter = _urgent_encounter()
    sign_in(page, "carl")

    page.get_by_role("link", name="Clinical review").click()
    page.get_by_role("link", name="Encounters awaiting review").first.click()
    page.wait_for_url("**/encounterawaitingreview/")
    expect(page.get_by_text("Urgent – awaiting sign-off").first).to_be_visible()
    # The row's link (its text is the date, without a leading zero on the 1st to the 9th).
    page.locator(f'a[href$="/{encounter.pk}/change/"]').first.click()

    page.wait_for_url("**/change/")
    # Shown twice: in the summary's cards and in the stored snapshot below the fields.
    expect(
        page.get_by_text("Arrange urgent imaging and a specialist opinion today.").first
    ).to_be_visible()
    button = page.get_by_role("button", name="Sign off as reviewed")
    button.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text(f"Signed off {encounter_label(encounter)}.")).to_be_visible()
    assert_accessible(page, "the review queue after a sign-off")
    encounter.refresh_from_db()
    assert encounter.reviewed_by.username == "carl"
    assert page.csp_violations == []


def test_admin_pages_raise_no_csp_violations(page):
    ada = make_user(roles.ADMINISTRATOR, username="ada")
    encounter = _urgent_encounter()
    follow_up = FollowUpFactory(encounter=encounter)
    sign_in(page, "ada")
    for path in (
        "/admin/",
        "/admin/triage/encounter/",
        f"/admin/triage/encounter/{encounter.pk}/change/",
        f"/admin/triage/encounter/{encounter.pk}/history/",
        f"/admin/triage/encounter/{encounter.pk}/void/",
        "/admin/triage/encounterawaitingreview/",
        f"/admin/patients/patient/{encounter.patient.pk}/change/",
        "/admin/triage/followup/?due=overdue",
        f"/admin/triage/followup/{follow_up.pk}/change/",
        "/admin/triage/escalation/",
        "/admin/patients/chartaccess/",
        "/admin/auth/user/",
        f"/admin/auth/user/{ada.pk}/change/",
        # Last: by now she has opened charts, so her activity has rows to show.
        f"/admin/auth/user/{ada.pk}/activity/",
    ):
        response = page.goto(path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        assert_accessible(page, path)
    assert page.csp_violations == []


def test_void_from_the_encounter_page_with_the_keyboard(page):
    make_user(roles.CLINICIAN, username="carl")
    encounter = _urgent_encounter()
    sign_in(page, "carl")
    page.goto(f"/admin/triage/encounter/{encounter.pk}/change/")
    page.get_by_role("link", name="Void this encounter…").click()

    page.get_by_role("button", name="Void this encounter").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page, "the void page, refused without a reason")
    reason = page.get_by_label("Reason for voiding")
    expect(reason).to_have_attribute("aria-invalid", "true")

    reason.fill("Entered on the wrong patient")
    reason.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator(".review-voided")).to_contain_text("Entered on the wrong patient")
    encounter.refresh_from_db()
    assert encounter.void_reason == "Entered on the wrong patient"
    assert page.csp_violations == []
