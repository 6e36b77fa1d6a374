"""Follow-up pages through HTTP: record, miss, add, conflict, escalations, and bad input."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from tests.conftest import make_user
from tests.factories import (
    EscalationFactory,
    FollowUpFactory,
    UserFactory,
    make_conservative_episode,
)
from tests.triage.intake_answers import history_answers
from triage.followup.forms import VisitForm
from triage.intake.forms import PainForm
from triage.models import (
    ASKED_RED_FLAG_KEYS,
    EpisodeStatus,
    Escalation,
    FollowUp,
    FollowUpStatus,
    VisitRecord,
)

pytestmark = pytest.mark.django_db


def _due_visit(days_ago: int = 14, **fields) -> FollowUp:
    encounter = make_conservative_episode(
        occurred_at=timezone.now() - datetime.timedelta(days=days_ago), **fields
    )
    return encounter.follow_ups.order_by("due_date").first()


def _post_data(follow_up: FollowUp | None = None, **overrides) -> dict[str, object]:
    data = {
        "visit_date": timezone.localdate().isoformat(),
        "pain_score": "3",
        "global_change": "1",
        "muscle_relaxant_days": "",
        "note": "",
        **dict.fromkeys(ASKED_RED_FLAG_KEYS, "no"),
        # The day-14 visit is the medicine review: it asks the history and medicines again.
        **{f"medicines-{key}": value for key, value in history_answers().items()},
    }
    if follow_up is not None:
        data["version"] = str(follow_up.version)
    return data | overrides


def test_form_asks_every_red_flag_with_nothing_preselected(nurse_client):
    follow_up = _due_visit()
    response = nurse_client.get(reverse("triage:followup_record", args=[follow_up.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    for key in ASKED_RED_FLAG_KEYS:
        assert f'name="{key}" value="yes"' in html
        assert f'name="{key}" value="no"' in html
    assert "checked" not in html
    assert f'name="version" value="{follow_up.version}"' in html


def test_recording_a_visit_redirects_to_its_outcome_and_recommendations(nurse_client):
    follow_up = _due_visit(days_ago=56, pain_score=6)
    url = reverse("triage:followup_record", args=[follow_up.pk])

    response = nurse_client.post(url, _post_data(follow_up, pain_score="4"))

    detail = reverse("triage:followup_detail", args=[follow_up.pk])
    assert response.status_code == 302
    assert response["Location"] == detail
    page = nurse_client.get(detail).content.decode()
    assert "Episode status: Persistent" in page
    assert "Pain has not resolved after 2 months" in page
    visit = VisitRecord.objects.get()
    assert (visit.day, visit.pain_score, visit.global_change) == (56, 4, 1)


def test_resolved_visit_page_shows_the_cancelled_visits(nurse_client):
    follow_up = _due_visit()
    nurse_client.post(
        reverse("triage:followup_record", args=[follow_up.pk]),
        _post_data(follow_up, pain_score="1"),
    )
    page = nurse_client.get(reverse("triage:followup_detail", args=[follow_up.pk]))
    html = page.content.decode()
    assert "Episode status: Resolved" in html
    assert html.count("Cancelled (resolved)") == 2
    visit = VisitRecord.objects.get()
    assert visit.status_text.startswith("Pain is ")
    assert "the episode has resolved" in visit.status_text
    assert visit.status_text in html


def test_the_visit_page_states_no_threshold_of_its_own():
    template = (Path(settings.BASE_DIR) / "templates/triage/followup/detail.html").read_text()

    for threshold in ("at or below", "30%", "2 points", "two months", "Two months"):
        assert threshold not in template


def test_red_flag_visit_opens_an_escalation_shown_at_once(nurse_client):
    follow_up = _due_visit()
    response = nurse_client.post(
        reverse("triage:followup_record", args=[follow_up.pk]),
        _post_data(follow_up, fever="yes"),
        follow=True,
    )
    html = response.content.decode()
    assert "Episode status: Escalated" in html
    assert "Red flags at this visit (fever): an urgent escalation is open" in html
    assert "Fever or a recent blood infection" in html
    assert Escalation.objects.get().visit.follow_up == follow_up
    follow_up.encounter.refresh_from_db()
    assert follow_up.encounter.episode_status == EpisodeStatus.ESCALATED


def test_two_posts_with_the_same_version_second_sees_the_conflict(nurse_client):
    follow_up = _due_visit()
    url = reverse("triage:followup_record", args=[follow_up.pk])
    first = nurse_client.post(url, _post_data(follow_up, pain_score="2"))
    assert first.status_code == 302
    recorded_at = FollowUp.objects.get(pk=follow_up.pk).recorded_at

    second = nurse_client.post(url, _post_data(follow_up, pain_score="8", fever="yes"))

    html = second.content.decode()
    assert second.status_code == 409
    assert "You (nurse1, in another window or tab) recorded this visit at" in html
    assert "What you entered (not saved)" in html
    assert timezone.localtime(recorded_at).strftime("%H:%M") in html
    assert "nothing was overwritten" in html
    assert reverse("triage:followup_detail", args=[follow_up.pk]) in html
    assert VisitRecord.objects.get().pain_score == 2
    assert not Escalation.objects.exists()
    assert FollowUp.objects.get(pk=follow_up.pk).version == 2


def test_stale_version_is_a_conflict_even_while_still_scheduled(nurse_client):
    follow_up = _due_visit()
    FollowUp.objects.filter(pk=follow_up.pk).update(version=5)
    response = nurse_client.post(
        reverse("triage:followup_record", args=[follow_up.pk]), _post_data(follow_up)
    )
    assert response.status_code == 409
    assert not VisitRecord.objects.exists()


def test_the_visit_asks_the_pain_score_as_the_intake_did():
    intake = PainForm(patient=None, today=timezone.localdate()).fields["pain_score"]
    visit = VisitForm(intake_date=timezone.localdate(), today=timezone.localdate()).fields[
        "pain_score"
    ]
    for field in (intake, visit):
        assert (field.min_value, field.max_value, field.required) == (0, 10, True)
        assert field.error_messages["required"] == "Enter a pain score from 0 to 10."
    assert (visit.label, visit.help_text) == (intake.label, intake.help_text)
    assert "how bad has the pain been from 0 to 10" in visit.label


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("pain_score", "11", "The pain score must be a whole number from 0 to 10."),
        ("pain_score", "-1", "The pain score must be a whole number from 0 to 10."),
        ("pain_score", "", "Enter a pain score from 0 to 10."),
        ("pain_score", "7.5", "The pain score must be a whole number from 0 to 10."),
        ("visit_date", "future", "The visit date cannot be in the future."),
        ("visit_date", "before", "The visit date cannot be before the intake on"),
        ("activity_1_score", "12", "Activity scores go from 0 (unable) to 10"),
        ("activity_2_score", "-3", "Activity scores go from 0 (unable) to 10"),
        ("fever", "", "Answer yes or no."),
        ("global_change", "7", "Choose the patient&#x27;s own rating of change"),
        ("muscle_relaxant_days", "400", "longer than the pain has lasted"),
    ],
)
def test_bad_visit_input_is_explained_and_nothing_is_saved(nurse_client, field, value, message):
    follow_up = _due_visit()
    dates = {
        "future": (timezone.localdate() + datetime.timedelta(days=1)).isoformat(),
        "before": (timezone.localdate() - datetime.timedelta(days=15)).isoformat(),
    }
    data = _post_data(follow_up, **{field: dates.get(value, value)})
    data |= {"activity_1_name": "Driving", "activity_2_name": "Reading"}

    response = nurse_client.post(reverse("triage:followup_record", args=[follow_up.pk]), data)

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert 'id="error-summary"' in html
    assert 'aria-invalid="true"' in html
    assert not VisitRecord.objects.exists()
    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.version) == ("scheduled", 1)


def test_activity_needs_both_a_name_and_a_score(nurse_client):
    follow_up = _due_visit()
    data = _post_data(follow_up, activity_1_name="Driving", activity_2_score="4")
    response = nurse_client.post(reverse("triage:followup_record", args=[follow_up.pk]), data)
    html = response.content.decode()
    assert "Enter a score from 0 to 10 for &#x27;Driving&#x27;." in html
    assert "Name the activity this score is for." in html
    assert not VisitRecord.objects.exists()


def test_missed_visit_needs_a_reason(nurse_client):
    follow_up = _due_visit()
    url = reverse("triage:followup_missed", args=[follow_up.pk])

    response = nurse_client.post(url, {"version": "1", "reason": "   "})
    assert "Give the reason the visit did not happen." in response.content.decode()
    assert FollowUp.objects.get(pk=follow_up.pk).status == FollowUpStatus.SCHEDULED

    response = nurse_client.post(url, {"version": "1", "reason": "Did not attend"})
    assert response["Location"] == reverse(
        "triage:patient_chart", args=[follow_up.encounter.patient_id]
    )
    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.status_reason) == ("missed", "Did not attend")


def test_unscheduled_visit_from_the_chart(nurse_client):
    encounter = make_conservative_episode(
        occurred_at=timezone.now() - datetime.timedelta(days=5), pain_score=7
    )
    url = reverse("triage:visit_add", args=[encounter.pk])
    assert nurse_client.get(url).status_code == 200

    response = nurse_client.post(url, _post_data(pain_score="2"))

    follow_up = encounter.follow_ups.get(plan_day__isnull=True)
    assert response["Location"] == reverse("triage:followup_detail", args=[follow_up.pk])
    assert follow_up.visit.day == 5
    assert follow_up.visit.outcome_status == "improving"


def test_voided_encounter_takes_no_visits(nurse_client):
    follow_up = _due_visit()
    encounter = follow_up.encounter
    encounter.voided_at = timezone.now()
    encounter.void_reason = "Wrong patient"
    encounter.save()
    assert nurse_client.get(reverse("triage:visit_add", args=[encounter.pk])).status_code == 404
    record_url = reverse("triage:followup_record", args=[follow_up.pk])
    assert nurse_client.post(record_url, _post_data(follow_up)).status_code == 404


def test_nurse_cannot_close_an_escalation(nurse_client):
    escalation = EscalationFactory()
    url = reverse("triage:escalation_close", args=[escalation.pk])
    assert nurse_client.get(url).status_code == 403
    assert nurse_client.post(url, {"outcome": "referred", "note": "x"}).status_code == 403
    assert Escalation.objects.get().is_open


def test_clinician_closes_an_escalation_with_outcome_and_note(clinician_client, clinician):
    escalation = EscalationFactory()
    url = reverse("triage:escalation_close", args=[escalation.pk])

    response = clinician_client.post(url, {"outcome": "referred", "note": ""})
    html = response.content.decode()
    assert "Write a note about the outcome." in html
    assert Escalation.objects.get().is_open

    response = clinician_client.post(url, {"outcome": "", "note": "Seen by spine team."})
    assert "Choose the outcome of the escalation." in response.content.decode()

    response = clinician_client.post(url, {"outcome": "referred", "note": "Seen by spine team."})
    assert response.status_code == 302
    escalation.refresh_from_db()
    assert (escalation.outcome, escalation.closed_by) == ("referred", clinician)


def test_follow_up_pages_need_permissions(client):
    client.force_login(make_user(None, username="no-role"))
    follow_up = FollowUpFactory()
    for name in ("followup_record", "followup_missed", "followup_detail"):
        assert client.get(reverse(f"triage:{name}", args=[follow_up.pk])).status_code == 403
    assert client.get(reverse("triage:outcomes")).status_code == 403
    assert client.get(reverse("triage:home")).status_code == 403


def test_second_clinician_closing_an_escalation_overwrites_nothing(clinician_client):
    escalation = EscalationFactory(
        closed_at=timezone.now(),
        closed_by=UserFactory(username="dr-first"),
        outcome="imaging_ordered",
        outcome_note="MRI booked.",
    )
    response = clinician_client.post(
        reverse("triage:escalation_close", args=[escalation.pk]),
        {"outcome": "other", "note": "Something else."},
    )
    html = response.content.decode()
    assert "Someone else (dr-first) recorded the outcome at" in html
    assert "nothing was overwritten" in html
    escalation.refresh_from_db()
    assert (escalation.outcome, escalation.outcome_note) == ("imaging_ordered", "MRI booked.")


def test_closing_an_urgent_intakes_last_escalation_says_how_to_start_conservative_care(
    clinician_client,
):
    escalation = EscalationFactory()
    url = reverse("triage:escalation_close", args=[escalation.pk])
    response = clinician_client.post(
        url, {"outcome": "serious_cause_excluded", "note": "MRI clear."}, follow=True
    )
    shown = [str(message) for message in response.context["messages"]]
    assert any("start a new intake from this chart" in message for message in shown)


def test_a_colleagues_earlier_recording_is_named_and_your_entries_are_shown(nurse_client):
    follow_up = _due_visit()
    url = reverse("triage:followup_record", args=[follow_up.pk])
    colleague = Client()
    colleague.force_login(make_user(roles.NURSE, username="colleague"))
    assert colleague.post(url, _post_data(follow_up, pain_score="2")).status_code == 302

    second = nurse_client.post(url, _post_data(follow_up, pain_score="8", note="Stiff today"))

    html = second.content.decode()
    assert second.status_code == 409
    assert "Someone else (colleague) recorded this visit" in html
    assert "Stiff today" in html
    assert VisitRecord.objects.get().pain_score == 2
