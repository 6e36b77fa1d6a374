"""Admin lists that stay fast on tables of millions of rows.

- `EstimatedCountPaginator`: one statement counts at most COUNT_CAP + 1 rows of the filtered
  list; past that, the page count comes from PostgreSQL's own row estimate for the table
  (`pg_class.reltuples`) when the list is unfiltered, and stops at the cap when it is filtered.
  An unfiltered list of a table estimated past the cap is not counted at all. A list never
  counts a big table in full, and always costs the same one query.
- `choices_filter`: a sidebar filter whose choices come from code (the engine's codes, the
  model's choices), where Django's default for a plain text column would run
  `SELECT DISTINCT` over the whole table on every page.
- `ListColumnsMixin`: the list's rows leave out the columns it never shows (`list_defer`),
  e.g. the JSON of a stored care plan, while the change page still loads everything; pages of
  LIST_PER_PAGE rows; and each row's selection checkbox written directly, not through a form
  widget's template (the same HTML, at a fraction of the cost: it was a third of a list's time);
  and the rows drawn by `{% list_rows %}`, which works out each column once per page.
"""

from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

COUNT_CAP = 10_000
# Rows on one page of a clinical list: a screenful or two, found by filter or search; Django's
# default of 100 doubles the page's rendering time for rows nobody reads.
LIST_PER_PAGE = 50


class EstimatedCountPaginator(Paginator):
    """A paginator whose count is exact up to COUNT_CAP and estimated beyond it."""

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        connection = connections[queryset.db]
        if connection.vendor != "postgresql":
            return queryset.count()
        capped = queryset.order_by().values("pk")[: COUNT_CAP + 1]
        try:
            inner, params = capped.query.sql_with_params()
        except EmptyResultSet:
            # A filter no row can match (an id beyond the column's range): nothing to count.
            return 0
        unfiltered = not queryset.query.where
        with connection.cursor() as cursor:
            # An unfiltered list of a table PostgreSQL already estimates past the cap shows
            # that estimate without counting (CASE leaves the count's subquery unrun): past
            # the cap it is the estimate that is shown anyway.
            cursor.execute(
                "SELECT estimate, CASE WHEN %s AND estimate > %s THEN NULL"  # noqa: S608
                f" ELSE (SELECT COUNT(*) FROM ({inner}) AS capped) END"
                " FROM (SELECT reltuples::bigint AS estimate FROM pg_class"
                " WHERE oid = %s::regclass) AS table_size",
                [unfiltered, COUNT_CAP, *params, queryset.model._meta.db_table],
            )
            estimate, exact = cursor.fetchone()
        if exact is None:
            return estimate
        if exact <= COUNT_CAP:
            return exact
        return max(exact, estimate or 0) if unfiltered else exact


def choices_filter(field: str, title: str, choices) -> type[admin.SimpleListFilter]:
    """A list filter on `field` offering `choices` ((value, label) pairs) without a query."""

    class ChoicesFilter(admin.SimpleListFilter):
        parameter_name = field

        def lookups(self, request, model_admin):
            return list(choices)

        def queryset(self, request, queryset):
            if self.value():
                return queryset.filter(**{field: self.value()})
            return queryset

    ChoicesFilter.title = title
    return ChoicesFilter


class _ListColumnsChangeList(ChangeList):
    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        return queryset.defer(*self.model_admin.list_defer)

    def get_results(self, request):
        super().get_results(request)
        only = self.model_admin.list_only
        if only:
            # The page's rows only: an action's records (cl.get_queryset) stay whole.
            self.result_list = (
                self.result_list.select_related(None)
                .select_related(*self.list_select_related)
                .only(*only)
            )


class ListColumnsMixin:
    """Big admin lists: estimated counts, and rows without the columns the list never shows."""

    list_defer: tuple[str, ...] = ()
    # Or the only columns the page's rows read (its columns, each row's name and the patient
    # its chart-access record names), through `list_select_related` alone: a wide row (an
    # encounter has over 70 columns) costs the database, the driver and the model to load.
    list_only: tuple[str, ...] = ()
    list_per_page = LIST_PER_PAGE
    # Django's change list, its rows drawn by accounts/templatetags/admin_rows.py.
    change_list_template = "admin/lists/change_list.html"
    paginator = EstimatedCountPaginator
    show_full_result_count = False

    def get_changelist(self, request, **kwargs):
        return _ListColumnsChangeList

    def action_checkbox(self, obj):
        # What Django's CheckboxInput renders for the row, without a template per row (the
        # label's words are the translation's, the record's name escaped into them).
        label = gettext("Select this object for an action - {}").format(escape(str(obj)))
        return mark_safe(  # noqa: S308 (the name and the key are escaped)
            f'<input type="checkbox" name="{ACTION_CHECKBOX_NAME}" value="{escape(obj.pk)}"'
            f' class="action-select" aria-label="{label}">'
        )
