"""Session pages: how long is left, and "stay signed in" (used by static/js/session.js)."""

import time

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts import session_limits


def _clock(request) -> JsonResponse:
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False})
    idle, absolute = session_limits.seconds_left(request.session, time.time())
    return JsonResponse({"signed_in": True, "idle_left": idle, "absolute_left": absolute})


@login_not_required
@never_cache
@require_GET
def session_status(request):
    """Seconds left in this session (does not count as activity)."""
    return _clock(request)


@require_POST
def stay_signed_in(request):
    """Restart the idle clock now; the absolute limit stays where it is."""
    session_limits.touch(request.session, time.time(), force=True)
    if request.headers.get("Accept") == "application/json":
        return _clock(request)
    next_page = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        next_page, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_page)
    return redirect("triage:home")
