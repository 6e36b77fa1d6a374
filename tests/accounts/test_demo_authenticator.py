"""The demo users' authenticator: a documented secret in debug only, and the code printed by
`manage.py demo_totp` (debug only), so `make run` still lets a newcomer sign in."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from tests.conftest import totp_code
from tests.factories import UserFactory
from triage.demo import DEMO_USERS, create_demo_data

pytestmark = pytest.mark.django_db

README = Path(__file__).resolve().parents[2] / "README.md"


def test_demo_users_get_the_documented_secret_in_debug(settings):
    settings.DEBUG = True
    create_demo_data()
    create_demo_data()

    for username, *_ in DEMO_USERS:
        device = TOTPDevice.objects.get(user__username=username)
        assert device.confirmed
        assert device.key == services.demo_totp_key_hex()
    assert services.DEMO_TOTP_SECRET_BASE32 in README.read_text()


def test_outside_debug_demo_users_get_no_authenticator(settings):
    settings.DEBUG = False
    create_demo_data()

    assert not TOTPDevice.objects.exists()
    with pytest.raises(ImproperlyConfigured):
        services.demo_authenticator_set(user=UserFactory())


def test_demo_totp_prints_the_code_the_demo_users_need(settings):
    settings.DEBUG = True
    device = services.demo_authenticator_set(user=UserFactory())
    printed = StringIO()

    call_command("demo_totp", stdout=printed, stderr=StringIO())

    assert printed.getvalue().strip() == totp_code(device)


def test_demo_totp_refuses_outside_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG is off"):
        call_command("demo_totp", stdout=StringIO(), stderr=StringIO())
