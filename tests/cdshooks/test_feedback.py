"""POST /cds-services/{id}/feedback: each card's outcome, the override reason and time are kept."""

import datetime
import uuid

import pytest

from cdshooks import schemas
from cdshooks.cards import OVERRIDE_REASON_SYSTEM
from cdshooks.models import CardFeedback, EhrClient
from tests.factories import make_conservative_episode

from . import ehr

pytestmark = pytest.mark.django_db


@pytest.fixture
def card(call):
    episode = make_conservative_episode()
    response = call("upright-imaging", ehr.order_select(episode.patient.mrn))
    return response.json()["cards"][0]


def _feedback(*entries) -> dict:
    body = {"feedback": list(entries)}
    assert schemas.first_error("feedback", body) is None
    return body


def test_an_override_with_a_reason_is_stored(call, card):
    body = _feedback(
        {
            "card": card["uuid"],
            "outcome": "overridden",
            "overrideReason": {
                "reason": {
                    "code": "patient_declines",
                    "system": OVERRIDE_REASON_SYSTEM,
                    "display": "Patient declines",
                },
                "userComment": "Wants reassurance from a scan.",
            },
            "outcomeTimestamp": "2026-11-30T09:12:00Z",
        }
    )

    response = call("upright-imaging", body, path_suffix="/feedback")

    assert response.status_code == 200
    stored = CardFeedback.objects.select_related("card").get()
    assert str(stored.card.uuid) == card["uuid"]
    assert (stored.outcome, stored.reason_code, stored.user_comment) == (
        "overridden",
        "patient_declines",
        "Wants reassurance from a scan.",
    )
    assert stored.outcome_at == datetime.datetime(2026, 11, 30, 9, 12, tzinfo=datetime.UTC)


def test_an_accepted_suggestion_is_stored(call, card):
    body = _feedback(
        {
            "card": card["uuid"],
            "outcome": "accepted",
            "acceptedSuggestions": [{"id": card["suggestions"][0]["uuid"]}],
            "outcomeTimestamp": "2026-11-30T09:12:00+01:00",
        }
    )

    assert call("upright-imaging", body, path_suffix="/feedback").status_code == 200
    assert CardFeedback.objects.get().outcome == "accepted"


def test_the_token_may_name_the_service_as_its_audience(client, card):
    body = _feedback(
        {"card": card["uuid"], "outcome": "overridden", "outcomeTimestamp": "2026-11-30T09:00:00Z"}
    )

    response = client.post(
        "/cds-services/upright-imaging/feedback",
        body,
        content_type="application/json",
        **ehr.auth_header(ehr.service_url("upright-imaging")),
    )

    assert response.status_code == 200


def test_an_unknown_card_stores_nothing(call, card):
    body = _feedback(
        {"card": card["uuid"], "outcome": "overridden", "outcomeTimestamp": "2026-11-30T09:00:00Z"},
        {
            "card": str(uuid.uuid4()),
            "outcome": "overridden",
            "outcomeTimestamp": "2026-11-30T09:00Z",
        },
    )

    response = call("upright-imaging", body, path_suffix="/feedback")

    assert response.status_code == 400
    assert response.json()["error"] == "unknown_card"
    assert not CardFeedback.objects.exists()


def test_a_card_of_another_service_is_unknown_here(call, card):
    body = _feedback(
        {"card": card["uuid"], "outcome": "overridden", "outcomeTimestamp": "2026-11-30T09:00:00Z"}
    )

    response = call("upright-episode", body, path_suffix="/feedback")

    assert response.status_code == 400
    assert not CardFeedback.objects.exists()


def test_a_card_sent_to_another_ehr_is_unknown_to_this_one(client, card):
    other_key = ehr.ec.generate_private_key(ehr.ec.SECP384R1())
    EhrClient.objects.create(
        name="Other EHR", issuer="https://other.example.org/", jwks=ehr.public_jwks(key=other_key)
    )
    body = _feedback(
        {"card": card["uuid"], "outcome": "overridden", "outcomeTimestamp": "2026-11-30T09:00:00Z"}
    )
    token = ehr.token(
        ehr.service_url("upright-imaging") + "/feedback",
        key=other_key,
        iss="https://other.example.org/",
    )

    response = client.post(
        "/cds-services/upright-imaging/feedback",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )

    assert response.status_code == 400
    assert not CardFeedback.objects.exists()


@pytest.mark.parametrize("timestamp", ["yesterday", "2026-11-30T09:00:00", "2026-13-40T00:00:00Z"])
def test_a_timestamp_without_a_zone_or_unreadable_is_refused(call, card, timestamp):
    body = {
        "feedback": [{"card": card["uuid"], "outcome": "overridden", "outcomeTimestamp": timestamp}]
    }

    response = call("upright-imaging", body, path_suffix="/feedback")

    assert response.status_code == 400
    assert not CardFeedback.objects.exists()


def test_accepted_without_the_suggestion_breaks_the_schema(call, card):
    body = {
        "feedback": [
            {"card": card["uuid"], "outcome": "accepted", "outcomeTimestamp": "2026-11-30T09:00Z"}
        ]
    }

    response = call("upright-imaging", body, path_suffix="/feedback")

    assert response.status_code == 400
    assert "acceptedSuggestions" in response.json()["message"]
