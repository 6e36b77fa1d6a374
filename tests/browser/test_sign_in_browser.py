"""A nurse signs in, searches, registers a patient and opens the chart, in a real browser."""

import pytest

from accounts import roles
from patients.models import Patient
from tests.browser.conftest import assert_accessible, check_page, sign_in
from tests.conftest import make_user
from tests.factories import PatientFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_nurse_signs_in_searches_registers_and_opens_a_chart(page):
    make_user(roles.NURSE, username="nadia")
    PatientFactory(mrn="MRN-5150", family_name="Okafor", given_name="Chidi")
    page.goto("/accounts/login/")
    check_page(page, "sign in")
    page.get_by_label("User name").fill("nadia")
    page.get_by_label("Password").fill("not-her-password")
    page.keyboard.press("Enter")
    page.get_by_role("alert").first.wait_for()
    assert_accessible(page, "sign in refused")
    sign_in(page, "nadia")

    page.get_by_role("link", name="Patients", exact=True).click()
    page.get_by_label("Record number or name").fill("okafor")
    page.keyboard.press("Enter")
    page.get_by_role("link", name="OKAFOR, Chidi").click()
    assert page.get_by_role("heading", name="OKAFOR, Chidi").is_visible()

    page.goto("/patients/new/")
    page.get_by_label("Medical record number").fill("mrn-6000")
    page.get_by_label("Family name").fill("Lovelace")
    page.get_by_label("Given name").fill("Ada")
    page.get_by_label("Date of birth").fill("1985-12-10")
    page.get_by_label("Sex").select_option("female")
    page.get_by_role("button", name="Register patient").click()
    assert page.get_by_role("heading", name="LOVELACE, Ada").is_visible()
    assert Patient.objects.filter(mrn="MRN-6000").exists()
    assert page.csp_violations == []


def test_future_birth_date_is_announced_next_to_the_field(page):
    make_user(roles.NURSE, username="nadia")
    sign_in(page, "nadia")
    page.goto("/patients/new/")
    page.get_by_label("Medical record number").fill("MRN-1")
    page.get_by_label("Family name").fill("Lovelace")
    page.get_by_label("Given name").fill("Ada")
    page.get_by_label("Date of birth").fill("2999-01-01")
    page.get_by_label("Sex").select_option("female")
    page.get_by_role("button", name="Register patient").click()
    assert page.get_by_role("alert").first.is_visible()
    check_page(page, "register a patient refused")
    field = page.get_by_label("Date of birth")
    assert "is-invalid" in field.get_attribute("class")
    assert page.get_by_text("The date of birth cannot be in the future.").first.is_visible()
    assert not Patient.objects.exists()
