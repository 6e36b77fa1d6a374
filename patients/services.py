"""Writes to the patient record."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from patients.models import ChartAccess, Patient


@transaction.atomic
def register_patient(*, form_data: dict) -> Patient:
    """Create a patient from a validated form's cleaned data."""
    fields = {k: v for k, v in form_data.items() if k != "confirm_not_duplicate"}
    patient = Patient(**fields)
    patient.full_clean()
    patient.save()
    return patient


@transaction.atomic
def update_patient(*, patient: Patient, form_data: dict) -> Patient:
    """Apply a validated edit to a patient's demographics."""
    for name, value in form_data.items():
        if name != "confirm_not_duplicate":
            setattr(patient, name, value)
    patient.full_clean()
    patient.save()
    return patient


def record_chart_access(*, user: AbstractBaseUser, patient: Patient) -> ChartAccess:
    """Log that a user opened a patient's chart."""
    return ChartAccess.objects.create(user=user, patient=patient)
