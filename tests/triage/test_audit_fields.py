"""Who did what is kept on the record: follow-ups created at submit, visits cancelled when an
episode resolves, and an engine refusal that the forms did not foresee."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import PatientFactory, UserFactory, make_conservative_episode, visit_findings
from tests.triage.intake_answers import fill_intake, submit
from triage.followup import services as followup_services
from triage.guideline import FactsError
from triage.intake import services as intake_services
from triage.models import Encounter, FollowUp, FollowUpStatus, IntakeDraft

pytestmark = pytest.mark.django_db


def test_follow_ups_created_at_submit_name_the_nurse_who_submitted(nurse_client, nurse):
    token = fill_intake(nurse_client, PatientFactory())

    submit(nurse_client, token)

    follow_ups = FollowUp.objects.all()
    assert follow_ups.count() == 3
    for follow_up in follow_ups:
        created = follow_up.history.earliest()
        assert created.history_type == "+"
        assert created.history_user == nurse


def test_visits_cancelled_when_an_episode_resolves_name_who_recorded_the_visit():
    encounter = make_conservative_episode(occurred_at=timezone.now() - datetime.timedelta(days=14))
    first, *later = encounter.follow_ups.order_by("due_date")
    nurse = UserFactory(username="nurse-resolves")
    now = timezone.now()

    followup_services.record_visit(
        follow_up=first,
        version=first.version,
        findings=visit_findings(timezone.localdate(), pain_score=1),
        user=nurse,
        now=now,
    )

    for follow_up in later:
        follow_up.refresh_from_db()
        assert (follow_up.status, follow_up.status_reason) == (FollowUpStatus.CANCELLED, "resolved")
        assert (follow_up.recorded_by, follow_up.recorded_at) == (nurse, now)
        cancelled = follow_up.history.latest()
        assert (cancelled.history_user, cancelled.status) == (nurse, "cancelled")


def test_facts_the_forms_accepted_but_the_engine_refuses_go_back_to_their_step(
    nurse_client, monkeypatch
):
    token = fill_intake(nurse_client, PatientFactory())

    def refusing_engine(facts):
        raise FactsError({"pain_score": "must be a whole number from 0 to 10"})

    monkeypatch.setattr(intake_services, "evaluate_intake", refusing_engine)
    response = submit(nurse_client, token)

    assert response.status_code == 200
    assert "pain_score must be a whole number from 0 to 10" in response.content.decode()
    assert response.context["sections"][1]["problems"] == [
        "pain_score must be a whole number from 0 to 10"
    ]
    assert not Encounter.objects.exists()
    assert IntakeDraft.objects.filter(token=token).exists()
