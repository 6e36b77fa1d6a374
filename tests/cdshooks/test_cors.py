"""CORS: configured origins may call /cds-services from a browser; nothing else gets the headers."""

import pytest

from . import ehr

pytestmark = pytest.mark.django_db

ALLOWED = "https://ehr-web.example.org"


@pytest.fixture(autouse=True)
def _allowed_origin(settings):
    settings.CORS_ALLOWED_ORIGINS = [ALLOWED]


def _preflight(client, path, origin):
    return client.options(
        path,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type",
    )


def test_a_configured_origin_may_call_a_service(client):
    response = _preflight(client, "/cds-services/upright-imaging", ALLOWED)

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == ALLOWED
    assert "authorization" in response["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in response


def test_the_answer_itself_carries_the_header(client, ehr_client):
    response = client.get(
        "/cds-services", HTTP_ORIGIN=ALLOWED, **ehr.auth_header(ehr.service_url())
    )

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == ALLOWED


def test_another_origin_gets_no_cors_headers(client):
    response = _preflight(client, "/cds-services/upright-imaging", "https://evil.example.com")

    assert "Access-Control-Allow-Origin" not in response


def test_staff_pages_never_get_cors_headers(client):
    response = _preflight(client, "/patients/", ALLOWED)

    assert "Access-Control-Allow-Origin" not in response
