"""Lockout by user name and address: the address is the client's behind a trusted proxy only;
over-long user names are a normal failed sign-in; the page says how long and whom to call."""

import ipaddress

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.5"


@pytest.fixture
def nina(db):
    return UserFactory(username="nina")


def _fail(client, address: str, forwarded: str = "", username: str = "nina"):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return client.post(
        reverse("login"),
        {"username": username, "password": "wrong"},
        REMOTE_ADDR=address,
        headers=headers,
    )


def _sign_in(client, address: str, forwarded: str = ""):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return client.post(
        reverse("login"),
        {"username": "nina", "password": "correct-horse-battery"},
        REMOTE_ADDR=address,
        headers=headers,
    )


def test_behind_a_trusted_proxy_a_stranger_locks_only_their_own_address(client, settings, nina):
    settings.UPRIGHT_TRUSTED_PROXY_NETWORKS = [ipaddress.ip_network(PROXY)]
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _fail(client, PROXY, forwarded="192.168.1.66")
    assert _sign_in(client, PROXY, forwarded="192.168.1.66").status_code == 429
    assert AccessAttempt.objects.get().ip_address == "192.168.1.66"
    response = _sign_in(client, PROXY, forwarded="192.168.1.20")
    assert response.status_code == 302
    assert response["Location"] == reverse("triage:home")


def test_x_forwarded_for_from_an_untrusted_address_is_ignored(client, settings, nina):
    settings.UPRIGHT_TRUSTED_PROXY_NETWORKS = []
    for n in range(settings.AXES_FAILURE_LIMIT):
        _fail(client, "203.0.113.9", forwarded=f"192.168.1.{n}")
    assert AccessAttempt.objects.get().ip_address == "203.0.113.9"
    assert _sign_in(client, "203.0.113.9", forwarded="192.168.1.99").status_code == 429


def test_the_nearest_untrusted_hop_counts(client, settings, nina):
    settings.UPRIGHT_TRUSTED_PROXY_NETWORKS = [ipaddress.ip_network("10.0.0.0/24")]
    _fail(client, PROXY, forwarded="1.2.3.4, 192.168.1.7, 10.0.0.9")
    assert AccessAttempt.objects.get().ip_address == "192.168.1.7"


@pytest.mark.parametrize("length", [151, 256, 300, 5000])
def test_an_over_long_user_name_is_a_normal_failed_sign_in(client, length):
    response = _fail(client, "192.168.1.5", username="n" * length)
    assert response.status_code == 200
    assert "did not match" in response.content.decode()


def test_the_lockout_page_says_how_long_and_whom_to_call(client, settings, nina):
    settings.UPRIGHT_LOCKOUT_CONTACT = "the IT desk on extension 4321"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _fail(client, "192.168.1.5")
    response = _sign_in(client, "192.168.1.5")
    assert response.status_code == 429
    page = response.content.decode()
    assert "lasts 15 minutes" in page
    assert "the IT desk on extension 4321" in page
