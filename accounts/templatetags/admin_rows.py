"""`{% list_rows cl %}`: a big admin list's rows, the same HTML as Django's `{% result_list %}`.

Django works out, for every cell of every row, which field or display method its column is,
its CSS class and empty value, and for every row the change link through `reverse()` and the
list's kept filters: at 50 rows of 5-11 columns that was a third of a list page's time. Here
each column is worked out once per page, and the change link's address once, with each row's
key put in. Lists Django draws differently (editable, in a pop-up, by `to_field`) and columns
that are neither a model field nor a method of the admin go through Django's own code.
`tests/test_admin_rows.py` draws every list that uses it both ways and compares them.
"""

import datetime

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
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

# Stands for a row's primary key in the change link's address, worked out once per page.
_ROW_KEY = "upright-row-key"


class _Column:
    """What Django's `items_for_result` decides for one column, decided once."""

    def __init__(self, change_list, index: int, name, *, links: bool, tag: str) -> None:
        model_admin = change_list.model_admin
        self.name = name
        self.links, self.tag = links, tag
        self.empty = self.missing = model_admin.get_empty_value_display()
        self.classes = [f"field-{_coerce_field_name(name, index)}"]
        self.field = self.display = None
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
        self.checkbox = name == "action_checkbox"
        field = self.field
        self.plain = field is None or field.auto_created
        self.related = not self.plain and isinstance(field.remote_field, models.ManyToOneRel)
        if not self.plain and isinstance(
            field, (models.DateField, models.TimeField, models.ForeignKey)
        ):
            self.classes = [*self.classes, "nowrap"]

    def cell(self, record):
        """(CSS classes, shown value) for one row, as Django works them out."""
        try:
            value = self.display(record) if self.display else getattr(record, self.name)
        except ObjectDoesNotExist:
            return self.classes[:1], self.missing
        if isinstance(value, str) and value.strip() == "":
            value = ""
        if self.plain:
            classes = ["action-checkbox"] if self.checkbox else self.classes
            if isinstance(value, (datetime.date, datetime.time)):
                classes = [*classes, "nowrap"]
            return classes, display_for_value(value, self.empty, self.boolean)
        if self.related:
            return self.classes, self.empty if value is None else value
        return self.classes, display_for_field(value, self.field, self.empty, self.links)


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


def _items(change_list, columns, change_url: str, record):
    for column in columns:
        classes, shown = column.cell(record)
        row_class = mark_safe(f' class="{" ".join(classes)}"')  # noqa: S308 (class names)
        if not column.links:
            yield format_html("<td{}>{}</td>", row_class, shown)
            continue
        key = getattr(record, change_list.pk_attname)
        url = change_url.replace(_ROW_KEY, str(key), 1)
        link = format_html('<a href="{}"{}>{}</a>', url, "", shown)
        yield format_html("<{}{}>{}</{}>", column.tag, row_class, link, column.tag)


def rows(change_list):
    """Each row of the page as Django's `results()` yields it."""
    if change_list.formset or change_list.is_popup or change_list.to_field:
        return [
            ResultList(None, items_for_result(change_list, r, None))
            for r in change_list.result_list
        ]
    columns = _columns(change_list)
    try:
        change_url = _change_url(change_list)
    except NoReverseMatch:
        change_url = None
    generic = change_url is None or any(column.generic for column in columns)
    drawn = []
    for record in change_list.result_list:
        whole_key = isinstance(getattr(record, change_list.pk_attname), int)
        if generic or not whole_key:
            drawn.append(ResultList(None, items_for_result(change_list, record, None)))
        else:
            drawn.append(ResultList(None, _items(change_list, columns, change_url, record)))
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
