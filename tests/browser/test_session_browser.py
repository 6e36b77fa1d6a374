"""The sign-out warning appears before the idle limit, and "Stay signed in" keeps the session."""

import pytest

from accounts import roles
from tests.browser.conftest import sign_in
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_warning_appears_and_stay_signed_in_keeps_the_session(page, settings):
    # Two minutes' warning before an idle limit of two minutes and three seconds.
    settings.UPRIGHT_SESSION_IDLE_SECONDS = 123
    make_user(roles.NURSE, username="nadia")
    sign_in(page, "nadia")

    warning = page.get_by_role("alertdialog")
    warning.wait_for(state="visible", timeout=10_000)
    assert "You will be signed out in" in warning.inner_text()
    page.get_by_role("button", name="Stay signed in").click()
    warning.wait_for(state="hidden")

    page.goto("/patients/")
    assert "/accounts/login/" not in page.url
    assert page.csp_violations == []


def test_warning_says_signed_out_once_the_limit_passes(page, settings):
    settings.UPRIGHT_SESSION_IDLE_SECONDS = 122
    make_user(roles.NURSE, username="nadia")
    sign_in(page, "nadia")

    page.get_by_role("alertdialog").wait_for(state="visible", timeout=10_000)
    settings.UPRIGHT_SESSION_IDLE_SECONDS = 1
    page.get_by_role("link", name="Sign in again").wait_for(state="visible", timeout=15_000)
    assert "You have been signed out" in page.get_by_role("alertdialog").inner_text()
