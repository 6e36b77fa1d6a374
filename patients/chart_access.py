"""Every page that shows a patient's data writes a chart-access record: who, when, which
patient, which page. Pages declare it here, in one way, and the role-matrix test
(tests/test_role_matrix.py) proves that every page showing a patient does.

- a view: `@records_chart_access("care plan", model="triage.Encounter")`
- a list of patients (search results, the worklist, unfinished intakes):
  `record_patients_shown(...)`, one record per patient the page showed, in one INSERT
- an admin page: `ChartAccessAdminMixin` with `chart_access_page` and `patient_field`; its
  change list logs the patients of the rows it shows as "<chart_access_page> list"
"""

from collections.abc import Iterable
from functools import wraps

from django.apps import apps
from django.contrib.auth.models import AbstractBaseUser
from django.db import connections, router, transaction
from django.utils import timezone

from patients.models import ChartAccess


def _patient_id(model: str, lookup: dict, patient_field: str) -> int | None:
    rows = apps.get_model(model)._default_manager.filter(**lookup)
    return rows.values_list(patient_field, flat=True).first()


def _record(user, patient_id, page: str) -> None:
    if patient_id is not None and user.is_authenticated:
        ChartAccess.objects.create(user=user, patient_id=patient_id, page=page)


def records_chart_access(
    page: str,
    *,
    model: str = "patients.Patient",
    kwarg: str = "pk",
    lookup: str = "pk",
    patient_field: str = "pk",
):
    """Log the patient behind URL argument `kwarg` whenever the view shows its page (200)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if response.status_code == 200:
                patient_id = _patient_id(model, {lookup: kwargs[kwarg]}, patient_field)
                _record(request.user, patient_id, page)
            return response

        return wrapper

    return decorator


def record_patients_shown(
    *, user: AbstractBaseUser, patients: Iterable = (), patient_ids: Iterable = (), page: str
) -> None:
    """Log each patient a list page showed, once per patient, in one insert (none if empty)."""
    shown = dict.fromkeys([*(patient.pk for patient in patients), *patient_ids])
    shown.pop(None, None)
    if shown and user.is_authenticated:
        _insert_accesses(user_id=user.pk, patient_ids=list(shown), page=page)


_COLUMNS = ("user", "patient", "accessed_at", "page")


def _insert_accesses(*, user_id: int, patient_ids: list[int], page: str) -> None:
    """One chart access per patient, all at the same time: what `bulk_create` wrote, without
    building and preparing a model instance a row (that cost more than the INSERT itself: 1.7
    of a 13 ms worklist with its 61 patients, issue 12). PostgreSQL gets the ids as one array,
    as `bulk_create` sends them; other databases rows of VALUES, in batches they accept."""
    alias = router.db_for_write(ChartAccess)
    connection = connections[alias]
    fields = [ChartAccess._meta.get_field(name) for name in _COLUMNS]
    quote = connection.ops.quote_name
    insert = (
        # Names from the model; every value a bound parameter.
        f"INSERT INTO {quote(ChartAccess._meta.db_table)} "
        f"({', '.join(quote(field.column) for field in fields)})"
    )
    accessed_at = fields[2].get_db_prep_save(timezone.now(), connection)
    if connection.vendor == "postgresql":
        # One statement is all or nothing by itself: no transaction of its own around it,
        # which cost a BEGIN and a COMMIT, two more round trips, on every page it logs.
        ids = f"{fields[1].db_type(connection)}[]"
        with connection.cursor() as cursor:
            cursor.execute(
                f"{insert} SELECT %s, UNNEST(%s::{ids}), %s, %s",
                [user_id, patient_ids, accessed_at, page],
            )
        return
    batch = connection.ops.bulk_batch_size(fields, patient_ids)
    with transaction.atomic(using=alias, savepoint=False), connection.cursor() as cursor:
        for start in range(0, len(patient_ids), batch):
            chunk = patient_ids[start : start + batch]
            cursor.execute(
                f"{insert} VALUES {', '.join(['(%s, %s, %s, %s)'] * len(chunk))}",
                [value for id_ in chunk for value in (user_id, id_, accessed_at, page)],
            )


def _attribute_path(record, path: str):
    """Follow `patient_field` ("encounter__patient_id") through loaded relations."""
    for name in path.split("__"):
        record = getattr(record, name)
    return record


class ChartAccessAdminMixin:
    """An admin whose change and history pages show a patient's data logs them."""

    chart_access_page = "admin"
    # Path from the admin's model to the patient's id, e.g. "encounter__patient_id".
    patient_field = "patient_id"
    # Whether the change list names the patient of each row (so logs those it shows); the
    # path is followed through `list_select_related`, so it costs no query per row.
    chart_access_list = True

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None) or {}
        if self.chart_access_list and response.status_code == 200 and "cl" in context:
            change_list = context["cl"]

            def log_rows_shown(rendered):
                self.log_records_shown(request, change_list.result_list, rendered, " list")

            # After rendering: the page's own query has then loaded the rows.
            response.add_post_render_callback(log_rows_shown)
        return response

    def log_records_shown(self, request, records, response, suffix: str):
        """Log the patients of the records a page lists (a change list, a bulk action's page)."""
        if response.status_code == 200:
            record_patients_shown(
                user=request.user,
                patient_ids=[_attribute_path(record, self.patient_field) for record in records],
                page=f"{self.chart_access_page}{suffix}",
            )
        return response

    def _log_opened(self, request, object_id, response, suffix: str):
        if response.status_code == 200:
            model = self.model._meta.label
            patient_id = _patient_id(model, {"pk": object_id}, self.patient_field)
            _record(request.user, patient_id, f"{self.chart_access_page}{suffix}")
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        return self._log_opened(request, object_id, response, "")

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        return self._log_opened(request, object_id, response, " history")

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        response = super().history_form_view(request, object_id, version_id, extra_context)
        return self._log_opened(request, object_id, response, " past version")
