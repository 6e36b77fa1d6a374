"""Sessions end after 30 idle minutes and after 12 hours however busy; the idle clock is
written at most once a minute; "stay signed in" restarts it; asking the clock does not."""

import time

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.session_limits import SEEN_AT, SIGNED_IN_AT
from tests.conftest import totp_code

pytestmark = pytest.mark.django_db

MINUTE = 60
HOUR = 60 * MINUTE


def _set_clock(client, *, signed_in_ago: float, seen_ago: float) -> None:
    session = client.session
    now = time.time()
    session[SIGNED_IN_AT] = int(now - signed_in_ago)
    session[SEEN_AT] = int(now - seen_ago)
    session.save()


def _worklist(client):
    return client.get(reverse("triage:home"))


def test_sign_in_starts_both_clocks(client, nurse):
    nurse.set_password("correct-horse-battery-staple")
    nurse.save()
    phone = TOTPDevice.objects.create(user=nurse, name="phone", confirmed=True)
    before = int(time.time())
    client.post(
        reverse("login"), {"username": "nurse1", "password": "correct-horse-battery-staple"}
    )
    # Then the second factor: the clocks run from the password, and outlive the new session key.
    client.post(reverse("second_factor"), {"otp_token": totp_code(phone)})
    assert client.session[SIGNED_IN_AT] >= before
    assert client.session[SEEN_AT] >= before
    assert _worklist(client).status_code == 200


def test_an_idle_session_ends_after_thirty_minutes(nurse_client):
    _set_clock(nurse_client, signed_in_ago=HOUR, seen_ago=30 * MINUTE)
    response = _worklist(nurse_client)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    page = nurse_client.get(response["Location"]).content.decode()
    assert "signed out after 30 minutes without activity" in page
    assert _worklist(nurse_client).status_code == 302


def test_a_session_idle_for_just_under_thirty_minutes_goes_on(nurse_client):
    _set_clock(nurse_client, signed_in_ago=HOUR, seen_ago=29 * MINUTE + 55)
    assert _worklist(nurse_client).status_code == 200


def test_a_busy_session_ends_after_twelve_hours(nurse_client):
    _set_clock(nurse_client, signed_in_ago=12 * HOUR, seen_ago=10)
    response = _worklist(nurse_client)
    assert response["Location"].startswith(reverse("login"))
    assert "signed out after 12 hours" in nurse_client.get(response["Location"]).content.decode()


def test_a_busy_session_goes_on_before_twelve_hours(nurse_client):
    _set_clock(nurse_client, signed_in_ago=12 * HOUR - MINUTE, seen_ago=10)
    assert _worklist(nurse_client).status_code == 200


def test_both_limits_are_configurable(nurse_client, nurse, settings):
    settings.UPRIGHT_SESSION_IDLE_SECONDS = 10 * MINUTE
    _set_clock(nurse_client, signed_in_ago=HOUR, seen_ago=10 * MINUTE)
    assert _worklist(nurse_client).status_code == 302

    nurse_client.force_login(nurse)
    settings.UPRIGHT_SESSION_ABSOLUTE_SECONDS = 2 * HOUR
    _set_clock(nurse_client, signed_in_ago=2 * HOUR, seen_ago=0)
    assert _worklist(nurse_client).status_code == 302


def test_the_idle_clock_is_written_at_most_once_a_minute(nurse_client):
    _set_clock(nurse_client, signed_in_ago=HOUR, seen_ago=30)
    seen = nurse_client.session[SEEN_AT]
    assert _worklist(nurse_client).status_code == 200
    assert nurse_client.session[SEEN_AT] == seen

    _set_clock(nurse_client, signed_in_ago=HOUR, seen_ago=MINUTE)
    assert _worklist(nurse_client).status_code == 200
    assert nurse_client.session[SEEN_AT] >= int(time.time()) - 1


def test_the_session_is_not_saved_on_every_request(settings):
    assert settings.SESSION_SAVE_EVERY_REQUEST is False


def test_stay_signed_in_restarts_the_idle_clock_but_not_the_absolute_one(nurse_client):
    _set_clock(nurse_client, signed_in_ago=HOUR, seen_ago=28 * MINUTE)
    signed_in = nurse_client.session[SIGNED_IN_AT]
    response = nurse_client.post(reverse("session_stay"), headers={"Accept": "application/json"})
    clock = response.json()
    assert clock["signed_in"] is True
    assert clock["idle_left"] >= 30 * MINUTE - 2
    assert clock["absolute_left"] <= 11 * HOUR
    assert nurse_client.session[SIGNED_IN_AT] == signed_in


def test_stay_signed_in_without_script_returns_to_the_page(nurse_client):
    response = nurse_client.post(reverse("session_stay"), {"next": reverse("patients:list")})
    assert response["Location"] == reverse("patients:list")
    response = nurse_client.post(reverse("session_stay"), {"next": "https://elsewhere.example/"})
    assert response["Location"] == reverse("triage:home")


def test_asking_the_clock_does_not_count_as_activity(nurse_client):
    _set_clock(nurse_client, signed_in_ago=HOUR, seen_ago=20 * MINUTE)
    clock = nurse_client.get(reverse("session_status")).json()
    assert 9 * MINUTE < clock["idle_left"] <= 10 * MINUTE
    assert nurse_client.session[SEEN_AT] <= int(time.time()) - 20 * MINUTE


def test_the_clock_says_signed_out_once_the_limit_passes(nurse_client, client):
    _set_clock(nurse_client, signed_in_ago=HOUR, seen_ago=31 * MINUTE)
    assert nurse_client.get(reverse("session_status")).json() == {"signed_in": False}


def test_pages_carry_the_warning_with_the_time_left(nurse_client):
    _set_clock(nurse_client, signed_in_ago=HOUR, seen_ago=0)
    page = _worklist(nurse_client).content.decode()
    assert 'id="session-warning"' in page
    assert 'data-warning-seconds="120"' in page
    assert "js/session.js" in page
    assert "Stay signed in" in page
