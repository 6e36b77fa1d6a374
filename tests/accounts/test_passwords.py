"""Passwords: at least 12 characters, not common, not like the user name; long pass phrases
are welcome (no maximum below 64)."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _add_user(client, username: str, password: str):
    return client.post(
        reverse("admin:auth_user_add"),
        {
            "username": username,
            "usable_password": "true",
            "password1": password,
            "password2": password,
        },
    )


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("Tr0ub4dor&3", "at least 12 characters"),
        ("password1234", "too common"),
        ("susan.okafor.clinic", "too similar"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(admin_client_role, password, reason):
    response = _add_user(admin_client_role, "susan.okafor.clinic", password)
    assert response.status_code == 200
    assert reason in response.content.decode()
    assert not get_user_model().objects.filter(username="susan.okafor.clinic").exists()


@pytest.mark.parametrize("length", [12, 64, 200])
def test_long_pass_phrases_are_accepted(admin_client_role, length):
    phrase = ("violet kettle under a quiet harbour " * 10)[:length]
    response = _add_user(admin_client_role, "new.nurse", phrase)
    assert response.status_code == 302
    user = get_user_model().objects.get(username="new.nurse")
    assert user.check_password(phrase)
