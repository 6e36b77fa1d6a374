"""`{% list_filter cl spec %}`: one filter of a big admin list's sidebar, the HTML of Django's
`{% admin_list_filter %}` (admin/filter.html) written in Python.

Django renders the filter template once per filter: the encounter list has twenty (a red-flag
answer each), about 2 ms of its CPU a page. A filter with a template of its own goes through
Django's tag. `tests/test_admin_list_filters.py` compares both, choice by choice.
"""

from django import template
from django.contrib.admin.templatetags.admin_list import admin_list_filter
from django.utils.encoding import iri_to_uri
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

register = template.Library()

DJANGOS_TEMPLATE = "admin/filter.html"


def _choice(choice: dict) -> str:
    selected = ' class="selected"' if choice["selected"] else ""
    href = conditional_escape(iri_to_uri(choice["query_string"]))
    shown = conditional_escape(choice["display"])
    return f'\n    <li{selected}>\n    <a href="{href}">{shown}</a></li>\n  '


@register.simple_tag
def list_filter(cl, spec) -> SafeString:
    """What `{% admin_list_filter cl spec %}` writes, with the same whitespace."""
    if spec.template != DJANGOS_TEMPLATE:
        return admin_list_filter(cl, spec)
    title = conditional_escape(spec.title)
    summary = gettext(" By %(filter_title)s ") % {"filter_title": title}
    choices = "".join(_choice(choice) for choice in spec.choices(cl))
    return mark_safe(  # noqa: S308 (every value escaped above)
        f'\n<details data-filter-title="{title}" open>\n  <summary>\n    {summary}\n'
        f"  </summary>\n  <ul>\n  {choices}\n  </ul>\n</details>\n"
    )
