"""Values as a template shows them, for the tags that write rows in Python
(`worklist_rows`, `draft_rows`): escaped as `{{ value }}` escapes them, dates as
`{{ value|date:"..." }}` formats them."""

from collections.abc import Callable
from functools import lru_cache
from html import escape

from django.template.defaultfilters import date as format_date
from django.utils.timezone import get_current_timezone, template_localtime
from django.utils.translation import get_language


def _escaped(value) -> str:
    return escape(str(value))


def escaper(context) -> Callable[[object], str]:
    """`{{ value }}` of a plain value: escaped unless the template turned autoescape off."""
    return _escaped if context.autoescape else str


@lru_cache(maxsize=4096)
def _formatted(value, shape: str, use_tz: bool | None, zone, language: str | None) -> str:
    # The key holds all the result depends on: the value (an aware time compares as an
    # instant), the shape, and the time zone and language it is shown in (month names).
    return format_date(template_localtime(value, use_tz=use_tz), shape)


def date_shower(context) -> Callable[[object, str], str]:
    """`{{ value|date:shape }}`, escaped: the filter sees the time in the current time zone.
    The worklist shows the same dates on every request, so each is formatted once a process."""
    escape_text = escaper(context)
    zone, language = get_current_timezone(), get_language()

    def show(value, shape: str) -> str:
        return escape_text(_formatted(value, shape, context.use_tz, zone, language))

    return show
