"""The clinical admin names the patient and shows answers as words (triage/review/display.py)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    CarePlanFactory,
    EncounterFactory,
    EscalationFactory,
    FollowUpFactory,
    PatientFactory,
    RecommendationFactory,
    UrgentEncounterFactory,
)
from triage.review.display import encounter_summary, record_label, yes_no

pytestmark = pytest.mark.django_db

WHEN = datetime.datetime(2026, 3, 9, 10, 30, tzinfo=datetime.UTC)


@pytest.fixture
def patient():
    return PatientFactory(mrn="MRN-77", family_name="Okafor", given_name="Chidi")


def test_a_patient_is_named_family_given_and_record_number(patient):
    assert record_label(patient) == "OKAFOR, Chidi (MRN-77)"


def test_str_still_keeps_the_name_out_of_logs(patient):
    encounter = EncounterFactory(patient=patient)
    assert "Okafor" not in str(patient).lower() + str(encounter).lower()
    assert "okafor" not in (str(patient) + str(encounter)).lower()


def test_records_of_an_episode_are_named_by_their_patient(patient, settings):
    settings.TIME_ZONE = "UTC"
    encounter = EncounterFactory(patient=patient, occurred_at=WHEN)
    follow_up = FollowUpFactory(encounter=encounter, due_date=datetime.date(2026, 3, 23))
    escalation = EscalationFactory(encounter=encounter, opened_at=WHEN)
    assert record_label(encounter) == "OKAFOR, Chidi (MRN-77), intake of 9 Mar 2026"
    assert record_label(follow_up) == "OKAFOR, Chidi (MRN-77), visit due 23 Mar 2026"
    assert record_label(escalation) == "OKAFOR, Chidi (MRN-77), escalation opened 9 Mar 2026"
    plan = CarePlanFactory(encounter=encounter)
    assert record_label(plan) == "Care plan: OKAFOR, Chidi (MRN-77), intake of 9 Mar 2026"


@pytest.mark.parametrize(
    ("value", "key", "shown"),
    [
        (True, "fever", '<strong class="answer-red-flag">Yes (red flag)</strong>'),
        (False, "fever", "No"),
        (True, "heart_failure", "Yes"),
        (False, "heart_failure", "No"),
        (None, "fever", "Not answered"),
    ],
)
def test_yes_no_answers_are_words_and_a_red_flag_yes_is_marked(value, key, shown):
    assert yes_no(value, key=key) == shown


def test_the_summary_lists_red_flags_answered_yes_and_the_plan(patient):
    encounter = UrgentEncounterFactory(patient=patient, age_years=52, fever=True)
    plan = CarePlanFactory(encounter=encounter, pathway="urgent", red_flags=["fever"])
    RecommendationFactory(
        care_plan=plan, code="URGENT_EVALUATION", indicator="critical", category="urgent"
    )
    summary = encounter_summary(encounter)
    assert summary.patient == "OKAFOR, Chidi (MRN-77)"
    assert (summary.age_years, summary.is_urgent) == (52, True)
    assert summary.red_flags_yes == ["Fever"]
    assert [item.code for item in summary.critical] == ["URGENT_EVALUATION"]


def test_the_summary_of_an_encounter_without_a_plan_says_so():
    summary = encounter_summary(EncounterFactory())
    assert not summary.has_plan
    assert summary.red_flags_yes == []


def test_the_encounter_page_opens_with_the_summary_and_names_the_patient(clinician_client, patient):
    encounter = UrgentEncounterFactory(patient=patient, fever=True, occurred_at=timezone.now())
    CarePlanFactory(encounter=encounter, pathway="urgent", red_flags=["fever"])
    response = clinician_client.get(reverse("admin:triage_encounter_change", args=[encounter.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index('id="review-panel-title">Summary') < page.index("Red-flag screen")
    assert "<title>OKAFOR, Chidi (MRN-77), intake of" in page
    assert '<strong class="answer-red-flag">Fever</strong>' in page
    assert "Yes (red flag)" in page
    assert 'class="readonly"><img' not in page  # no tick or cross icons for answers
    assert page.count("Sign off as reviewed") == 1


def test_the_sign_off_message_names_the_patient(clinician_client, patient):
    encounter = UrgentEncounterFactory(patient=patient)
    url = reverse("admin:triage_encounter_sign_off", args=[encounter.pk])
    response = clinician_client.post(url, follow=True)
    assert f"Signed off {record_label(encounter)}." in response.content.decode()


def test_the_review_queue_names_the_patient(clinician_client, patient):
    UrgentEncounterFactory(patient=patient)
    response = clinician_client.get(reverse("admin:triage_encounterawaitingreview_changelist"))
    assert response.status_code == 200
    assert "OKAFOR, Chidi (MRN-77)" in response.content.decode()
