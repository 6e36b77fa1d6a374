"""Voiding a mistaken encounter or visit: a reason is required, nothing is deleted, and the
record leaves the worklists and the queue while staying visible and marked."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    EncounterFactory,
    EscalationFactory,
    FollowUpFactory,
    UrgentEncounterFactory,
    VisitRecordFactory,
)
from triage.models import Encounter, EpisodeStatus, Escalation, FollowUp
from triage.review import services as review
from triage.review.display import record_label

pytestmark = pytest.mark.django_db


def _void_url(encounter) -> str:
    return reverse("admin:triage_encounter_void", args=[encounter.pk])


def test_void_button_asks_for_a_reason_first(clinician_client):
    encounter = UrgentEncounterFactory()
    change_page = clinician_client.get(
        reverse("admin:triage_encounter_change", args=[encounter.pk])
    )
    assert f'href="{_void_url(encounter)}"' in change_page.content.decode()

    form_page = clinician_client.get(_void_url(encounter))
    assert form_page.status_code == 200
    assert 'for="id_reason"' in form_page.content.decode()

    refused = clinician_client.post(_void_url(encounter), {"reason": "   "})
    assert refused.status_code == 200
    text = refused.content.decode()
    assert 'id="error-summary"' in text
    assert 'aria-invalid="true"' in text
    encounter.refresh_from_db()
    assert encounter.voided_at is None


def test_void_button_voids_with_the_reason_and_who(clinician_client, clinician):
    encounter = UrgentEncounterFactory()
    response = clinician_client.post(
        _void_url(encounter), {"reason": " Entered on the wrong patient "}
    )
    assert response["Location"] == reverse("admin:triage_encounter_change", args=[encounter.pk])
    encounter.refresh_from_db()
    assert encounter.voided_by == clinician
    assert encounter.void_reason == "Entered on the wrong patient"
    assert encounter.voided_at is not None


def test_voided_encounter_stays_visible_and_marked_but_leaves_queue_and_worklists(
    clinician_client, clinician
):
    encounter = UrgentEncounterFactory()
    escalation = EscalationFactory(encounter=encounter)
    visit = FollowUpFactory(encounter=encounter)
    review.void_encounter(
        encounter=encounter, user=clinician, reason="Duplicate intake", now=timezone.now()
    )

    listing = clinician_client.get(reverse("admin:triage_encounter_changelist"))
    assert [e.pk for e in listing.context["cl"].result_list] == [encounter.pk]
    assert '<span class="record-voided">Voided</span>' in listing.content.decode()
    page = clinician_client.get(reverse("admin:triage_encounter_change", args=[encounter.pk]))
    assert "Reason: Duplicate intake" in page.content.decode()

    assert not Encounter.objects.awaiting_review().exists()
    assert not Escalation.objects.open().filter(pk=escalation.pk).exists()
    visit.refresh_from_db()
    assert visit.voided_at is not None
    assert "Duplicate intake" in visit.void_reason
    assert not FollowUp.objects.open().exists()
    assert Encounter.objects.filter(pk=encounter.pk).exists()


def test_void_action_shows_a_reason_page_then_voids_the_selection(clinician_client):
    first, second = EncounterFactory(), EncounterFactory()
    changelist = reverse("admin:triage_encounter_changelist")
    selection = {"action": "void_selected", "_selected_action": [first.pk, second.pk]}

    asked = clinician_client.post(changelist, selection)
    assert asked.status_code == 200
    assert "Reason for voiding" in asked.content.decode()
    assert not Encounter.objects.filter(voided_at__isnull=False).exists()

    clinician_client.post(changelist, {**selection, "apply": "yes", "reason": ""})
    assert not Encounter.objects.filter(voided_at__isnull=False).exists()

    done = clinician_client.post(changelist, {**selection, "apply": "yes", "reason": "Test data"})
    assert done.status_code == 302
    assert Encounter.objects.filter(void_reason="Test data").count() == 2


def test_voiding_twice_keeps_the_first_reason(clinician, administrator):
    encounter = EncounterFactory()
    assert review.void_encounter(
        encounter=encounter, user=clinician, reason="first", now=timezone.now()
    )
    assert not review.void_encounter(
        encounter=encounter, user=administrator, reason="second", now=timezone.now()
    )
    encounter.refresh_from_db()
    assert (encounter.void_reason, encounter.voided_by) == ("first", clinician)


def test_nurse_cannot_void(nurse, client):
    encounter = EncounterFactory()
    with pytest.raises(PermissionDenied):
        review.void_encounter(encounter=encounter, user=nurse, reason="x", now=timezone.now())
    client.force_login(nurse)
    client.post(_void_url(encounter), {"reason": "x"})
    encounter.refresh_from_db()
    assert encounter.voided_at is None


def test_voiding_a_visit_restores_the_episode_status_from_the_visits_left(
    clinician_client, clinician
):
    encounter = EncounterFactory(episode_status=EpisodeStatus.RESOLVED)
    VisitRecordFactory(
        follow_up__encounter=encounter,
        visit_date=encounter.occurred_at.date(),
        outcome_status=EpisodeStatus.IMPROVING,
    )
    mistaken = VisitRecordFactory(follow_up__encounter=encounter, outcome_status="resolved")
    url = reverse("admin:triage_followup_void", args=[mistaken.follow_up.pk])

    response = clinician_client.post(url, {"reason": "Recorded on the wrong patient"})
    assert response.status_code == 302
    mistaken.follow_up.refresh_from_db()
    assert mistaken.follow_up.void_reason == "Recorded on the wrong patient"
    encounter.refresh_from_db()
    assert encounter.episode_status == EpisodeStatus.IMPROVING
    assert encounter.history.latest().history_change_reason == "Episode status after a voided visit"


def test_voiding_the_only_visit_returns_the_episode_to_active(clinician):
    encounter = EncounterFactory(episode_status=EpisodeStatus.IMPROVING)
    only = VisitRecordFactory(follow_up__encounter=encounter)
    review.void_follow_up(follow_up=only.follow_up, user=clinician, reason="x", now=timezone.now())
    encounter.refresh_from_db()
    assert encounter.episode_status == EpisodeStatus.ACTIVE


def test_voiding_a_visit_leaves_the_open_worklist(clinician_client):
    visit = FollowUpFactory()
    # Every follow-up, not the list's default (overdue visits only): a voided visit shows there.
    changelist = reverse("admin:triage_followup_changelist") + "?due=all"
    clinician_client.post(
        changelist,
        {
            "action": "void_selected",
            "_selected_action": [visit.pk],
            "apply": "yes",
            "reason": "dup",
        },
    )
    visit.refresh_from_db()
    assert visit.voided_at is not None
    assert not FollowUp.objects.open().exists()
    listing = clinician_client.get(changelist)
    assert '<span class="record-voided">Voided</span>' in listing.content.decode()


def test_voiding_a_visit_bumps_its_optimistic_lock_version(clinician):
    visit = FollowUpFactory()
    review.void_follow_up(follow_up=visit, user=clinician, reason="dup", now=timezone.now())
    visit.refresh_from_db()
    assert visit.version == 2


def test_voiding_a_visit_that_escalated_takes_its_escalation_off_the_worklist(clinician):
    encounter = EncounterFactory(episode_status=EpisodeStatus.ESCALATED)
    VisitRecordFactory(
        follow_up__encounter=encounter,
        visit_date=encounter.occurred_at.date(),
        outcome_status=EpisodeStatus.IMPROVING,
    )
    mistaken = VisitRecordFactory(follow_up__encounter=encounter, outcome_status="escalated")
    escalation = EscalationFactory(encounter=encounter, visit=mistaken)
    assert Escalation.objects.open().filter(pk=escalation.pk).exists()

    review.void_follow_up(
        follow_up=mistaken.follow_up, user=clinician, reason="wrong patient", now=timezone.now()
    )
    assert not Escalation.objects.open().filter(pk=escalation.pk).exists()
    encounter.refresh_from_db()
    assert encounter.episode_status == EpisodeStatus.IMPROVING


def test_an_intake_escalation_still_open_keeps_the_episode_escalated(clinician):
    encounter = UrgentEncounterFactory(episode_status=EpisodeStatus.ESCALATED)
    EscalationFactory(encounter=encounter)
    visit = VisitRecordFactory(follow_up__encounter=encounter, outcome_status="escalated")
    review.void_follow_up(
        follow_up=visit.follow_up, user=clinician, reason="dup", now=timezone.now()
    )
    encounter.refresh_from_db()
    assert encounter.episode_status == EpisodeStatus.ESCALATED


def test_voiding_from_the_review_queue_returns_to_the_queue_without_a_missing_record_warning(
    clinician_client,
):
    encounter = UrgentEncounterFactory(needs_review=True)
    url = reverse("admin:triage_encounterawaitingreview_void", args=[encounter.pk])
    response = clinician_client.post(url, {"reason": "Entered on the wrong patient"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "admin:triage_encounterawaitingreview_changelist"
    )
    shown = [str(message) for message in response.context["messages"]]
    assert f"Voided {record_label(encounter)}." in shown
    assert not any("doesn’t exist" in message for message in shown)
