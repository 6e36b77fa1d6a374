"""Sessions end after a spell of inactivity and, however busy, after an absolute lifetime.

Both limits are enforced here from two timestamps kept in the session (seconds since the epoch):
when the user signed in, and when they were last seen. "Last seen" is written at most once a
minute, so a busy page does not save the session on every request; the idle limit is exact to
that minute. The session cookie itself lives as long as the absolute limit, so that a request
arriving after the idle limit still tells us whose session it was (a step typed into an
intake form is then kept for that user: see `kept_steps`).
"""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest

SIGNED_IN_AT = "upright_signed_in_at"
SEEN_AT = "upright_seen_at"
REFRESH_EVERY_SECONDS = 60

# Called with the request and its user when a POST arrives on a session that just ended;
# the intake registers one that keeps the typed step (accounts cannot import the intake).
_on_post_after_expiry: list[Callable[[HttpRequest, object], None]] = []


def on_post_after_expiry(callback: Callable[[HttpRequest, object], None]) -> None:
    """Register a callback for a POST that arrives after its session ended."""
    if callback not in _on_post_after_expiry:
        _on_post_after_expiry.append(callback)


def idle_seconds() -> int:
    return settings.UPRIGHT_SESSION_IDLE_SECONDS


def absolute_seconds() -> int:
    return settings.UPRIGHT_SESSION_ABSOLUTE_SECONDS


def _ended_because(session, now: float) -> str:
    signed_in_at = session.get(SIGNED_IN_AT)
    seen_at = session.get(SEEN_AT)
    if signed_in_at is None or seen_at is None:
        return ""
    if now - signed_in_at >= absolute_seconds():
        hours = absolute_seconds() / 3600
        return f"You were signed out after {hours:g} hours. Sign in again to carry on."
    if now - seen_at >= idle_seconds():
        minutes = idle_seconds() / 60
        return (
            f"You were signed out after {minutes:g} minutes without activity. "
            "Sign in again to carry on."
        )
    return ""


def touch(session, now: float, *, force: bool = False) -> None:
    """Mark the session as seen now (at most once a minute unless forced)."""
    session.setdefault(SIGNED_IN_AT, int(now))
    seen_at = session.get(SEEN_AT)
    if force or seen_at is None or now - seen_at >= REFRESH_EVERY_SECONDS:
        session[SEEN_AT] = int(now)


def start_clocks(sender, request, user, **kwargs) -> None:
    """At sign-in: the absolute and the idle clock both start now."""
    now = int(time.time())
    request.session[SIGNED_IN_AT] = now
    request.session[SEEN_AT] = now


def seconds_left(session, now: float) -> tuple[int, int]:
    """Seconds until the idle limit and until the absolute limit end this session."""
    signed_in_at = session.get(SIGNED_IN_AT, now)
    seen_at = session.get(SEEN_AT, now)
    return (
        max(0, int(seen_at + idle_seconds() - now)),
        max(0, int(signed_in_at + absolute_seconds() - now)),
    )


def session_limits(get_response):
    """End sessions past either limit; otherwise note the user as seen."""
    from django.urls import reverse

    status_path: list[str] = []  # resolved once, at the first signed-in request

    def middleware(request):
        if request.user.is_authenticated:
            if not status_path:
                status_path.append(reverse("session_status"))
            # Asking how long is left is not activity: the warning's own check must not extend it.
            just_asking = request.path == status_path[0]
            now = time.time()
            reason = _ended_because(request.session, now)
            if reason:
                user = request.user
                if request.method == "POST":
                    for callback in _on_post_after_expiry:
                        callback(request, user)
                logout(request)
                messages.info(request, reason)
            elif not just_asking:
                touch(request.session, now)
        return get_response(request)

    return middleware


def session_clock(request) -> dict:
    """Template context: seconds left, for the sign-out warning (static/js/session.js)."""
    if not request.user.is_authenticated:
        return {}
    idle, absolute = seconds_left(request.session, time.time())
    return {
        "session_idle_left": idle,
        "session_absolute_left": absolute,
        "session_warning_seconds": settings.UPRIGHT_SESSION_WARNING_SECONDS,
    }
