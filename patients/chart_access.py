"""Every page that shows a patient's data writes a chart-access record: who, when, which
patient, which page. Pages declare it here, in one way, and the role-matrix test
(tests/test_role_matrix.py) proves that every page showing a patient does.

- a view: `@records_chart_access("care plan", model="triage.Encounter")`
- a list of patients (search results): `record_patients_shown(...)`
- an admin page: `ChartAccessAdminMixin` with `chart_access_page` and `patient_field`
"""

from collections.abc import Iterable
from functools import wraps

from django.apps import apps
from django.contrib.auth.models import AbstractBaseUser

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


def record_patients_shown(*, user: AbstractBaseUser, patients: Iterable, page: str) -> None:
    """Log each patient a list page showed (search results), in one insert."""
    ChartAccess.objects.bulk_create(
        ChartAccess(user=user, patient_id=patient.pk, page=page) for patient in patients
    )


class ChartAccessAdminMixin:
    """An admin whose change and history pages show a patient's data logs them."""

    chart_access_page = "admin"
    # Path from the admin's model to the patient's id, e.g. "encounter__patient_id".
    patient_field = "patient_id"

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
