"""GET /cds-services: both services, their hooks and prefetch templates, valid by the schema."""

import pytest

from cdshooks import schemas

from . import ehr

pytestmark = pytest.mark.django_db


def test_discovery_lists_both_services_with_their_prefetch(client, ehr_client):
    response = client.get("/cds-services", **ehr.auth_header(ehr.service_url()))

    assert response.status_code == 200
    body = response.json()
    assert schemas.first_error("discovery", body) is None
    services = {service["id"]: service for service in body["services"]}
    assert services["upright-imaging"]["hook"] == "order-select"
    assert "order-sign" in services["upright-imaging"]["description"]
    assert services["upright-episode"]["hook"] == "patient-view"
    for service in services.values():
        assert service["prefetch"] == {"patient": "Patient/{{context.patientId}}"}


def test_discovery_is_outside_the_staff_sign_in(client, ehr_client):
    response = client.get("/cds-services", **ehr.auth_header(ehr.service_url()))

    assert response.status_code == 200  # not a redirect to /accounts/login/


def test_discovery_answers_only_get(client, ehr_client):
    response = client.post("/cds-services", {}, **ehr.auth_header(ehr.service_url()))

    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert response.json()["error"] == "method_not_allowed"
