"""After an escalation (decision table section 4): a clinician who excludes serious disease clears
its red flags, and can then make the episode's conservative plan, through HTTP."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import PatientFactory
from tests.triage.intake_answers import fill_intake, submit, years_ago
from triage.models import Encounter, Escalation, FollowUp, Recommendation

pytestmark = pytest.mark.django_db


def _escalated_intake(nurse, **red_flags) -> Encounter:
    client = Client()
    client.force_login(nurse)
    patient = PatientFactory(date_of_birth=years_ago(58))
    answers = dict.fromkeys(red_flags, "yes")
    submit(client, fill_intake(client, patient, red_flags=answers, pain={"pain_score": "6"}))
    return Encounter.objects.get(patient=patient)


def _close(client, escalation: Escalation, outcome: str = "serious_cause_excluded"):
    return client.post(
        reverse("triage:escalation_close", args=[escalation.pk]),
        {"outcome": outcome, "note": "MRI normal; no sign of metastasis or infection."},
    )


def _plan_url(encounter: Encounter) -> str:
    return reverse("triage:conservative_plan", args=[encounter.pk])


def test_closing_with_serious_cause_excluded_clears_the_red_flags(
    nurse, clinician_client, clinician
):
    encounter = _escalated_intake(nurse, malignancy_history=True)
    escalation = encounter.escalations.get()

    response = _close(clinician_client, escalation)

    escalation.refresh_from_db()
    assert escalation.cleared_red_flags == ["malignancy_history"]
    assert (escalation.closed_by, escalation.closed_at is not None) == (clinician, True)
    assert response["Location"] == _plan_url(encounter)


def test_closing_with_another_outcome_clears_nothing(nurse, clinician_client):
    encounter = _escalated_intake(nurse, malignancy_history=True)
    escalation = encounter.escalations.get()

    response = _close(clinician_client, escalation, outcome="referred")

    escalation.refresh_from_db()
    assert escalation.cleared_red_flags == []
    assert response["Location"] == reverse("triage:patient_chart", args=[encounter.patient_id])
    page = clinician_client.get(_plan_url(encounter))
    assert "No red flag has been cleared" in page.content.decode()
    assert clinician_client.post(_plan_url(encounter)).status_code == 409
    assert Encounter.objects.count() == 1


def test_the_conservative_plan_is_stored_beside_the_first_which_stays(
    nurse, clinician_client, clinician
):
    encounter = _escalated_intake(nurse, malignancy_history=True)
    first_plan = list(encounter.care_plan.recommendations.values_list("code", "detail"))
    _close(clinician_client, encounter.escalations.get())
    page = clinician_client.get(_plan_url(encounter)).content.decode()
    assert "History of cancer: cleared by clinician1" in page

    response = clinician_client.post(_plan_url(encounter))

    continuation = Encounter.objects.get(continues=encounter)
    assert response["Location"] == reverse("triage:care_plan", args=[continuation.pk])
    assert continuation.pathway == "conservative"
    assert continuation.recorded_by == clinician
    assert continuation.malignancy_history is True, "the intake's answers are kept"
    facts = continuation.care_plan.input_facts
    assert facts["cleared_red_flags"] == ["malignancy_history"]
    assert facts["pain_score"] == 6
    assert "EXERCISE_THERAPY" in continuation.care_plan.recommendations.values_list(
        "code", flat=True
    )
    # The first plan is untouched.
    encounter.refresh_from_db()
    assert encounter.pathway == "urgent"
    assert list(encounter.care_plan.recommendations.values_list("code", "detail")) == first_plan
    assert not encounter.follow_ups.exists()
    # Visits count from the day the plan was made.
    today = timezone.localdate()
    due = sorted(continuation.follow_ups.values_list("plan_day", "due_date"))
    assert due == [(day, today + datetime.timedelta(days=day)) for day in (14, 42, 56)]
    # The plan names the cleared flag and who cleared it.
    html = clinician_client.get(response["Location"]).content.decode()
    assert "Made after a clinician excluded serious disease" in html
    assert "History of cancer, cleared by clinician1 on" in html


def test_age_and_days_since_onset_are_those_of_the_day_the_plan_is_made(nurse, clinician_client):
    encounter = _escalated_intake(nurse, night_pain=True)
    Encounter.objects.filter(pk=encounter.pk).update(
        occurred_at=timezone.now() - datetime.timedelta(days=10)
    )
    _close(clinician_client, encounter.escalations.get())
    clinician_client.post(_plan_url(encounter))
    continuation = Encounter.objects.get(continues=encounter)
    assert continuation.days_since_onset == encounter.days_since_onset + 10
    assert continuation.care_plan.input_facts["days_since_onset"] == continuation.days_since_onset


def test_an_emergency_episode_can_continue_once_its_flags_are_cleared(nurse, clinician_client):
    encounter = _escalated_intake(nurse, malignancy_history=True, myelopathy_signs=True)
    assert encounter.pathway == "emergency"
    _close(clinician_client, encounter.escalations.get())
    clinician_client.post(_plan_url(encounter))
    continuation = Encounter.objects.get(continues=encounter)
    assert continuation.care_plan.input_facts["cleared_red_flags"] == [
        "myelopathy_signs",
        "malignancy_history",
    ]
    assert continuation.pathway == "conservative"


def test_the_plan_is_made_once(nurse, clinician_client):
    encounter = _escalated_intake(nurse, fever=True)
    _close(clinician_client, encounter.escalations.get())
    clinician_client.post(_plan_url(encounter))
    second = clinician_client.post(_plan_url(encounter))
    assert second.status_code == 409
    assert "already been made" in second.content.decode()
    assert Encounter.objects.filter(continues=encounter).count() == 1
    assert Recommendation.objects.filter(care_plan__encounter__continues=encounter).exists()


def test_nothing_is_made_while_an_escalation_is_still_open(nurse, clinician_client):
    encounter = _escalated_intake(nurse, fever=True)
    response = clinician_client.post(_plan_url(encounter))
    assert response.status_code == 409
    assert "still open" in response.content.decode()
    assert not FollowUp.objects.exists()
    assert Encounter.objects.count() == 1


def test_the_chart_offers_the_plan_to_a_clinician_once_flags_are_cleared(nurse, clinician_client):
    encounter = _escalated_intake(nurse, fever=True)
    chart = reverse("triage:patient_chart", args=[encounter.patient_id])
    assert _plan_url(encounter) not in clinician_client.get(chart).content.decode()
    _close(clinician_client, encounter.escalations.get())
    assert _plan_url(encounter) in clinician_client.get(chart).content.decode()
    clinician_client.post(_plan_url(encounter))
    html = clinician_client.get(chart).content.decode()
    assert _plan_url(encounter) not in html
    assert "Conservative plan after the escalation" in html


def test_a_nurse_cannot_make_the_plan(nurse, nurse_client, clinician):
    encounter = _escalated_intake(nurse, fever=True)
    client = Client()
    client.force_login(clinician)
    _close(client, encounter.escalations.get())
    assert nurse_client.post(_plan_url(encounter)).status_code == 403
    assert Encounter.objects.count() == 1
