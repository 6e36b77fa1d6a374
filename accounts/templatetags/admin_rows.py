"""`{% list_rows cl %}`: a big admin list's rows, the same HTML as Django's `{% result_list %}`.

Django works out, for every cell of every row, which field or display method its column is,
its CSS class and empty value, and for every row the change link through `reverse()` and the
list's kept filters: at 50 rows of 5-11 columns that was a third of a list page's time. Here
each column is worked out once per page, and the change link's address once, with each row's
key put in; a row's cells come joined in one piece of HTML, so the template writes one item a
row instead of one a cell (the same HTML). Lists Django draws differently (editable, in a
pop-up, by `to_field`) and columns that are neither a model field nor a method of the admin
go through Django's own code.
`tests/test_admin_rows.py` draws every list that uses it both ways and compares them.
"""

import contextlib
import datetime
from functools import lru_cache

from django import template
from django.contrib.admin.templatetags.admin_list import (
    ResultList,
    _coerce_field_name,
    items_for_result,
    result_headers,
    result_hidden_fields,
)
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.templatetags.base import InclusionAdminNode
from django.contrib.admin.utils import (
    FieldIsAForeignKeyColumnName,
    _get_non_gfk_field,
    display_for_field,
    display_for_value,
)
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from django.urls import NoReverseMatch, reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import get_current_timezone
from django.utils.translation import get_language

register = template.Library()

# Stands for a row's primary key in the change link's address, worked out once per page.
_ROW_KEY = "upright-row-key"
# Texts display_for_value shows as they are (str() of one is itself).
_TEXT = (str, SafeString)


class _Column:
    """What Django's `items_for_result` decides for one column, decided once."""

    def __init__(self, change_list, index: int, name, *, links: bool, tag: str) -> None:
        model_admin = change_list.model_admin
        self.name = name
        self.links, self.tag = links, tag
        self.empty = self.missing = model_admin.get_empty_value_display()
        self.classes = [f"field-{_coerce_field_name(name, index)}"]
        self.field = self.display = self.choices = None
        self.boolean = False
        self.generic = False  # a column only Django's own code draws
        try:
            self.field = _get_non_gfk_field(change_list.lookup_opts, name)
        except (FieldDoesNotExist, FieldIsAForeignKeyColumnName):
            if callable(name):
                self.display = name
            elif hasattr(model_admin, name) and name != "__str__":
                self.display = getattr(model_admin, name)
            else:
                self.generic = True  # a model attribute, property or lookup path
                return
            if isinstance(self.display, property):
                self.generic = True
                return
            self.empty = getattr(self.display, "empty_value_display", self.empty)
            self.boolean = getattr(self.display, "boolean", False)
        field = self.field
        self.plain = field is None or field.auto_created
        self.related = not self.plain and isinstance(field.remote_field, models.ManyToOneRel)
        if not self.plain and isinstance(
            field, (models.DateField, models.TimeField, models.ForeignKey)
        ):
            self.classes = [*self.classes, "nowrap"]
        if not self.plain and not self.related and getattr(field, "flatchoices", None):
            with contextlib.suppress(TypeError):  # list-like choices: Django's own code
                self.choices = dict(field.flatchoices)
        # A date or time is written the same way wherever it is shown: once a process (below).
        self.when = None
        if isinstance(field, (models.DateField, models.TimeField)):
            self.when = (get_current_timezone(), get_language())
        # The cell's class attribute: a display method's date also gets "nowrap"; a missing
        # related row only the column's own class.
        own = "action-checkbox" if name == "action_checkbox" else " ".join(self.classes)
        self.attr = f' class="{own if self.plain else " ".join(self.classes)}"'
        self.dated_attr = f' class="{own} nowrap"'
        self.missing_attr = f' class="{self.classes[0]}"'

    def cell(self, record):
        """(class attribute, shown value) for one row, as Django works them out."""
        try:
            value = self.display(record) if self.display else getattr(record, self.name)
        except ObjectDoesNotExist:
            return self.missing_attr, self.missing
        if isinstance(value, str) and value.strip() == "":
            value = ""
        if self.plain:
            dated = isinstance(value, (datetime.date, datetime.time))
            attr = self.dated_attr if dated else self.attr
            if value and value.__class__ in _TEXT and not self.boolean:
                return attr, value  # what display_for_value gives a text: str(value)
            return attr, display_for_value(value, self.empty, self.boolean)
        if self.related:
            return self.attr, self.empty if value is None else value
        if self.choices is not None:
            with contextlib.suppress(TypeError):  # an unhashable value: Django's own code
                return self.attr, self.choices.get(value, self.empty)
        if self.when is not None:
            return self.attr, _shown_when(value, self.field, self.empty, self.links, *self.when)
        return self.attr, display_for_field(value, self.field, self.empty, self.links)


