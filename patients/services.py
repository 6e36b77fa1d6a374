"""Writes to the patient record."""

from django.db import IntegrityError, transaction

from patients.models import ChartAccess, Patient


class RecordNumberTakenError(Exception):
    """Another user registered the same record number between the form's check and our save."""

    def __init__(self, patient: Patient):
        super().__init__("record number just registered")
        self.patient = patient


def _save_new_record_number(patient: Patient) -> None:
    # The form checked that the number was free; a colleague may have taken it since. The
    # database's unique constraint decides, and its error (which quotes the number) is
    # replaced by one that carries the other patient, never logged.
    try:
        with transaction.atomic():
            patient.save()
    except IntegrityError:
        taken = Patient.objects.exclude(pk=patient.pk).filter(mrn=patient.mrn).first()
        if taken is None:
            raise
        raise RecordNumberTakenError(taken) from None


@transaction.atomic
def register_patient(*, form_data: dict) -> Patient:
    """Create a patient from a validated form's cleaned data."""
    fields = {k: v for k, v in form_data.items() if k != "confirm_not_duplicate"}
    patient = Patient(**fields)
    patient.full_clean(validate_unique=False)
    _save_new_record_number(patient)
    return patient


@transaction.atomic
def update_patient(*, patient: Patient, form_data: dict) -> Patient:
    """Apply a validated edit to a patient's demographics."""
    for name, value in form_data.items():
        if name != "confirm_not_duplicate":
            setattr(patient, name, value)
    patient.full_clean(validate_unique=False)
    _save_new_record_number(patient)
    return patient


def record_chart_access(*, user, patient: Patient, page: str = "chart") -> ChartAccess:
    """Log that a user saw a patient's data on `page` (pages use patients/chart_access.py)."""
    return ChartAccess.objects.create(user=user, patient=patient, page=page)
