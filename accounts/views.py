"""Sign-in with its second factor, and the session pages: how long is left, "stay signed in"
(used by static/js/session.js)."""

import time
from urllib.parse import urlencode

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LoginView
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp.plugins.otp_static.models import StaticDevice

from accounts import second_factor, services, session_limits
from accounts.forms import SecondFactorForm

# The new recovery codes wait here between enrolment and the page that shows them once.
_NEW_RECOVERY_CODES = "upright_new_recovery_codes"


class SignInView(LoginView):
    """Django's sign-in page; a user who needs a second factor goes to it next, not to the
    page asked for (that address travels along as `next`)."""

    redirect_authenticated_user = True

    def get_success_url(self):
        url = super().get_success_url()
        user = self.request.user
        if second_factor.required_for(user) and not second_factor.is_verified(self.request):
            return second_factor.step_url(user, url)
        return url


def _next(request) -> str:
    return second_factor.safe_next(request, request.POST.get("next") or request.GET.get("next"))


def _verified(request, device) -> None:
    # A new session key once the second factor is given, as at sign-in.
    request.session.cycle_key()
    django_otp.login(request, device)


def _refused(form, user, code: str) -> None:
    device = second_factor.device_for_code(user, code)
    wait = second_factor.wait_seconds(device) if device else 0
    message = "That code did not match. Check the app shows this account and try again."
    if wait:
        message += f" After wrong codes, the next try is accepted in {wait} seconds."
    form.add_error("otp_token", message)


def _done_or_elsewhere(request, next_url: str, *, enrolling: bool):
    """Where a second-factor page sends someone it is not for; None if it is for them."""
    user = request.user
    if second_factor.is_verified(request) or not second_factor.required_for(user):
        return HttpResponseRedirect(next_url)
    enrolled = second_factor.authenticator_for(user) is not None
    if enrolling and enrolled:
        return redirect(second_factor.step_url(user, next_url))
    if not enrolling and not enrolled:
        return redirect(second_factor.step_url(user, next_url))
    return None


@require_http_methods(["GET", "POST"])
def second_factor_verify(request):
    """The code page: the authenticator's current code, or one recovery code."""
    next_url = _next(request)
    elsewhere = _done_or_elsewhere(request, next_url, enrolling=False)
    if elsewhere:
        return elsewhere
    form = SecondFactorForm(request.POST or None, recovery=True)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["otp_token"]
        device = services.code_check(user=request.user, code=code)
        if device is not None:
            _verified(request, device)
            if isinstance(device, StaticDevice):
                left = second_factor.recovery_codes_left(request.user)
                messages.warning(
                    request,
                    f"You used a recovery code; {left} left. If your phone is lost, ask an "
                    "administrator to reset your sign-in so you can set up the app again.",
                )
            return HttpResponseRedirect(next_url)
        _refused(form, request.user, code)
    # The demo's hint (debug only): where a newcomer finds the demo users' code.
    context = {"form": form, "next": next_url, "demo": settings.DEBUG}
    return render(request, "registration/second_factor.html", context)


@require_http_methods(["GET", "POST"])
def second_factor_enrol(request):
    """First sign-in: set up an authenticator app from a QR code (or the secret typed in),
    then confirm it with a code."""
    next_url = _next(request)
    elsewhere = _done_or_elsewhere(request, next_url, enrolling=True)
    if elsewhere:
        return elsewhere
    device = services.pending_authenticator(user=request.user)
    form = SecondFactorForm(request.POST or None, recovery=False)
    if request.method == "POST" and form.is_valid():
        codes = services.authenticator_confirm(device=device, code=form.cleaned_data["otp_token"])
        if codes is not None:
            device.refresh_from_db()
            _verified(request, device)
            request.session[_NEW_RECOVERY_CODES] = codes
            return redirect(f"{reverse('recovery_codes')}?{urlencode({'next': next_url})}")
        _refused(form, request.user, form.cleaned_data["otp_token"])
    context = {
        "form": form,
        "next": next_url,
        "qr_code": second_factor.qr_code_svg(device),
        "secret": second_factor.secret_text(device),
    }
    return render(request, "registration/second_factor_enrol.html", context)


@require_GET
def recovery_codes(request):
    """The new recovery codes, shown once: reloading the page does not show them again."""
    next_url = _next(request)
    codes = request.session.pop(_NEW_RECOVERY_CODES, None)
    if not codes:
        return HttpResponseRedirect(next_url)
    return render(request, "registration/recovery_codes.html", {"codes": codes, "next": next_url})


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
        return HttpResponseRedirect(next_page)
    return redirect("triage:home")
