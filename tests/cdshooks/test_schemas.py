"""The CDS Hooks 2.0 schemas: valid schemas, the specification's own examples pass, faults fail."""

import pytest

from cdshooks import schemas

SPEC_DISCOVERY = {
    "services": [
        {
            "hook": "patient-view",
            "title": "Static CDS Service Example",
            "description": "An example of a CDS Service that returns a static set of cards",
            "id": "static-patient-greeter",
            "prefetch": {"patientToGreet": "Patient/{{context.patientId}}"},
        }
    ]
}
SPEC_RESPONSE = {
    "cards": [
        {
            "uuid": "4e0a3a1e-3283-4575-ab82-028d55fe2719",
            "summary": "Example Card",
            "indicator": "info",
            "detail": "This is an example card.",
            "source": {"label": "Static CDS Service Example", "url": "https://example.com"},
            "links": [{"label": "Google", "url": "https://google.com", "type": "absolute"}],
        },
        {
            "summary": "Another card",
            "indicator": "warning",
            "source": {"label": "Static CDS Service Example"},
            "overrideReasons": [
                {
                    "code": "12354",
                    "system": "http://example.org/reasons",
                    "display": "Contraindicated",
                }
            ],
        },
    ]
}
SPEC_REQUEST = {
    "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
    "fhirServer": "http://hooks.smarthealthit.org:9080",
    "hook": "patient-view",
    "fhirAuthorization": {
        "access_token": "some-opaque-fhir-access-token",
        "token_type": "Bearer",
        "expires_in": 300,
        "scope": "patient/Patient.read patient/Observation.read",
        "subject": "cds-service4",
    },
    "context": {"userId": "Practitioner/example", "patientId": "1288992", "encounterId": "89284"},
    "prefetch": {"patientToGreet": {"resourceType": "Patient", "id": "1288992"}},
}
SPEC_FEEDBACK = {
    "feedback": [
        {
            "card": "9368d37b-283f-44a0-93ea-547cebab93ed",
            "outcome": "overridden",
            "overrideReason": {
                "reason": {"code": "d7ecf885", "system": "https://example.com/override"},
                "userComment": "A comment entered by the clinician.",
            },
            "outcomeTimestamp": "2020-12-11T00:00:00Z",
        }
    ]
}


@pytest.mark.parametrize("name", ["common", "discovery", "request", "response", "feedback"])
def test_each_schema_is_a_valid_2020_12_schema(name):
    schemas.validator(name).check_schema(schemas.validator(name).schema)


@pytest.mark.parametrize(
    ("name", "document"),
    [
        ("discovery", SPEC_DISCOVERY),
        ("response", SPEC_RESPONSE),
        ("response", {"cards": []}),
        ("request", SPEC_REQUEST),
        ("feedback", SPEC_FEEDBACK),
    ],
)
def test_the_specifications_examples_are_valid(name, document):
    assert schemas.first_error(name, document) is None


def _card(**changes):
    return {"summary": "S", "indicator": "info", "source": {"label": "L"}} | changes


@pytest.mark.parametrize(
    ("name", "document", "where"),
    [
        ("discovery", {"services": [{"hook": "patient-view", "id": "x"}]}, "services/0"),
        ("response", {"cards": [_card(summary="x" * 140)]}, "cards/0/summary"),
        ("response", {"cards": [_card(indicator="hard-stop")]}, "cards/0/indicator"),
        ("response", {"cards": [_card(source={})]}, "cards/0/source"),
        (
            "response",
            {"cards": [_card(suggestions=[{"label": "Do it"}])]},
            "cards/0",
        ),
        (
            "response",
            {"cards": [_card(overrideReasons=[{"code": "c", "system": "s"}])]},
            "cards/0/overrideReasons/0",
        ),
        ("response", {"cards": [_card(uuid="")]}, "cards/0/uuid"),
        ("request", SPEC_REQUEST | {"fhirServer": None}, "fhirServer"),
        # fhirAuthorization without the fhirServer it is for
        ("request", {k: v for k, v in SPEC_REQUEST.items() if k != "fhirServer"}, ""),
        ("feedback", {"feedback": []}, "feedback"),
        ("feedback", {"feedback": [SPEC_FEEDBACK["feedback"][0] | {"outcome": "ignored"}]}, ""),
    ],
)
def test_faults_are_caught(name, document, where):
    problem = schemas.first_error(name, document)

    assert problem is not None
    assert problem.startswith(where or "")
