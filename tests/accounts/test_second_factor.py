"""Multi-factor sign-in through HTTP: enrolment with a QR code, the code page, recovery codes,
pages held back until the second factor, throttled wrong codes, who needs it, the admin."""

import re
from urllib.parse import quote

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import roles, services
from tests.conftest import make_user, totp_code, verify_second_factor
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.real_second_factor]

PASSWORD = "correct-horse-battery"


def sign_in(client, username: str, next_url: str = ""):
    data = {"username": username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("login"), data)


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def step(name: str, next_url: str = "/") -> str:
    return f"{reverse(name)}?next={quote(next_url, safe='')}"


@pytest.fixture
def clinician(db):
    return make_user(roles.CLINICIAN, username="carl")


@pytest.fixture
def nurse(db):
    return make_user(roles.NURSE, username="nadia")


def test_first_sign_in_goes_to_enrolment_not_the_worklist(client, clinician):
    response = sign_in(client, "carl")

    assert response.status_code == 302
    assert response["Location"] == step("second_factor_enrol")


def test_enrolment_shows_a_server_drawn_qr_code_and_the_secret(client, clinician):
    sign_in(client, "carl")
    response = client.get(step("second_factor_enrol"))

    assert response.status_code == 200
    page = response.content.decode()
    svg = re.search(r"<svg.*?</svg>", page, flags=re.S).group(0)
    assert "<path" in svg
    assert "style=" not in svg
    assert "<script" not in svg
    assert "http" not in svg.replace("http://www.w3.org/2000/svg", "")
    device = TOTPDevice.objects.get(user=clinician)
    assert not device.confirmed
    secret = response.context["secret"]
    assert secret in page
    assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{4})*", secret)
    # Reloading keeps the same secret: the app scanned a moment ago still matches.
    assert client.get(step("second_factor_enrol")).context["secret"] == secret
    assert TOTPDevice.objects.filter(user=clinician).count() == 1


def test_enrolment_page_keeps_the_strict_content_security_policy(client, clinician):
    sign_in(client, "carl")
    response = client.get(step("second_factor_enrol"))

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_confirming_with_the_apps_code_shows_ten_recovery_codes_once(client, clinician):
    sign_in(client, "carl", next_url="/patients/")
    client.get(step("second_factor_enrol", "/patients/"))
    device = TOTPDevice.objects.get(user=clinician)

    response = client.post(
        reverse("second_factor_enrol"), {"otp_token": totp_code(device), "next": "/patients/"}
    )

    assert response.status_code == 302
    assert response["Location"] == step("recovery_codes", "/patients/")
    device.refresh_from_db()
    assert device.confirmed
    shown = client.get(response["Location"])
    assert shown.status_code == 200
    codes = shown.context["codes"]
    assert len(codes) == 10
    stored = set(StaticToken.objects.filter(device__user=clinician).values_list("token", flat=True))
    assert stored == set(codes)
    page = shown.content.decode()
    assert all(code in page for code in codes)
    assert 'href="/patients/"' in page
    # Shown once: the page does not show them again.
    again = client.get(response["Location"])
    assert again.status_code == 302
    assert again["Location"] == "/patients/"
    assert client.get("/patients/").status_code == 200


