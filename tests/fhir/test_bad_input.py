"""Bad requests answer an OperationOutcome with the right status: never a 500, never HTML."""

import pytest

from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


def _outcome(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/fhir+json"
    body = response.json()
    assert body["resourceType"] == "OperationOutcome"
    return body["issue"][0]


@pytest.mark.parametrize(
    "path",
    [
        "/fhir/Observation/1",
        "/fhir/Encounter",
        "/fhir/Patient/999999",
        "/fhir/Patient/abc",
        "/fhir/Patient/-1",
        "/fhir/Patient/999999/$everything",
        "/fhir/Patient/1/$export",
        "/fhir/Questionnaire/other",
        "/fhir/PlanDefinition/other",
        "/fhir/CodeSystem/other",
        "/fhir/",
        "/fhir/Patient/1/%00",
    ],
)
def test_unknown_types_and_ids_answer_404(nurse_client, path):
    assert _outcome(nurse_client.get(path), 404)["code"] == "not-found"


def test_an_unknown_rule_set_version_answers_404(nurse_client):
    response = nurse_client.get("/fhir/PlanDefinition/upright-rules?version=1999.01-1")
    _outcome(response, 404)


@pytest.mark.parametrize(
    "query",
    [
        "Patient",
        "Patient?identifier=",
        "Patient?identifier=http://elsewhere.example/mrn|MRN-1",
        "Patient?name=Smith",
        "Patient?identifier=MRN-1&_count=5",
        "metadata?_format=xml",
        "PlanDefinition/upright-rules?version=",
        "PlanDefinition/upright-rules?vers=1",
        "Questionnaire/upright-intake?_summary=true",
    ],
)
def test_bad_parameters_answer_400(nurse_client, query):
    patient = PatientFactory()
    response = nurse_client.get(f"/fhir/{query}".replace("{id}", str(patient.pk)))
    assert _outcome(response, 400)["code"] == "invalid"


def test_everything_with_a_parameter_answers_400(nurse_client):
    patient = PatientFactory()
    response = nurse_client.get(f"/fhir/Patient/{patient.pk}/$everything?start=2026-01-01")
    _outcome(response, 400)


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writes_answer_405(nurse_client, method):
    patient = PatientFactory()
    response = getattr(nurse_client, method)(f"/fhir/Patient/{patient.pk}")
    _outcome(response, 405)


def test_search_by_identifier_finds_one_patient_or_none(nurse_client):
    patient = PatientFactory(mrn="MRN-777")
    found = nurse_client.get("/fhir/Patient?identifier=mrn-777").json()
    assert found["total"] == 1
    assert found["entry"][0]["resource"]["id"] == str(patient.pk)
    with_system = nurse_client.get(
        "/fhir/Patient?identifier=https://upright.invalid/fhir/sid/record-number|MRN-777"
    ).json()
    assert with_system["total"] == 1
    missing = nurse_client.get("/fhir/Patient?identifier=MRN-000").json()
    assert (missing["resourceType"], missing["total"]) == ("Bundle", 0)
