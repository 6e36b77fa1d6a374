"""Request-wide security behaviour for signed-in staff."""

from django.contrib import auth
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.utils.cache import add_never_cache_headers
from django.utils.functional import SimpleLazyObject
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware

from accounts import sessions


def _user_of(request):
    if not hasattr(request, "_cached_user"):
        # StaffBackend takes the user read with this request's session, if any.
        token = sessions.reading.set(
            request.session if isinstance(request.session, sessions.SessionStore) else None
        )
        try:
            request._cached_user = auth.get_user(request)
        finally:
            sessions.reading.reset(token)
    return request._cached_user


class StaffAuthenticationMiddleware(AuthenticationMiddleware):
    """Django's AuthenticationMiddleware; `request.user` comes from Django's own `get_user`
    (session hash checked, inactive users refused) while the backend reuses the user row the
    session engine read with the session (accounts/sessions.py): one query, not two."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _user_of(request))


class SecondFactorMiddleware(OTPMiddleware):
    """django-otp's OTPMiddleware without a query per request.

    django-otp reads the session's verifying device on every request, so that a device removed
    meanwhile no longer counts. Upright ends every session of a user when a confirmed device of
    theirs is removed (accounts/apps.py), and devices are changed nowhere else (their admin pages
    are not registered), so a session that names a device was verified by one that still
    exists: `user.is_verified()` answers from the session, and `user.otp_device` reads the
    device only if something asks for it.
    """

    def _verify_user_sync(self, request, user):
        self._init_user_fields(user)
        if user.is_authenticated:
            persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
            if persistent_id:
                user.otp_device = SimpleLazyObject(
                    lambda: self._device_from_persistent_id(persistent_id)
                )
        return user


def no_store_when_signed_in(get_response):
    """Pages shown to a signed-in user are never stored by the browser or a proxy.

    A shared clinic PC must not show a patient's page again through the back button after
    its user signed out.
    """

    def middleware(request):
        signed_in = request.user.is_authenticated
        response = get_response(request)
        if signed_in or request.user.is_authenticated:
            add_never_cache_headers(response)
        return response

    return middleware


# Reachable before the second factor: signing in and out, the second-factor pages themselves,
# and the session clock (its warning shows on those pages too). URL names, resolved once.
_BEFORE_SECOND_FACTOR = (
    "login",
    "logout",
    "second_factor",
    "second_factor_enrol",
    "recovery_codes",
    "session_status",
    "session_stay",
    "admin:logout",
    "operations:health",
)
# Areas outside the staff sign-in besides static files: the CDS Hooks endpoints (an EHR's
# signed JWT, never a session).
_PREFIXES_BEFORE_SECOND_FACTOR = ("/cds-services",)


def second_factor_required(get_response):
    """A signed-in user who needs a second factor and has not given one in this session is
    sent to it (enrolment or the code page) from every other page, with `next` kept.

    A FHIR request with its own API token (Authorization header) is not a staff session and
    passes: the token stands on its own (fhir/auth.py).
    """
    from django.conf import settings
    from django.shortcuts import redirect
    from django.urls import reverse

    from accounts import second_factor

    open_paths: set[str] = set()

    def exempt(request) -> bool:
        if not open_paths:
            open_paths.update(reverse(name) for name in _BEFORE_SECOND_FACTOR)
        path = request.path
        if path in open_paths:
            return True
        if path.startswith((settings.STATIC_URL, *_PREFIXES_BEFORE_SECOND_FACTOR)):
            return True
        return path.startswith("/fhir/") and "Authorization" in request.headers

    def middleware(request):
        user = request.user
        if (
            user.is_authenticated
            and not second_factor.is_verified(request)
            and not exempt(request)
            and second_factor.required_for(user)
        ):
            return redirect(second_factor.step_url(user, request.get_full_path()))
        return get_response(request)

    return middleware
