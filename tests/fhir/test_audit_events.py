"""AuditEvent?patient=: who read a patient's record; administrators only (nurses get 403)."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PatientFactory

from .validation import validate

pytestmark = pytest.mark.django_db


def test_an_administrator_sees_who_read_the_record(admin_client_role, nurse):
    patient = PatientFactory()
    reader = Client()
    reader.force_login(nurse)
    assert reader.get(reverse("fhir:everything", args=[patient.pk])).status_code == 200
    response = admin_client_role.get(reverse("fhir:audit_events"), {"patient": patient.pk})
    assert response.status_code == 200
    bundle = response.json()
    validate(bundle)
    (event,) = [entry["resource"] for entry in bundle["entry"]]
    assert event["agent"][0]["who"]["display"] == "nurse1"
    assert event["entity"] == [{"what": {"reference": f"Patient/{patient.pk}"}}]


def test_a_nurse_may_not_see_the_audit_trail(nurse_client):
    patient = PatientFactory()
    response = nurse_client.get(reverse("fhir:audit_events"), {"patient": patient.pk})
    assert response.status_code == 403
    assert response.json()["issue"][0]["code"] == "forbidden"


@pytest.mark.parametrize("patient", ["", "abc", "Patient/"])
def test_the_patient_parameter_is_required(admin_client_role, patient):
    response = admin_client_role.get(reverse("fhir:audit_events"), {"patient": patient})
    assert response.status_code == 400
