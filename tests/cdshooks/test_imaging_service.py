"""upright-imaging, called as an EHR would: signed JWT, order-select with the Patient prefetched."""

import pytest

from cdshooks import schemas
from cdshooks.cards import PLAN_DEFINITION_PATH
from cdshooks.models import IssuedCard
from tests.factories import (
    CarePlanFactory,
    EscalationFactory,
    PatientFactory,
    RecommendationFactory,
    UrgentEncounterFactory,
    make_conservative_episode,
)
from triage.guideline import RULESET_VERSION

from . import ehr

pytestmark = pytest.mark.django_db


def _cards(response) -> list[dict]:
    assert response.status_code == 200, response.content
    body = response.json()
    assert schemas.first_error("response", body) is None
    return body["cards"]


def test_cervical_mri_without_red_flags_gets_the_no_routine_imaging_card(call):
    episode = make_conservative_episode()
    request = ehr.order_select(episode.patient.mrn, ehr.CERVICAL_MRI)
    assert schemas.first_error("request", request) is None

    (card,) = _cards(call("upright-imaging", request))

    assert card["indicator"] == "info"
    assert card["source"]["topic"]["code"] == "NO_ROUTINE_IMAGING"
    assert "imaging" in card["summary"] or "scan" in card["summary"]
    assert len(card["summary"]) < 140
    assert "ACR Appropriateness Criteria 2024" in card["source"]["label"]
    assert card["source"]["url"] == ehr.BASE + PLAN_DEFINITION_PATH
    assert {reason["code"] for reason in card["overrideReasons"]} >= {
        "patient_declines",
        "clinical_judgement",
    }
    (suggestion,) = card["suggestions"]
    assert suggestion["uuid"]
    assert suggestion["actions"] == [
        {
            "type": "delete",
            "description": "Remove the draft order: MR Cervical spine",
            "resourceId": "ServiceRequest/order-1",
        }
    ]
    issued = IssuedCard.objects.get()
    assert (str(issued.uuid), issued.code, issued.ruleset, issued.hook) == (
        card["uuid"],
        "NO_ROUTINE_IMAGING",
        RULESET_VERSION,
        "order-select",
    )


def test_order_sign_and_a_snomed_thoracic_x_ray_are_watched_too(call):
    episode = make_conservative_episode()
    request = ehr.order_select(episode.patient.mrn, ehr.THORACIC_XR_SNOMED, hook="order-sign")

    (card,) = _cards(call("upright-imaging", request))

    assert card["source"]["topic"]["code"] == "NO_ROUTINE_IMAGING"


def test_order_select_looks_only_at_the_selected_orders(call):
    episode = make_conservative_episode()
    request = ehr.order_select(episode.patient.mrn, ehr.LUMBAR_MRI, ehr.CERVICAL_MRI)
    request["context"]["selections"] = ["ServiceRequest/order-1"]  # the lumbar MRI only

    assert _cards(call("upright-imaging", request)) == []


def test_lumbar_imaging_gets_no_card(call):
    episode = make_conservative_episode()

    assert (
        _cards(call("upright-imaging", ehr.order_select(episode.patient.mrn, ehr.LUMBAR_MRI))) == []
    )


def test_red_flags_recorded_give_the_escalations_critical_card_instead(call):
    encounter = UrgentEncounterFactory()
    plan = CarePlanFactory(encounter=encounter, red_flags=["fever"], ruleset="2026.11-1")
    RecommendationFactory(
        care_plan=plan,
        code="URGENT_EVALUATION",
        indicator="critical",
        category="urgent",
        summary="Red flags found: a clinician should assess today.",
        sources=["S1", "S2"],
        ruleset="2026.11-1",
    )
    EscalationFactory(encounter=encounter)

    (card,) = _cards(call("upright-imaging", ehr.order_select(encounter.patient.mrn)))

    assert card["indicator"] == "critical"
    assert card["summary"] == "Red flags found: a clinician should assess today."
    assert card["source"]["topic"]["code"] == "URGENT_EVALUATION"
    assert "open until a clinician records the outcome" in card["detail"]
    assert "suggestions" not in card


def test_unknown_patient_gets_an_empty_list(call):
    make_conservative_episode()

    assert _cards(call("upright-imaging", ehr.order_select("NOT-HERE-1"))) == []
    assert not IssuedCard.objects.exists()


def test_a_patient_without_an_episode_gets_an_empty_list(call):
    patient = PatientFactory()

    assert _cards(call("upright-imaging", ehr.order_select(patient.mrn))) == []


def test_a_voided_episode_does_not_count(call):
    episode = make_conservative_episode()
    episode.voided_at, episode.void_reason = episode.occurred_at, "Wrong patient"
    episode.save()

    assert _cards(call("upright-imaging", ehr.order_select(episode.patient.mrn))) == []


def test_without_prefetch_nothing_is_fetched_and_the_patient_is_unknown(call):
    episode = make_conservative_episode()
    request = ehr.order_select(None, fhir_id=episode.patient.mrn)

    assert _cards(call("upright-imaging", request)) == []


def test_patient_id_is_the_record_number_when_the_client_says_so(call, ehr_client):
    ehr_client.patient_id_is_record_number = True
    ehr_client.save()
    episode = make_conservative_episode()
    request = ehr.order_select(None, fhir_id=episode.patient.mrn.lower())

    (card,) = _cards(call("upright-imaging", request))

    assert card["source"]["topic"]["code"] == "NO_ROUTINE_IMAGING"


def test_an_identifier_under_another_system_is_not_a_record_number(call):
    episode = make_conservative_episode()
    request = ehr.order_select(episode.patient.mrn)
    for identifier in request["prefetch"]["patient"]["identifier"]:
        identifier["system"] = "https://elsewhere.example.org/ids"

    assert _cards(call("upright-imaging", request)) == []


def test_a_prefetched_patient_that_is_not_the_context_patient_is_ignored(call):
    episode = make_conservative_episode()
    request = ehr.order_select(episode.patient.mrn)
    request["prefetch"]["patient"]["id"] = "somebody-else"

    assert _cards(call("upright-imaging", request)) == []
