"""upright-episode (patient-view): the current episode's stored plan, read from the snapshot."""

import pytest

from cdshooks import schemas
from cdshooks.models import IssuedCard
from tests.factories import (
    CarePlanFactory,
    EscalationFactory,
    RecommendationFactory,
    UrgentEncounterFactory,
    make_conservative_episode,
)
from triage.models import Recommendation

from . import ehr

pytestmark = pytest.mark.django_db


def _cards(response) -> list[dict]:
    assert response.status_code == 200, response.content
    body = response.json()
    assert schemas.first_error("response", body) is None
    return body["cards"]


def test_the_stored_plan_comes_back_as_cards_after_the_status(call):
    episode = make_conservative_episode()
    stored = list(episode.care_plan.recommendations.order_by("position"))

    status, *plan = _cards(call("upright-episode", ehr.patient_view(episode.patient.mrn)))

    assert status["summary"].startswith("Upright: neck and upper-back pain episode since")
    assert "active" in status["summary"]
    assert "Next follow-up visit due" in status["detail"]
    assert "uuid" not in status
    assert [card["source"]["topic"]["code"] for card in plan] == [item.code for item in stored]
    assert [card["summary"] for card in plan] == [item.summary for item in stored]
    assert IssuedCard.objects.filter(service="upright-episode").count() == len(stored)


def test_cards_are_read_from_the_snapshot_never_re_run(call):
    episode = make_conservative_episode()
    first = episode.care_plan.recommendations.order_by("position").first()
    Recommendation.objects.filter(pk=first.pk).update(summary="The wording as it was shown.")

    _, card, *_ = _cards(call("upright-episode", ehr.patient_view(episode.patient.mrn)))

    assert card["summary"] == "The wording as it was shown."


def test_an_open_escalation_comes_first(call):
    encounter = UrgentEncounterFactory(episode_status="escalated")
    plan = CarePlanFactory(encounter=encounter, red_flags=["fever"])
    RecommendationFactory(
        care_plan=plan, code="URGENT_EVALUATION", indicator="critical", category="urgent"
    )
    RecommendationFactory(
        care_plan=plan, code="INFECTION_WORKUP", indicator="critical", category="urgent"
    )
    EscalationFactory(encounter=encounter)

    cards = _cards(call("upright-episode", ehr.patient_view(encounter.patient.mrn)))

    assert [card["indicator"] for card in cards] == ["critical", "critical", "critical"]
    assert [card.get("source", {}).get("topic", {}).get("code") for card in cards] == [
        "URGENT_EVALUATION",
        "INFECTION_WORKUP",
        None,
    ]
    assert "escalated" in cards[2]["summary"]


def test_unknown_patient_gets_an_empty_list(call):
    assert _cards(call("upright-episode", ehr.patient_view("NOBODY-1"))) == []


def test_a_call_runs_a_fixed_number_of_queries(call, django_assert_num_queries):
    encounter = UrgentEncounterFactory(episode_status="escalated")
    plan = CarePlanFactory(encounter=encounter, red_flags=["fever"])
    RecommendationFactory(
        care_plan=plan, code="URGENT_EVALUATION", indicator="critical", category="urgent"
    )
    EscalationFactory(encounter=encounter)
    episode = make_conservative_episode()
    call("upright-episode", ehr.patient_view(episode.patient.mrn))  # the minute's token purge

    # client, token (savepoint, insert, release), patient, encounter with its plan, the plan's
    # recommendations, escalations, follow-ups with their visits, the cards sent (insert).
    for mrn in (episode.patient.mrn, encounter.patient.mrn):
        with django_assert_num_queries(10):
            response = call("upright-episode", ehr.patient_view(mrn))
        assert response.status_code == 200
        assert response.json()["cards"]
