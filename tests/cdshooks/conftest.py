"""Fixtures for the CDS Hooks tests: a registered EHR and a way to call the services as it."""

import json

import pytest

from cdshooks.models import EhrClient

from . import ehr


@pytest.fixture
def ehr_client(db):
    return EhrClient.objects.create(
        name="Example EHR",
        issuer=ehr.ISSUER,
        subject="ehr-client",
        jwks=ehr.public_jwks(),
        record_number_system="https://clinic.example.org/upright/mrn",
    )


@pytest.fixture
def call(client, ehr_client):
    """POST a request to a service as the registered EHR; returns the response."""

    def post(service_id: str, body, *, path_suffix: str = "", **claims):
        audience = ehr.service_url(service_id) + path_suffix
        payload = body if isinstance(body, bytes | str) else json.dumps(body)
        return client.post(
            f"/cds-services/{service_id}{path_suffix}",
            payload,
            content_type="application/json",
            **ehr.auth_header(audience, **claims),
        )

    return post
