"""Malformed input to the admin (a NUL in a filter, a year past 9999, a non-number where an id
belongs) answers 400 with a way back, never 500."""

from django.core.exceptions import ValidationError
from django.db import DataError
from django.http import HttpResponseBadRequest
from django.template.loader import render_to_string

# What the admin's own parsing raises for values it cannot read.
_UNREADABLE = (ValueError, OverflowError, ValidationError, DataError, TypeError)


def _is_admin(request) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and match.app_name == "admin"


def _bad_request(request) -> HttpResponseBadRequest:
    page = render_to_string("admin/bad_request.html", {"back": request.path}, request=request)
    return HttpResponseBadRequest(page)


class AdminInputMiddleware:
    """Refuse NUL characters in any query string or form; answer unreadable admin input 400."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.META.get("QUERY_STRING", "") or "%00" in request.META.get(
            "QUERY_STRING", ""
        ):
            return HttpResponseBadRequest("The address held a character that is never valid.")
        if request.method == "POST" and any(
            "\x00" in value for values in request.POST.lists() for value in values[1]
        ):
            return HttpResponseBadRequest("The form held a character that is never valid.")
        return self.get_response(request)

    def process_exception(self, request, exception):
        if _is_admin(request) and isinstance(exception, _UNREADABLE):
            return _bad_request(request)
        return None
