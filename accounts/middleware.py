"""Request-wide security behaviour for signed-in staff."""

from django.utils.cache import add_never_cache_headers


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
