"""Multi-factor sign-in: who needs a second factor, where they go next, and checking a code.

After the password, a member of staff whose role needs it (settings.UPRIGHT_MFA_ROLES; staff
and superusers always) either enrols an authenticator app (TOTP, django-otp's otp_totp) or
types its current code; a single-use recovery code (otp_static) stands in for a lost phone.
The session remembers the device that verified it (django-otp's OTPMiddleware checks on every
request that the device still exists, so an administrator's reset takes effect at once).
"""

import base64
import re
import time
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"
RECOVERY_CODE_COUNT = 10
# An authenticator shows six digits; a recovery code is eight letters and digits (base32).
_TOTP_CODE = re.compile(r"\d{6}")
_RECOVERY_CODE = re.compile(r"[a-z2-7]{8}")
# Typed with spaces or a hyphen in the middle ("123 456", "abcd-efgh"): the same code.
_SEPARATORS = re.compile(r"[\s-]+")


def required_for(user) -> bool:
    """Does this signed-in user need a second factor? Staff always; otherwise by role."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return user.groups.filter(name__in=settings.UPRIGHT_MFA_ROLES).exists()


def is_verified(request) -> bool:
    """Has this session given a second factor (with a device that still exists)?"""
    check = getattr(request.user, "is_verified", None)
    return bool(check and check())


def authenticator_for(user) -> TOTPDevice | None:
    """The user's enrolled (confirmed) authenticator app, if any."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def safe_next(request, candidate: str | None) -> str:
    """Where to go after the second factor: the asked-for page on this site, else the worklist."""
    # A path on this site only: a bare word would be read as a URL name by redirect().
    if (
        candidate
        and candidate.startswith("/")
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


def step_url(user, next_url: str) -> str:
    """The second-factor page this user needs now: enrolment, or the code page."""
    name = "second_factor" if authenticator_for(user) else "second_factor_enrol"
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


def normalise(code: str) -> str:
    """A code as typed, without spaces or hyphens, in lower case."""
    return _SEPARATORS.sub("", code).lower()


def looks_like_authenticator_code(code: str) -> bool:
    return bool(_TOTP_CODE.fullmatch(normalise(code)))


def looks_like_code(code: str) -> bool:
    """Six digits (an authenticator) or eight letters and digits (a recovery code)."""
    code = normalise(code)
    return bool(_TOTP_CODE.fullmatch(code) or _RECOVERY_CODE.fullmatch(code))


def wait_seconds(device) -> int:
    """Seconds before this device accepts another try after wrong codes (0: now)."""
    allowed, details = device.verify_is_allowed()
    if allowed or not details or "locked_until" not in details:
        return 0
    return max(1, int(details["locked_until"].timestamp() - time.time()) + 1)


def device_for_code(user, code: str):
    """The device a code of this shape belongs to: six digits the authenticator, else the
    recovery codes. Checking only that one keeps a right authenticator code from counting as
    a wrong recovery code (each wrong try makes the device wait longer)."""
    code = normalise(code)
    if _TOTP_CODE.fullmatch(code):
        return authenticator_for(user)
    return StaticDevice.objects.devices_for_user(user, confirmed=True).first()


def recovery_codes_left(user) -> int:
    device = StaticDevice.objects.devices_for_user(user, confirmed=True).first()
    return device.token_set.count() if device else 0


def secret_text(device: TOTPDevice) -> str:
    """The secret as an authenticator app takes it typed in: base32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[index : index + 4] for index in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    """The authenticator's set-up address as an SVG QR code, drawn here (no outside service).

    Plain SVG markup with presentation attributes only (no style attribute, no script), so
    the strict Content Security Policy holds when it is placed inline in the page.
    """
    code = segno.make(device.config_url, error="m")
    return code.svg_inline(scale=5, border=4, dark="#000", light="#fff", omitsize=True)
