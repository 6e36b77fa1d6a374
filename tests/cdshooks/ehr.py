"""A pretend EHR for the tests: its own signing key, its JWKS, and realistic hook requests."""

from __future__ import annotations

import json
import time
import uuid
from functools import cache

import jwt
from cryptography.hazmat.primitives.asymmetric import ec

BASE = "http://testserver"
ISSUER = "https://ehr.example.org/"
KID = "ehr-signing-key-1"


@cache
def private_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP384R1())


def public_jwks(kid: str = KID, key: ec.EllipticCurvePrivateKey | None = None) -> dict:
    """The EHR's public key as a JWK Set, as an administrator pastes it into the admin."""
    jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk((key or private_key()).public_key()))
    return {"keys": [{**jwk, "kid": kid, "use": "sig", "alg": "ES384"}]}


def token(audience: str, *, key=None, kid: str = KID, algorithm: str = "ES384", **claims) -> str:
    """A signed CDS Hooks JWT for one call; claims given as None are left out."""
    now = int(time.time())
    payload = {
        "iss": ISSUER,
        "sub": "ehr-client",
        "aud": audience,
        "iat": now,
        "exp": now + 120,
        "jti": str(uuid.uuid4()),
    } | claims
    payload = {name: value for name, value in payload.items() if value is not None}
    return jwt.encode(
        payload, key or private_key(), algorithm=algorithm, headers={"kid": kid, "typ": "JWT"}
    )


def service_url(service_id: str = "") -> str:
    return f"{BASE}/cds-services{f'/{service_id}' if service_id else ''}"


def auth_header(audience: str, **claims) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token(audience, **claims)}"}


def patient_resource(record_number: str, *, fhir_id: str = "ehr-patient-77") -> dict:
    return {
        "resourceType": "Patient",
        "id": fhir_id,
        "identifier": [
            {"system": "https://ehr.example.org/fhir/sid/internal", "value": "E-554433"},
            {"system": "https://clinic.example.org/upright/mrn", "value": record_number},
        ],
        "name": [{"family": "Okafor", "given": ["Chidi"]}],
        "birthDate": "1978-04-02",
    }


def service_request(order_id: str, *, system: str, code: str, display: str) -> dict:
    return {
        "resourceType": "ServiceRequest",
        "id": order_id,
        "status": "draft",
        "intent": "order",
        "code": {"coding": [{"system": system, "code": code, "display": display}]},
        "subject": {"reference": "Patient/ehr-patient-77"},
    }


CERVICAL_MRI = ("http://loinc.org", "24935-9", "MR Cervical spine")
LUMBAR_MRI = ("http://loinc.org", "24968-0", "MR Lumbar spine")
THORACIC_XR_SNOMED = (
    "http://snomed.info/sct",
    "1290654008",
    "Plain X-ray of thoracic vertebral column region",
)


def order_select(
    record_number: str | None,
    *orders: tuple[str, str, str],
    hook: str = "order-select",
    fhir_id: str = "ehr-patient-77",
) -> dict:
    """An order-select (or order-sign) request with the Patient prefetched."""
    draft = [
        service_request(f"order-{index}", system=system, code=code, display=display)
        for index, (system, code, display) in enumerate(orders or (CERVICAL_MRI,), start=1)
    ]
    context = {
        "userId": "Practitioner/dr-ade",
        "patientId": fhir_id,
        "encounterId": "enc-2026-11-30",
        "draftOrders": {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [{"resource": order} for order in draft],
        },
    }
    if hook == "order-select":
        context["selections"] = [f"ServiceRequest/{order['id']}" for order in draft]
    request = {
        "hook": hook,
        "hookInstance": str(uuid.uuid4()),
        "fhirServer": "https://ehr.example.org/fhir",
        "context": context,
    }
    if record_number is not None:
        request["prefetch"] = {"patient": patient_resource(record_number, fhir_id=fhir_id)}
    return request


def patient_view(record_number: str | None, *, fhir_id: str = "ehr-patient-77") -> dict:
    request = {
        "hook": "patient-view",
        "hookInstance": str(uuid.uuid4()),
        "context": {"userId": "Practitioner/dr-ade", "patientId": fhir_id},
    }
    if record_number is not None:
        request["prefetch"] = {"patient": patient_resource(record_number, fhir_id=fhir_id)}
    return request
