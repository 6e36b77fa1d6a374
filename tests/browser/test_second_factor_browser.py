"""Multi-factor sign-in in a real browser: a clinician's first sign-in sets up the app from the
page's QR code and secret, keeps the recovery codes, and later signs in with a code or a
recovery code. Every page state is checked with axe."""

import base64

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken

from accounts import roles
from tests.browser.conftest import assert_accessible, check_page
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def type_password(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def code_for(secret: str) -> str:
    """What an authenticator app shows for the secret typed in from the page."""
    return f"{TOTP(base64.b32decode(secret.replace(' ', ''))).token():06d}"


def test_first_sign_in_sets_up_the_app_then_signs_in_with_codes(page):
    make_user(roles.CLINICIAN, username="carl")
    type_password(page, "carl")

    assert "/accounts/second-factor/enrol/" in page.url
    assert page.get_by_role("heading", name="Set up your authenticator app").is_visible()
    assert page.get_by_role("img", name="QR code that adds Upright to your authenticator app")
    check_page(page, "set up the authenticator app")
    secret = page.locator("#totp-secret").inner_text()

    # A mistyped code (one digit short): refused with the reason; a wrong six-digit code would
    # also make the app's codes wait a second (tests/accounts/test_second_factor.py).
    page.get_by_label("Code from the app").fill("12345")
    page.keyboard.press("Enter")
    page.get_by_role("alert").first.wait_for()
    assert_accessible(page, "set-up code refused")

    page.get_by_label("Code from the app").fill(code_for(secret))
    page.keyboard.press("Enter")
    page.wait_for_url("**/recovery-codes/**")
    check_page(page, "recovery codes")
    shown = (
        page.get_by_role("list", name="Recovery codes").get_by_role("listitem").all_inner_texts()
    )
    assert len(shown) == 10
    assert set(shown) == set(StaticToken.objects.values_list("token", flat=True))
    page.get_by_role("link", name="I have kept them: continue").click()
    page.wait_for_url(lambda url: "/accounts/" not in url)
    assert page.get_by_role("link", name="Worklist").is_visible()

    page.get_by_role("button", name="Sign out").click()
    type_password(page, "carl")
    assert "/accounts/second-factor/?next=" in page.url
    check_page(page, "enter your code")
    page.get_by_label("Code", exact=True).fill("abc")
    page.keyboard.press("Enter")
    page.get_by_role("alert").first.wait_for()
    assert_accessible(page, "code refused")
    page.get_by_label("Code", exact=True).fill(shown[0])
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/accounts/" not in url)
    assert "9 left" in page.get_by_role("status").first.inner_text()
    assert page.csp_violations == []