def test_a_wrong_code_does_not_enrol(client, clinician):
    sign_in(client, "carl")
    client.get(step("second_factor_enrol"))
    device = TOTPDevice.objects.get(user=clinician)
    right = totp_code(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    response = client.post(reverse("second_factor_enrol"), {"otp_token": wrong, "next": "/"})

    assert response.status_code == 200
    assert "did not match" in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert not StaticDevice.objects.filter(user=clinician).exists()
    assert client.get(reverse("triage:home"))["Location"] == step("second_factor_enrol")


@pytest.mark.parametrize("typed", ["", "12345", "abcdefgh", "1234567", "<script>"])
def test_enrolment_wants_six_digits(client, clinician, typed):
    sign_in(client, "carl")
    response = client.post(reverse("second_factor_enrol"), {"otp_token": typed, "next": "/"})

    assert response.status_code == 200
    assert response.context["form"].errors["otp_token"]


def test_every_page_waits_for_the_second_factor(client, clinician):
    enrolled(clinician)
    sign_in(client, "carl")

    for url in ("/", "/patients/", "/patients/?q=smith", "/admin/", "/fhir/Patient"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == step("second_factor", url), url
    assert client.post(reverse("triage:intake_new"), {}).status_code == 302


def test_before_the_second_factor_sign_out_health_and_the_session_clock_answer(client, clinician):
    enrolled(clinician)
    sign_in(client, "carl")

    assert client.get(reverse("session_status")).json()["signed_in"] is True
    assert client.get(reverse("operations:health")).status_code in (200, 503)
    assert client.get(step("second_factor")).status_code == 200
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")
    assert client.get(reverse("session_status")).json()["signed_in"] is False


def test_the_code_page_accepts_the_apps_code_and_goes_where_asked(client, clinician):
    device = enrolled(clinician)
    response = sign_in(client, "carl", next_url="/patients/")
    assert response["Location"] == step("second_factor", "/patients/")
    page = client.get(response["Location"])
    assert page.status_code == 200
    # The code form comes before any other form (the navigation's sign-out is left out).
    html = page.content.decode()
    assert html.index('name="otp_token"') < html.index('action="/accounts/logout/"')
    assert 'autocomplete="one-time-code"' in html

    response = client.post(
        reverse("second_factor"), {"otp_token": totp_code(device), "next": "/patients/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/patients/"
    assert client.get("/patients/").status_code == 200
    assert client.get(reverse("second_factor"))["Location"] == reverse("triage:home")


def test_the_same_code_cannot_be_used_twice(client, clinician):
    device = enrolled(clinician)
    sign_in(client, "carl")
    code = totp_code(device)
    assert client.post(reverse("second_factor"), {"otp_token": code})["Location"] == "/"

    other = type(client)()
    sign_in(other, "carl")
    response = other.post(reverse("second_factor"), {"otp_token": code})

    assert response.status_code == 200
    assert "did not match" in response.content.decode()


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"]
)
def test_an_outside_next_address_is_not_followed(client, clinician, next_url):
    device = enrolled(clinician)
    sign_in(client, "carl")

    response = client.post(
        reverse("second_factor"), {"otp_token": totp_code(device), "next": next_url}
    )

    assert response["Location"] == reverse("triage:home")


def test_a_recovery_code_signs_in_once(client, clinician):
    enrolled(clinician)
    codes = services.recovery_codes_issue(user=clinician)
    sign_in(client, "carl")

    response = client.post(reverse("second_factor"), {"otp_token": codes[0].upper()}, follow=True)

    assert response.redirect_chain[0] == ("/", 302)
    assert "9 left" in response.content.decode()
    assert StaticToken.objects.filter(device__user=clinician).count() == 9
    second = type(client)()
    sign_in(second, "carl")
    refused = second.post(reverse("second_factor"), {"otp_token": codes[0]})
    assert refused.status_code == 200
    assert second.get("/")["Location"] == step("second_factor")


def test_wrong_codes_make_the_next_try_wait(client, clinician, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    device = enrolled(clinician)
    sign_in(client, "carl")
    right = totp_code(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    first = client.post(reverse("second_factor"), {"otp_token": wrong})
    assert first.status_code == 200
    assert "accepted in" in first.content.decode()
    # Even the right code is refused while the device waits after a wrong one.
    refused = client.post(reverse("second_factor"), {"otp_token": right})

    assert refused.status_code == 200
    assert "accepted in" in refused.content.decode()
    device.refresh_from_db()
    # A try while waiting is not even checked, so it does not lengthen the wait either.
    assert device.throttling_failure_count == 1
    assert client.get("/")["Location"] == step("second_factor")


def test_throttling_is_on_for_both_kinds_of_code(settings):
    assert settings.OTP_TOTP_THROTTLE_FACTOR > 0
    assert settings.OTP_STATIC_THROTTLE_FACTOR > 0


@pytest.mark.parametrize("role", [roles.NURSE, roles.CLINICIAN, roles.ADMINISTRATOR])
def test_every_role_needs_the_second_factor_by_default(client, role):
    make_user(role, username="someone")

    assert sign_in(client, "someone")["Location"] == step("second_factor_enrol")


def test_nurses_sign_in_with_a_password_alone_when_the_clinic_leaves_them_out(
    client, nurse, settings
):
    settings.UPRIGHT_MFA_ROLES = frozenset({roles.CLINICIAN, roles.ADMINISTRATOR})

    response = sign_in(client, "nadia")

    assert response["Location"] == reverse("triage:home")
    assert client.get(reverse("triage:home")).status_code == 200
    assert client.get(reverse("second_factor_enrol"))["Location"] == reverse("triage:home")


def test_staff_need_the_second_factor_whatever_the_roles_setting(client, settings):
    settings.UPRIGHT_MFA_ROLES = frozenset()
    UserFactory(username="helper", is_staff=True)

    assert sign_in(client, "helper")["Location"] == step("second_factor_enrol")


def test_the_admin_itself_refuses_a_session_without_the_second_factor(client, clinician, settings):
    # Without the sign-in middleware, the admin site's own check still holds.
    settings.MIDDLEWARE = [
        name for name in settings.MIDDLEWARE if name != "accounts.middleware.second_factor_required"
    ]
    enrolled(clinician)
    client.force_login(clinician)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    verify_second_factor(client, clinician)
    assert client.get(reverse("admin:index")).status_code == 200


def test_an_administrator_resets_a_users_devices(client, clinician):
    administrator = make_user(roles.ADMINISTRATOR, username="ada")
    enrolled(clinician)
    services.recovery_codes_issue(user=clinician)
    carls_session = type(client)()
    carls_session.force_login(clinician)
    verify_second_factor(carls_session, clinician)
    assert carls_session.get("/").status_code == 200
    client.force_login(administrator)
    verify_second_factor(client, administrator)

    response = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [clinician.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert "Multi-factor sign-in reset for carl" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=clinician).exists()
    assert not StaticDevice.objects.filter(user=clinician).exists()
    entry = LogEntry.objects.get(object_id=str(clinician.pk))
    assert entry.user == administrator
    assert "Reset multi-factor sign-in" in entry.get_change_message()
    # Carl's open session ends at once (he signs in again); his next sign-in enrols again.
    assert carls_session.get("/")["Location"] == f"{reverse('login')}?next=/"
    assert sign_in(type(client)(), "carl")["Location"] == step("second_factor_enrol")
    change = client.get(reverse("admin:auth_user_change", args=[clinician.pk]))
    assert "Not set up" in change.content.decode()


def test_an_administrator_cannot_reset_a_superusers_devices(client):
    administrator = make_user(roles.ADMINISTRATOR, username="ada")
    boss = UserFactory(username="boss", is_staff=True, is_superuser=True)
    enrolled(boss)
    client.force_login(administrator)
    verify_second_factor(client, administrator)

    response = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [boss.pk]},
        follow=True,
    )

    assert "Not reset" in response.content.decode()
    assert TOTPDevice.objects.filter(user=boss).exists()
    assert not LogEntry.objects.exists()


def test_a_nurse_cannot_reset_anyones_devices(client, nurse, clinician):
    enrolled(clinician)
    client.force_login(nurse)
    verify_second_factor(client, nurse)

    response = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [clinician.pk]},
    )

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert TOTPDevice.objects.filter(user=clinician).exists()


def test_the_user_page_says_whether_the_app_is_set_up(client, clinician):
    administrator = make_user(roles.ADMINISTRATOR, username="ada")
    enrolled(clinician)
    services.recovery_codes_issue(user=clinician)
    client.force_login(administrator)
    verify_second_factor(client, administrator)

    page = client.get(reverse("admin:auth_user_change", args=[clinician.pk])).content.decode()

    assert "Authenticator app set up" in page
    assert "10 recovery codes left" in page
