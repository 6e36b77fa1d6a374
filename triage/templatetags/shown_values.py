"""Values as a template shows them, for the tags that write rows in Python
(`worklist_rows`, `draft_rows`): escaped as `{{ value }}` escapes them, dates as
`{{ value|date:"..." }}` formats them, each date once per tag call."""

from collections.abc import Callable
from html import escape

from django.template.defaultfilters import date as format_date
from django.utils.timezone import template_localtime


def _escaped(value) -> str:
    return escape(str(value))


def escaper(context) -> Callable[[object], str]:
    """`{{ value }}` of a plain value: escaped unless the template turned autoescape off."""
    return _escaped if context.autoescape else str


def date_shower(context) -> Callable[[object, str], str]:
    """`{{ value|date:shape }}`, escaped: the filter sees the time in the current time zone.
    Rows share dates (a group due today), so each value is formatted once."""
    escape_text = escaper(context)
    shown = {}

    def show(value, shape: str) -> str:
        if (value, shape) not in shown:
            local = template_localtime(value, use_tz=context.use_tz)
            shown[value, shape] = escape_text(format_date(local, shape))
        return shown[value, shape]

    return show
