"""Only a registered EHR's valid token opens the services: anything else is a JSON 401."""

import datetime
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from django.utils import timezone

from cdshooks import services
from cdshooks.auth import MAX_LIFETIME_SECONDS
from cdshooks.models import EhrClient, IssuedCard, UsedToken
from tests.factories import make_conservative_episode

from . import ehr

pytestmark = pytest.mark.django_db

URL = "/cds-services/upright-imaging"
AUDIENCE = ehr.service_url("upright-imaging")


def _post(client, body, **headers):
    return client.post(URL, body, content_type="application/json", **headers)


def _bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _assert_refused(response):
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    assert response.json()["error"] == "unauthorized"
    return response.json()["message"]


@pytest.fixture
def request_body(ehr_client):
    return ehr.order_select(make_conservative_episode().patient.mrn)


def test_a_valid_token_is_accepted(client, request_body):
    response = _post(client, request_body, **_bearer(ehr.token(AUDIENCE)))

    assert response.status_code == 200
    assert len(response.json()["cards"]) == 1


def test_no_token(client, request_body):
    assert "Bearer" in _assert_refused(_post(client, request_body))


def test_not_a_bearer_token(client, request_body):
    _assert_refused(_post(client, request_body, HTTP_AUTHORIZATION="Basic dXNlcjpwdw=="))


def test_garbage_token(client, request_body):
    _assert_refused(_post(client, request_body, **_bearer("not.a.jwt")))


def test_expired_token(client, request_body):
    past = int(time.time()) - 600
    token = ehr.token(AUDIENCE, iat=past, exp=past + 60)

    assert "expired" in _assert_refused(_post(client, request_body, **_bearer(token)))


def test_wrong_audience(client, request_body):
    token = ehr.token(ehr.service_url("upright-episode"))

    assert "audience" in _assert_refused(_post(client, request_body, **_bearer(token)))


def test_audience_is_compared_exactly(client, request_body):
    for near_miss in (AUDIENCE + "/", AUDIENCE.upper(), ehr.service_url()):
        _assert_refused(_post(client, request_body, **_bearer(ehr.token(near_miss))))


def test_audience_may_be_a_list_that_holds_the_endpoint(client, request_body):
    token = ehr.token(["https://other.example.org/cds-services/x", AUDIENCE])

    assert _post(client, request_body, **_bearer(token)).status_code == 200


def test_configured_base_url_is_the_audience(client, request_body, settings):
    settings.CDS_HOOKS_BASE_URL = "https://upright.clinic.example"

    _assert_refused(_post(client, request_body, **_bearer(ehr.token(AUDIENCE))))
    token = ehr.token("https://upright.clinic.example/cds-services/upright-imaging")
    assert _post(client, request_body, **_bearer(token)).status_code == 200


def test_signed_by_another_key(client, request_body):
    stranger = ec.generate_private_key(ec.SECP384R1())

    _assert_refused(_post(client, request_body, **_bearer(ehr.token(AUDIENCE, key=stranger))))


def test_unknown_kid(client, request_body):
    _assert_refused(_post(client, request_body, **_bearer(ehr.token(AUDIENCE, kid="other"))))


def test_unknown_issuer(client, request_body):
    token = ehr.token(AUDIENCE, iss="https://impostor.example.org/")

    assert "issuer" in _assert_refused(_post(client, request_body, **_bearer(token)))


def test_inactive_client(client, request_body, ehr_client):
    EhrClient.objects.filter(pk=ehr_client.pk).update(is_active=False)

    _assert_refused(_post(client, request_body, **_bearer(ehr.token(AUDIENCE))))


def test_wrong_subject(client, request_body):
    token = ehr.token(AUDIENCE, sub="another-client")

    assert "subject" in _assert_refused(_post(client, request_body, **_bearer(token)))


@pytest.mark.parametrize("claim", ["iss", "aud", "exp", "iat", "jti"])
def test_required_claims(client, request_body, claim):
    _assert_refused(_post(client, request_body, **_bearer(ehr.token(AUDIENCE, **{claim: None}))))


def test_a_long_lived_token_is_refused(client, request_body):
    token = ehr.token(AUDIENCE, exp=int(time.time()) + MAX_LIFETIME_SECONDS + 120)

    assert "expire within" in _assert_refused(_post(client, request_body, **_bearer(token)))


def test_a_replayed_token_is_refused(client, request_body):
    token = ehr.token(AUDIENCE)

    assert _post(client, request_body, **_bearer(token)).status_code == 200
    assert "already used" in _assert_refused(_post(client, request_body, **_bearer(token)))
    assert IssuedCard.objects.count() == 1


def test_the_same_jti_from_another_token_is_a_replay_too(client, request_body):
    assert _post(client, request_body, **_bearer(ehr.token(AUDIENCE, jti="n-1"))).status_code == 200

    _assert_refused(_post(client, request_body, **_bearer(ehr.token(AUDIENCE, jti="n-1"))))


def test_a_symmetric_token_is_refused(client, request_body):
    # An attacker who read the public JWKS signs with it as an HMAC secret.
    secret = str(ehr.public_jwks()).encode()
    token = jwt.encode(
        {"iss": ehr.ISSUER, "aud": AUDIENCE, "exp": int(time.time()) + 60, "iat": 0, "jti": "x"},
        secret,
        algorithm="HS256",
        headers={"kid": ehr.KID},
    )

    assert "asymmetric" in _assert_refused(_post(client, request_body, **_bearer(token)))


def test_an_unsigned_token_is_refused(client, request_body):
    token = jwt.encode(
        {"iss": ehr.ISSUER, "aud": AUDIENCE, "exp": int(time.time()) + 60, "iat": 0, "jti": "y"},
        None,
        algorithm="none",
        headers={"kid": ehr.KID},
    )

    _assert_refused(_post(client, request_body, **_bearer(token)))


def test_discovery_needs_a_token_for_its_own_address(client, ehr_client):
    assert client.get("/cds-services").status_code == 401
    wrong = client.get("/cds-services", **ehr.auth_header(AUDIENCE))
    assert wrong.status_code == 401

    response = client.get("/cds-services", **ehr.auth_header(ehr.service_url()))

    assert response.status_code == 200


def test_expired_token_ids_are_forgotten(client, request_body, ehr_client):
    UsedToken.objects.create(
        client=ehr_client, jti="old", expires_at=timezone.now() - datetime.timedelta(hours=1)
    )
    services._last_purge.clear()

    assert _post(client, request_body, **_bearer(ehr.token(AUDIENCE))).status_code == 200
    assert not UsedToken.objects.filter(jti="old").exists()
