"""Writes for staff accounts: enrolling, using and resetting the second factor."""

import base64

from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import second_factor

# The demo users' authenticator secret (README, "Security"): in debug only, never elsewhere.
DEMO_TOTP_SECRET_BASE32 = "UPRIGHTDEMOSECRETNOTFORREALUSE23"  # noqa: S105 (debug only)
DEMO_DEVICE_NAME = "Demo authenticator"


def pending_authenticator(*, user) -> TOTPDevice:
    """The authenticator being set up: the same secret until it is confirmed with a code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name=second_factor.AUTHENTICATOR_NAME, confirmed=False
        )
    return device


@transaction.atomic
def recovery_codes_issue(*, user) -> list[str]:
    """Replace the user's recovery codes with a fresh set; returns them (shown once)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=second_factor.RECOVERY_NAME)
    codes = [StaticToken.random_token() for _ in range(second_factor.RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def authenticator_confirm(*, device: TOTPDevice, code: str) -> list[str] | None:
    """Enrol the authenticator if the code is its current one: the user's only authenticator
    from now on, with new recovery codes (returned). None if the code is wrong."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if device.confirmed or not device.verify_token(second_factor.normalise(code)):
        return None
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return recovery_codes_issue(user=device.user)


@transaction.atomic
def code_check(*, user, code: str):
    """The device that accepts this code (a recovery code is used up), or None.

    django-otp's throttling applies: after a wrong code the device refuses every code for
    1, 2, 4, 8 ... seconds, so guessing takes longer with each try.
    """
    device = second_factor.device_for_code(user, code)
    if device is None:
        return None
    device = type(device).objects.select_for_update().get(pk=device.pk)
    return device if device.verify_token(second_factor.normalise(code)) else None


@transaction.atomic
def second_factor_reset(*, user, reset_by) -> int:
    """Remove the user's authenticator and recovery codes (they enrol again at next sign-in),
    with a record in the admin's history; returns how many devices went."""
    removed = 0
    for model in (TOTPDevice, StaticDevice):
        _, per_model = model.objects.filter(user=user).delete()
        removed += per_model.get(model._meta.label, 0)
    LogEntry.objects.log_actions(
        user_id=reset_by.pk,
        queryset=[user],
        action_flag=CHANGE,
        change_message="Reset multi-factor sign-in: authenticator and recovery codes removed.",
        single_object=True,
    )
    return removed


@transaction.atomic
def demo_authenticator_set(*, user) -> TOTPDevice:
    """Give a demo user the documented demo secret. Debug only: refused anywhere else."""
    if not settings.DEBUG:
        raise ImproperlyConfigured("The demo authenticator exists only with DJANGO_DEBUG on.")
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(
        user=user, name=DEMO_DEVICE_NAME, key=demo_totp_key_hex(), confirmed=True
    )


def demo_totp_key_hex() -> str:
    return base64.b32decode(DEMO_TOTP_SECRET_BASE32).hex()
