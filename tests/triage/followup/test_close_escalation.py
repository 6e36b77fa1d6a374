"""Closing an escalation: who, when, what; the episode's status; what it needs next."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import EscalationFactory, UserFactory
from triage.followup import services
from triage.models import EpisodeStatus, Escalation, EscalationOutcome

pytestmark = pytest.mark.django_db


def _close(escalation, **changes):
    args = {
        "escalation": escalation,
        "outcome": EscalationOutcome.SERIOUS_CAUSE_EXCLUDED,
        "note": "Examined; no serious cause.",
        "user": UserFactory(),
        "now": timezone.now(),
    }
    return services.close_escalation(**(args | changes))


def test_it_keeps_the_episode_escalated_while_another_is_open():
    first = EscalationFactory()
    encounter = first.encounter
    encounter.episode_status = EpisodeStatus.ESCALATED
    encounter.save()
    second = EscalationFactory(encounter=encounter, red_flags=["unexplained_weight_loss"])

    closed = _close(first)

    encounter.refresh_from_db()
    assert encounter.episode_status == EpisodeStatus.ESCALATED
    assert closed.episode_still_escalated is True
    assert closed.next_step == ""
    assert list(encounter.escalations.open()) == [second]


def test_closing_the_last_one_of_an_urgent_intake_says_a_new_intake_is_needed():
    escalation = EscalationFactory()

    closed = _close(escalation)

    assert closed.episode_still_escalated is False
    assert "no conservative care plan" in closed.next_step
    assert "start a new intake" in closed.next_step
    escalation.encounter.refresh_from_db()
    assert escalation.encounter.episode_status == EpisodeStatus.ACTIVE


def test_it_needs_a_note():
    escalation = EscalationFactory()

    with pytest.raises(ValueError, match="needs a note"):
        _close(escalation, note="   ")

    escalation.refresh_from_db()
    assert escalation.is_open


def test_the_page_shows_the_next_step_after_closing(clinician_client):
    escalation = EscalationFactory()

    response = clinician_client.post(
        reverse("triage:escalation_close", args=[escalation.pk]),
        {"outcome": "serious_cause_excluded", "note": "Normal MRI."},
        follow=True,
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "The escalation&#x27;s outcome was recorded." in page
    assert "start a new intake from this chart" in page


def test_a_second_clinician_closing_it_sees_the_first_outcome_and_changes_nothing(
    clinician_client,
):
    escalation = EscalationFactory()
    first = UserFactory(username="dr-first")
    _close(escalation, user=first, note="Referred to spine clinic.")

    response = clinician_client.post(
        reverse("triage:escalation_close", args=[escalation.pk]),
        {"outcome": "other", "note": "Something else."},
    )

    assert response.status_code == 200
    assert "Referred to spine clinic." in response.content.decode()
    escalation = Escalation.objects.get(pk=escalation.pk)
    assert (escalation.closed_by, escalation.outcome_note) == (first, "Referred to spine clinic.")


def test_the_closing_is_audited_with_who_closed_it():
    escalation = EscalationFactory()
    clinician = UserFactory(username="dr-audit")
    when = timezone.now() - datetime.timedelta(minutes=5)

    _close(escalation, user=clinician, now=when)

    latest = escalation.history.latest()
    assert (latest.closed_by, latest.closed_at) == (clinician, when)
