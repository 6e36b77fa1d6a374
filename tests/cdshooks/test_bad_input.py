"""Bad requests get a JSON error with the right 4xx status, logged without patient data; no 500."""

import json
import logging

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import make_conservative_episode

from . import ehr

pytestmark = pytest.mark.django_db

IDENTIFYING_MRN = "MRN-IDENT-42"


def _error(response, status: int, code: str) -> str:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] == code
    return response.json()["message"]


def test_malformed_json(call):
    _error(call("upright-imaging", b'{"hook": "order-select",'), 400, "malformed_json")


def test_json_that_is_not_an_object(call):
    _error(call("upright-imaging", b"[1, 2, 3]"), 400, "invalid_request")


def test_deeply_nested_json(call):
    _error(call("upright-imaging", b"[" * 100_000 + b"]" * 100_000), 400, "malformed_json")


def test_wrong_hook_for_the_service(call):
    message = _error(call("upright-imaging", ehr.patient_view("X-1")), 400, "wrong_hook")

    assert "order-select and order-sign" in message


def test_a_hook_nobody_answers(call):
    request = ehr.patient_view("X-1") | {"hook": "appointment-book"}

    _error(call("upright-episode", request), 400, "wrong_hook")


@pytest.mark.parametrize("field", ["patientId", "userId", "draftOrders", "selections"])
def test_a_missing_context_field(call, field):
    request = ehr.order_select("X-1")
    del request["context"][field]

    message = _error(call("upright-imaging", request), 400, "invalid_request")

    assert message == f"context: '{field}' is a required property"


@pytest.mark.parametrize("field", ["hook", "hookInstance", "context"])
def test_a_missing_request_field(call, field):
    request = ehr.order_select("X-1")
    del request[field]

    _error(call("upright-imaging", request), 400, "invalid_request")


def test_unknown_service(call):
    _error(call("no-such-service", ehr.order_select("X-1")), 404, "unknown_service")


def test_anything_else_under_cds_services_is_a_json_404(client):
    _error(client.get("/cds-services/upright-imaging/extra/parts"), 404, "not_found")


def test_a_service_answers_only_post(client, ehr_client):
    response = client.get(
        "/cds-services/upright-imaging", **ehr.auth_header(ehr.service_url("upright-imaging"))
    )

    _error(response, 405, "method_not_allowed")
    assert response["Allow"] == "POST"


def test_a_body_over_the_limit(call, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    _error(call("upright-imaging", ehr.order_select("X" * 2000)), 413, "too_large")


def test_refusals_are_logged_without_patient_identifiers(call, caplog):
    request = ehr.order_select(IDENTIFYING_MRN)
    request["context"]["patientId"] = IDENTIFYING_MRN
    request["context"]["selections"] = [IDENTIFYING_MRN, 7]

    with caplog.at_level(logging.DEBUG):
        _error(call("upright-imaging", request), 400, "invalid_request")
        _error(call("upright-imaging", ehr.patient_view(IDENTIFYING_MRN)), 400, "wrong_hook")
        _error(call("upright-imaging", request, aud=IDENTIFYING_MRN), 401, "unauthorized")

    assert caplog.records, "refusals must be logged"
    assert IDENTIFYING_MRN not in caplog.text


def test_a_normal_call_logs_no_patient_identifier(call, caplog):
    episode = make_conservative_episode()

    with caplog.at_level(logging.DEBUG):
        response = call("upright-imaging", ehr.order_select(episode.patient.mrn))

    assert response.status_code == 200
    assert episode.patient.mrn not in caplog.text


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)
_context_value = st.sampled_from(["X-1", "", "ServiceRequest/order-1"]) | _json
_request = st.fixed_dictionaries(
    {},
    optional={
        "hook": st.sampled_from(["order-select", "order-sign", "patient-view"]) | _json,
        "hookInstance": st.uuids().map(str) | _json,
        "context": st.dictionaries(
            st.sampled_from(["userId", "patientId", "selections", "draftOrders", "encounterId"]),
            _context_value,
        )
        | _json,
        "prefetch": st.dictionaries(st.sampled_from(["patient"]), _json) | _json,
    },
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=_request | _json, service=st.sampled_from(["upright-imaging", "upright-episode"]))
def test_fuzzed_requests_never_cause_a_server_error(call, body, service):
    response = call(service, body)

    assert response.status_code in (200, 400)
    assert response["Content-Type"] == "application/json"
    if response.status_code == 200:
        assert isinstance(response.json()["cards"], list)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=st.binary(max_size=64) | st.text(max_size=64).map(lambda text: text.encode()))
def test_fuzzed_bytes_never_cause_a_server_error(call, body):
    for service, suffix in (("upright-imaging", ""), ("upright-imaging", "/feedback")):
        response = call(service, body, path_suffix=suffix)
        assert response.status_code == 400
        assert response["Content-Type"] == "application/json"


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.fixed_dictionaries(
        {},
        optional={
            "feedback": st.lists(
                st.fixed_dictionaries(
                    {},
                    optional={
                        "card": st.uuids().map(str) | _json,
                        "outcome": st.sampled_from(["accepted", "overridden"]) | _json,
                        "outcomeTimestamp": st.sampled_from(["2026-11-30T09:00:00Z"]) | _json,
                        "overrideReason": _json,
                        "acceptedSuggestions": _json,
                    },
                ),
                max_size=3,
            )
            | _json
        },
    )
)
def test_fuzzed_feedback_never_causes_a_server_error(call, body):
    response = call("upright-imaging", body, path_suffix="/feedback")

    assert response.status_code == 400  # no card was ever sent, so none can be named
    assert response["Content-Type"] == "application/json"


def test_the_json_error_body_is_exactly_code_and_message(call):
    response = call("upright-imaging", b"{")

    assert json.loads(response.content) == {
        "error": "malformed_json",
        "message": "the body is not valid JSON",
    }
