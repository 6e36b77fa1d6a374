"""Database constraints on Patient: the rules hold even if a form is bypassed."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from patients.models import Patient
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


def _violates(**overrides):
    with pytest.raises(IntegrityError), transaction.atomic():
        PatientFactory(**overrides)


def test_birth_date_in_the_future_is_refused_by_the_database():
    _violates(date_of_birth=timezone.localdate() + datetime.timedelta(days=400))


def test_birth_date_before_1900_is_refused_by_the_database():
    _violates(date_of_birth=datetime.date(1899, 12, 31))


def test_lower_case_or_spaced_record_number_is_refused_by_the_database():
    _violates(mrn="mrn 12")


def test_blank_names_are_refused_by_the_database():
    _violates(given_name="")
    _violates(family_name="")


def test_unknown_sex_code_is_refused_by_the_database():
    _violates(sex="x")


def test_duplicate_record_number_is_refused_by_the_database():
    PatientFactory(mrn="MRN-1")
    _violates(mrn="MRN-1")


def test_valid_patient_is_saved():
    patient = PatientFactory(mrn="AB-12-C", date_of_birth=timezone.localdate())
    assert Patient.objects.get(pk=patient.pk).mrn == "AB-12-C"


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (datetime.date(1980, 5, 17), datetime.date(2026, 5, 16), 45),
        (datetime.date(1980, 5, 17), datetime.date(2026, 5, 17), 46),
        (datetime.date(2000, 2, 29), datetime.date(2026, 2, 28), 25),
        (datetime.date(2000, 2, 29), datetime.date(2026, 3, 1), 26),
    ],
)
def test_age_on_counts_whole_years(born, on, age):
    assert PatientFactory.build(date_of_birth=born).age_on(on) == age


def test_str_does_not_show_the_name():
    patient = PatientFactory.build(mrn="MRN-9", given_name="Zelda", family_name="Quist")
    assert "Zelda" not in str(patient)
    assert "Quist" not in str(patient)
