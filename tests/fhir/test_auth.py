"""Who may read: the staff session or a per-user API token, then the role's permissions."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from fhir.models import ApiToken
from fhir.services import issue_token, revoke_token, token_digest
from patients.models import ChartAccess
from tests.conftest import make_user
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


def _outcome(response, status: int) -> dict:
    assert response.status_code == status
    assert response["Content-Type"] == "application/fhir+json"
    body = response.json()
    assert body["resourceType"] == "OperationOutcome"
    return body["issue"][0]


def _read(client, patient, token: str | None = None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.get(reverse("fhir:patient_read", args=[patient.pk]), **headers)


def test_anonymous_gets_401_not_the_sign_in_page(client):
    response = _read(client, PatientFactory())
    assert _outcome(response, 401)["code"] == "login"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_signed_in_nurse_reads_a_patient(nurse_client):
    patient = PatientFactory()
    response = _read(nurse_client, patient)
    assert response.status_code == 200
    assert response.json()["identifier"][0]["value"] == patient.mrn


def test_a_token_reads_as_its_user_and_is_noted_as_used(client, nurse, administrator):
    patient = PatientFactory()
    token, secret = issue_token(user=nurse, name="warehouse", issued_by=administrator)
    response = _read(client, patient, secret)
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert ChartAccess.objects.filter(user=nurse, patient=patient).count() == 1


def test_only_a_hash_of_the_token_is_stored(nurse, administrator):
    token, secret = issue_token(user=nurse, name="warehouse", issued_by=administrator)
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.digest == token_digest(secret) != secret
    assert secret not in {str(value) for value in vars(stored).values()}
    assert stored.history.get().history_change_reason == "issued"


@pytest.mark.parametrize(
    "header", ["Bearer upr_not-a-real-token", "Bearer ", "Basic bnVyc2U6cGFzcw==", "upr_x"]
)
def test_a_bad_token_gets_401(client, header):
    response = client.get(
        reverse("fhir:patient_read", args=[PatientFactory().pk]), HTTP_AUTHORIZATION=header
    )
    _outcome(response, 401)


def test_a_revoked_token_gets_401(client, nurse, administrator):
    token, secret = issue_token(user=nurse, name="warehouse", issued_by=administrator)
    revoke_token(token=token, revoked_by=administrator, now=timezone.now())
    _outcome(_read(client, PatientFactory(), secret), 401)
    assert token.history.latest().history_change_reason == "revoked"


def test_a_token_of_a_deactivated_user_gets_401(client, nurse, administrator):
    _, secret = issue_token(user=nurse, name="warehouse", issued_by=administrator)
    nurse.is_active = False
    nurse.save()
    _outcome(_read(client, PatientFactory(), secret), 401)


def test_a_user_without_a_role_gets_403(client):
    client.force_login(make_user(None, username="no-role"))
    assert _outcome(_read(client, PatientFactory()), 403)["code"] == "forbidden"
    response = client.get(reverse("fhir:everything", args=[PatientFactory().pk]))
    _outcome(response, 403)


def test_a_token_carries_its_users_role(client, administrator):
    _, secret = issue_token(
        user=make_user(None, username="no-role"), name="x", issued_by=administrator
    )
    _outcome(_read(client, PatientFactory(), secret), 403)


def test_the_download_form_needs_its_csrf_token(nurse):
    client = Client(enforce_csrf_checks=True)
    client.force_login(nurse)
    response = client.post(reverse("fhir:everything", args=[PatientFactory().pk]))
    _outcome(response, 403)


def test_a_token_client_posts_without_csrf(nurse, administrator):
    _, secret = issue_token(user=nurse, name="x", issued_by=administrator)
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("fhir:everything", args=[PatientFactory().pk]),
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 200


def test_metadata_is_open(client):
    response = client.get(reverse("fhir:metadata"))
    assert response.status_code == 200
    assert response.json()["fhirVersion"] == "4.0.1"


@pytest.mark.parametrize("role", [roles.NURSE, roles.CLINICIAN, roles.ADMINISTRATOR])
def test_every_role_reads_the_whole_record(client, role):
    client.force_login(make_user(role, username=f"reader-{role}"))
    response = client.get(reverse("fhir:everything", args=[PatientFactory().pk]))
    assert response.status_code == 200