@lru_cache(maxsize=4096)
def _shown_when(value, field, empty, links: bool, zone, language: str | None):
    """Django's text for a date or time column. The key holds all it depends on: the value (an
    aware time compares as an instant), the field and its empty value, and the time zone and
    language it is shown in. A list shows the same times on every request: formatting one
    (`formats.localize`, 20-40 us) was most of a row's cost."""
    return display_for_field(value, field, empty, links)


@receiver(setting_changed)
def _forget_shown_times(**kwargs) -> None:
    # A changed date format or time zone setting (tests) must not find the former texts.
    _shown_when.cache_clear()


def _columns(change_list) -> list[_Column]:
    columns, first = [], True
    links = change_list.list_display_links
    for index, name in enumerate(change_list.list_display):
        if links is None:
            linked = False
        elif first and not links:
            linked = True
        else:
            linked = name in links
        columns.append(_Column(change_list, index, name, links=linked, tag="th" if first else "td"))
        first = first and not linked
    return columns


def _change_url(change_list) -> str:
    """The change link's address with _ROW_KEY for the key, the list's filters kept."""
    opts = change_list.opts
    url = reverse(
        f"admin:{opts.app_label}_{opts.model_name}_change",
        args=(_ROW_KEY,),
        current_app=change_list.model_admin.admin_site.name,
    )
    kept = {"preserved_filters": change_list.preserved_filters, "opts": opts}
    return add_preserved_filters(kept, url)


def _row(columns, change_url: str, key: int, record) -> SafeString:
    """One row's cells as one piece of HTML: what Django's cells give, joined."""
    cells = []
    for column in columns:
        attr, shown = column.cell(record)
        shown = conditional_escape(shown)
        if column.links:
            url = change_url.replace(_ROW_KEY, str(key), 1)
            cells.append(f'<{column.tag}{attr}><a href="{url}">{shown}</a></{column.tag}>')
        else:
            cells.append(f"<td{attr}>{shown}</td>")
    return mark_safe("".join(cells))  # noqa: S308 (every value escaped above)


def rows(change_list):
    """Each row of the page as Django's `results()` yields it, its cells joined in one item."""
    if change_list.formset or change_list.is_popup or change_list.to_field:
        return [
            ResultList(None, items_for_result(change_list, r, None))
            for r in change_list.result_list
        ]
    columns = _columns(change_list)
    try:
        change_url = conditional_escape(_change_url(change_list))
    except NoReverseMatch:
        change_url = None
    generic = change_url is None or any(column.generic for column in columns)
    drawn = []
    for record in change_list.result_list:
        key = getattr(record, change_list.pk_attname)
        if generic or not isinstance(key, int):
            drawn.append(ResultList(None, items_for_result(change_list, record, None)))
        else:
            drawn.append(ResultList(None, [_row(columns, change_url, key, record)]))
    return drawn


def list_rows(cl):
    """The context of Django's `result_list` tag, its rows drawn by `rows`."""
    headers = list(result_headers(cl))
    return {
        "cl": cl,
        "result_hidden_fields": list(result_hidden_fields(cl)),
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        "results": rows(cl),
    }


@register.tag(name="list_rows")
def list_rows_tag(parser, token):
    return InclusionAdminNode(
        parser,
        token,
        func=list_rows,
        template_name="change_list_results.html",
        takes_context=False,
    )
