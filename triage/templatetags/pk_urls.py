"""`{% pk_url "app:name" pk %}`: `{% url %}` for a URL whose only argument is an integer id.

The worklist links each of its fifty rows twice (the chart, the action), and reversing a URL
name walks Django's resolver every time: that was two fifths of the page's rendering (issue 12,
rendering). The name is reversed once per process, script prefix and URL configuration with a
marker id, and each row's id is put in the marker's place.
"""

import uuid
from functools import lru_cache

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()

_MARKER = 918273645546372819
_TOKEN_MARKER = uuid.UUID("91827364-5546-4372-8191-827364554637")


@lru_cache(maxsize=64)
def _around_id(name: str, prefix: str, urlconf: str | None) -> tuple[str, str]:
    before, marker, after = reverse(name, args=[_MARKER], urlconf=urlconf).partition(str(_MARKER))
    if not marker:
        raise template.TemplateSyntaxError(f"{name} does not take one id")
    return before, after


@lru_cache(maxsize=64)
def _around_token(name: str, rest: tuple, prefix: str, urlconf: str | None) -> tuple[str, str]:
    url = reverse(name, args=[_TOKEN_MARKER, *rest], urlconf=urlconf)
    before, marker, after = url.partition(str(_TOKEN_MARKER))
    if not marker:
        raise template.TemplateSyntaxError(f"{name} does not take a token first")
    return before, after


def around_token(name: str, *rest) -> tuple[str, str]:
    """What comes before and after the token in the URL of `name`, whose first argument is a
    UUID token and the others `rest` (an unfinished intake's pages)."""
    return _around_token(name, rest, get_script_prefix(), get_urlconf())


def around_id(name: str) -> tuple[str, str]:
    """What comes before and after the id in the URL of `name` (which takes one id)."""
    return _around_id(name, get_script_prefix(), get_urlconf())


def is_plain_id(pk) -> bool:
    """Whether `pk` can go in the marker's place: a non-negative integer."""
    return isinstance(pk, int) and not isinstance(pk, bool) and pk >= 0


class PageLinks:
    """One page's links, each URL shape looked up and escaped once, each row's id or token put
    in (the row tags: `{% worklist_rows %}`, `{% draft_rows %}`)."""

    def __init__(self, escape_text):
        self._escape = escape_text
        self._shapes = {}

    def _shape(self, key, around) -> tuple[str, str]:
        if key not in self._shapes:
            self._shapes[key] = tuple(self._escape(part) for part in around())
        return self._shapes[key]

    def by_id(self, name: str, pk) -> str:
        """`{% url name pk %}` for a URL whose only argument is an id."""
        if not is_plain_id(pk):
            return self._escape(pk_url(name, pk))
        before, after = self._shape((name,), lambda: around_id(name))
        return f"{before}{pk}{after}"

    def by_token(self, name: str, token, *rest) -> str:
        """`{% url name token *rest %}` for a URL whose first argument is a UUID token."""
        before, after = self._shape((name, rest), lambda: around_token(name, *rest))
        return f"{before}{self._escape(token)}{after}"


@register.simple_tag
def pk_url(name: str, pk: int) -> str:
    if not is_plain_id(pk):
        return reverse(name, args=[pk])
    before, after = around_id(name)
    return f"{before}{pk}{after}"
