"""Both services read the newest stored plan of the current episode: once a clinician excluded
serious disease and made the conservative plan, that plan; the escalation's critical card only
while the escalation is open."""

import datetime

import pytest
from django.utils import timezone

from cdshooks import schemas
from cdshooks.models import IssuedCard
from tests.factories import make_red_flag_episode, visit_findings
from triage.followup.services import close_escalation, make_conservative_plan, record_visit
from triage.review.services import void_encounter

from . import ehr

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def _cards(response) -> list[dict]:
    assert response.status_code == 200, response.content
    body = response.json()
    assert schemas.first_error("response", body) is None
    return body["cards"]


def _codes(cards) -> list[str | None]:
    return [card.get("source", {}).get("topic", {}).get("code") for card in cards]


def _episode(call, encounter) -> list[dict]:
    return _cards(call("upright-episode", ehr.patient_view(encounter.patient.mrn)))


def _imaging(call, encounter) -> list[dict]:
    return _cards(call("upright-imaging", ehr.order_select(encounter.patient.mrn)))


@pytest.fixture
def emergency():
    """An emergency intake three days ago (worsening weakness): its escalation is open."""
    return make_red_flag_episode(
        occurred_at=timezone.now() - 3 * DAY, progressive_neuro_deficit=True
    )


def _close(encounter, clinician, outcome="serious_cause_excluded"):
    close_escalation(
        escalation=encounter.escalations.get(),
        outcome=outcome,
        note="MRI of the spine normal.",
        user=clinician,
        now=timezone.now(),
    )


def _continued(encounter, clinician):
    _close(encounter, clinician)
    return make_conservative_plan(encounter=encounter, user=clinician, now=timezone.now())


def test_while_the_escalation_is_open_its_card_comes_first(call, emergency):
    cards = _episode(call, emergency)

    assert _codes(cards) == ["EMERGENCY_REFERRAL", None]
    assert cards[0]["indicator"] == "critical"
    assert "it is open until a clinician records the outcome" in cards[0]["detail"]
    (imaging,) = _imaging(call, emergency)
    assert (imaging["indicator"], _codes([imaging])) == ("critical", ["EMERGENCY_REFERRAL"])


def test_once_cleared_the_conservative_plans_cards_come_back(call, clinician, emergency):
    continued = _continued(emergency, clinician)
    stored = list(continued.care_plan.recommendations.order_by("position"))

    status, *plan = _episode(call, emergency)

    assert _codes(plan) == [item.code for item in stored]
    assert "EXERCISE_THERAPY" in _codes(plan)
    assert "critical" not in [card["indicator"] for card in (status, *plan)]
    # The episode began with the emergency intake; the plan is the one made after it.
    started = timezone.localdate(emergency.occurred_at).strftime("%-d %b %Y")
    assert (
        status["summary"] == f"Upright: neck and upper-back pain episode since {started}, active."
    )
    assert "Pathway: conservative." in status["detail"]
    assert "closed on" in status["detail"]
    assert "serious cause excluded" in status["detail"]
    assert "this is the conservative plan made on" in status["detail"]
    assert "Next follow-up visit due" in status["detail"]


def test_once_cleared_imaging_gets_the_no_routine_imaging_card(call, clinician, emergency):
    _continued(emergency, clinician)

    (card,) = _imaging(call, emergency)

    assert (card["indicator"], _codes([card])) == ("info", ["NO_ROUTINE_IMAGING"])
    assert "A clinician excluded serious disease on" in card["detail"]
    assert "Upright's conservative plan of" in card["detail"]
    assert "recorded no red flags" not in card["detail"]


def test_cleared_before_the_conservative_plan_is_made(call, clinician, emergency):
    _close(emergency, clinician)

    (status,) = _episode(call, emergency)
    (card,) = _imaging(call, emergency)

    assert status["indicator"] == "info"
    assert "Pathway: emergency." in status["detail"]
    assert _codes([card]) == ["NO_ROUTINE_IMAGING"]
    assert "the conservative plan has not been made yet" in card["detail"]


def test_closed_without_excluding_serious_disease(call, clinician, emergency):
    _close(emergency, clinician, outcome="referred")

    (status,) = _episode(call, emergency)
    (notice,) = _imaging(call, emergency)

    # The red-flag card only while the escalation is open: no critical card, no plan card.
    assert status["indicator"] == "info"
    assert "closed on" in status["detail"]
    assert "referred to a specialist" in status["detail"]
    # Red flags still count: Upright does not advise against imaging, it says why.
    assert notice["indicator"] == "info"
    assert "uuid" not in notice, "a notice, not advice: no feedback expected"
    assert "Worsening weakness or numbness" in notice["detail"]
    assert "does not advise against imaging" in notice["detail"]
    assert not IssuedCard.objects.filter(service="upright-imaging").exists()


def test_emergency_signs_at_the_conservative_plans_visit_escalate_again(
    call, clinician, nurse, emergency
):
    continued = _continued(emergency, clinician)
    follow_up = continued.follow_ups.order_by("due_date").first()
    record_visit(
        follow_up=follow_up,
        version=follow_up.version,
        findings=visit_findings(timezone.localdate(), cervical_arterial_signs=True),
        user=nurse,
        now=timezone.now(),
    )

    cards = _episode(call, emergency)
    (imaging,) = _imaging(call, emergency)

    assert cards[0]["indicator"] == "critical"
    assert _codes(cards)[0] == "EMERGENCY_REFERRAL"
    assert cards[0]["summary"].startswith("Possible signs of a neck artery problem")
    assert "escalated" in cards[1]["summary"]
    assert imaging["summary"] == cards[0]["summary"]


def test_a_voided_conservative_plan_leaves_the_escalated_plan_current(call, clinician, emergency):
    continued = _continued(emergency, clinician)
    void_encounter(
        encounter=continued, user=clinician, reason="Made by mistake", now=timezone.now()
    )

    (status,) = _episode(call, emergency)

    assert "Pathway: emergency." in status["detail"]
    assert "conservative plan made on" not in status["detail"]


def test_the_query_count_is_the_same_for_a_continued_episode(
    call, clinician, emergency, django_assert_num_queries
):
    _continued(emergency, clinician)
    call("upright-episode", ehr.patient_view(emergency.patient.mrn))  # the minute's token purge

    # As for any episode (test_episode_service): the first intake's escalations are read with
    # the plan's own, and its start with the plan's encounter.
    with django_assert_num_queries(10):
        response = call("upright-episode", ehr.patient_view(emergency.patient.mrn))
    assert response.status_code == 200
