"""Who is asking: the staff session, or a per-user API token; then the role's permissions.

FHIR clients get a 401 OperationOutcome, not the sign-in page the rest of the app redirects to.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from .responses import (
    FhirError,
    ForbiddenError,
    MethodNotAllowedError,
    NotAuthenticatedError,
    error_response,
    operation_outcome,
)
from .services import user_for_token

logger = logging.getLogger(__name__)


def _csrf_failed(request) -> bool:
    return CsrfViewMiddleware(lambda _request: None).process_view(request, None, (), {}) is not None


def authenticate(request) -> None:
    """Set request.user from a bearer token or the session, or raise NotAuthenticatedError."""
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, raw = header.partition(" ")
        if scheme.lower() != "bearer" or not raw.strip():
            raise NotAuthenticatedError("Send the API token as 'Authorization: Bearer <token>'.")
        user = user_for_token(raw.strip(), now=timezone.now())
        if user is None:
            raise NotAuthenticatedError("The API token is unknown or has been revoked.")
        request.user = user
        return
    if not request.user.is_authenticated:
        raise NotAuthenticatedError(
            "Sign in, or send an API token as 'Authorization: Bearer <token>'."
        )
    # A signed-in browser posts forms (the chart's download button): those carry a CSRF token.
    if request.method == "POST" and _csrf_failed(request):
        raise ForbiddenError("The page was out of date; reload it and try again.")


def fhir_view(
    *, permissions: Iterable[str] = (), methods: Iterable[str] = ("GET",), public: bool = False
) -> Callable:
    """Make a view a FHIR endpoint: its own authentication, role checks and JSON errors."""
    needed = tuple(permissions)
    allowed = tuple(methods)

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def endpoint(request, *args, **kwargs):
            try:
                if not public:
                    authenticate(request)
                if request.method not in allowed:
                    raise MethodNotAllowedError(f"{request.method} is not supported here.")
                if not request.user.has_perms(needed):
                    raise ForbiddenError("Your role does not allow reading this resource.")
                return view(request, *args, **kwargs)
            except FhirError as error:
                return error_response(error)
            except Exception:
                # Never an HTML error page to a FHIR client; the traceback goes to the log.
                logger.exception("FHIR request failed")
                return operation_outcome(
                    status=500, code="exception", message="The server could not answer this."
                )

        return login_not_required(csrf_exempt(endpoint))

    return decorate
