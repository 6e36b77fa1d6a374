"""Signing in and out with the real login page, and the lockout after repeated failures."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_staff_sign_in_lands_on_the_worklist_and_sign_out_returns_to_sign_in(client):
    UserFactory(username="nina")
    response = client.post(
        reverse("login"), {"username": "nina", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("triage:home")
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")
    assert client.get(reverse("triage:home")).status_code == 302


def test_wrong_password_is_explained(client):
    UserFactory(username="nina")
    response = client.post(reverse("login"), {"username": "nina", "password": "wrong"})
    assert response.status_code == 200
    assert "did not match" in response.content.decode()


def test_repeated_failures_lock_the_user_name(client, settings):
    UserFactory(username="nina")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "nina", "password": "wrong"})
    response = client.post(
        reverse("login"), {"username": "nina", "password": "correct-horse-battery"}
    )
    assert response.status_code == 429
    assert "locked" in response.content.decode()


def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
