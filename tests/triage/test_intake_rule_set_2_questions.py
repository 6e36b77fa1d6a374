"""The intake questions rule set 2 added, through HTTP: asked, none pre-answered, refused when
wrong (next to the field, nothing saved, the draft kept), stored as typed columns and handed to
the engine."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from patients.models import Sex
from tests.factories import PatientFactory
from tests.triage.intake_answers import (
    fill_intake,
    history_answers,
    pain_answers,
    red_flag_answers,
    start_from_chart,
    step_url,
    submit,
)
from triage.guideline import FACT_SPECS, RELAXANT_NAMES
from triage.models import Encounter, IntakeDraft, MuscleRelaxant

pytestmark = pytest.mark.django_db

NEW_HISTORY_QUESTIONS = (
    "inflammatory_arthritis",
    "previous_neck_surgery",
    "bleeding_disorder",
    "uncontrolled_hypertension",
    "breastfeeding",
    "heavy_alcohol_use",
    "takes_antiplatelet",
    "takes_sedating_medicine",
    "takes_cyp1a2_inhibitor",
)


def _days(n: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=n)).isoformat()


def _draft_token(nurse_client, sex=Sex.FEMALE):
    start_from_chart(nurse_client, PatientFactory(sex=sex))
    return IntakeDraft.objects.get().token


def _assert_refused_next_to(response, field: str, message: str) -> None:
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    form = response.context["form"]
    assert field in form.errors, form.errors
    assert f'id="{form[field].auto_id}_error"' in html, "the message sits next to the field"


def _question_asked(html: str, key: str) -> None:
    spec = FACT_SPECS[key]
    assert html.count(f'name="{key}"') == 2, key  # yes and no
    assert spec.question in html
    assert spec.hint.split("'")[0] in html


def test_night_pain_is_a_red_flag_question_with_nothing_preselected(nurse_client):
    token = _draft_token(nurse_client)
    html = nurse_client.get(step_url(token, "red_flags")).content.decode()
    _question_asked(html, "night_pain")
    assert "checked" not in html
    unanswered = red_flag_answers()
    del unanswered["night_pain"]
    response = nurse_client.post(step_url(token, "red_flags"), unanswered)
    _assert_refused_next_to(response, "night_pain", "Answer yes or no")
    assert "red_flags" not in IntakeDraft.objects.get().answers


def test_red_flag_step_separates_worsening_weakness_from_stable_radiating_pain(nurse_client):
    token = _draft_token(nurse_client)
    html = nurse_client.get(step_url(token, "red_flags")).content.decode()
    assert "is an emergency" in html
    assert "Stable radiating pain or tingling in one arm" in html
    pain_page = nurse_client.get(step_url(token, "pain")).content.decode()
    assert "that is an emergency" in pain_page  # the nerve-symptom hint points to the red flag


@pytest.mark.parametrize("key", NEW_HISTORY_QUESTIONS)
def test_each_new_history_question_is_asked_and_must_be_answered(nurse_client, key):
    token = _draft_token(nurse_client)
    html = nurse_client.get(step_url(token, "history")).content.decode()
    _question_asked(html, key)
    assert "checked" not in html
    answers = history_answers()
    del answers[key]
    response = nurse_client.post(step_url(token, "history"), answers)
    _assert_refused_next_to(response, key, "Answer yes or no")
    assert "history" not in IntakeDraft.objects.get().answers


def test_relaxant_questions_are_asked_with_nothing_preselected(nurse_client):
    patient = PatientFactory()
    html = nurse_client.get(reverse("triage:intake_new") + f"?patient={patient.pk}")
    html = html.content.decode()
    assert html.count('name="muscle_relaxant_name"') == len(MuscleRelaxant.choices) + 1
    assert "Not known" in html
    assert html.count('name="muscle_relaxant_other_condition"') == 2
    assert FACT_SPECS["muscle_relaxant_other_condition"].question in html
    assert "It may be before this pain began" in html
    assert "checked" not in html


def test_the_relaxants_offered_are_the_engines():
    assert list(MuscleRelaxant.values) == list(RELAXANT_NAMES)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {
                "takes_muscle_relaxant": "yes",
                "muscle_relaxant_name": "tizanidine",
                "muscle_relaxant_other_condition": "no",
                "muscle_relaxant_start": "",
            },
            "muscle_relaxant_start",
            "Enter the date the patient started the muscle relaxant",
        ),
        (
            {
                "takes_muscle_relaxant": "no",
                "muscle_relaxant_name": "baclofen",
                "muscle_relaxant_start": "",
            },
            "muscle_relaxant_name",
            "A muscle relaxant is chosen, but the patient is answered as not taking one",
        ),
        (
            {"takes_muscle_relaxant": "no", "muscle_relaxant_other_condition": "yes"},
            "muscle_relaxant_other_condition",
            "not taking a muscle relaxant",
        ),
        (
            {
                "takes_muscle_relaxant": "yes",
                "muscle_relaxant_name": "baclofen",
                "muscle_relaxant_other_condition": "yes",
                "muscle_relaxant_start": _days(1),
            },
            "muscle_relaxant_start",
            "cannot be in the future",
        ),
        (
            {
                "takes_muscle_relaxant": "yes",
                "muscle_relaxant_other_condition": "no",
                "muscle_relaxant_start": _days(-2),
            },
            "muscle_relaxant_name",
            "Choose which muscle relaxant, or &#x27;Not known&#x27;.",
        ),
        (
            {
                "takes_muscle_relaxant": "yes",
                "muscle_relaxant_name": "diazepam",
                "muscle_relaxant_other_condition": "no",
                "muscle_relaxant_start": _days(-2),
            },
            "muscle_relaxant_name",
            "Choose one of the muscle relaxants listed.",
        ),
        (
            {
                "takes_muscle_relaxant": "yes",
                "muscle_relaxant_name": "cyclobenzaprine",
                "muscle_relaxant_start": _days(-2),
            },
            "muscle_relaxant_other_condition",
            "Answer yes or no.",
        ),
    ],
)
def test_bad_relaxant_answers_are_refused_next_to_the_field(
    nurse_client, overrides, field, message
):
    token = _draft_token(nurse_client)
    response = nurse_client.post(step_url(token, "pain"), pain_answers(**overrides))
    _assert_refused_next_to(response, field, message)
    draft = IntakeDraft.objects.get()
    assert draft.token == token, "the draft is kept"
    saved = {key: value for key, value in pain_answers().items() if value}
    assert draft.answers["pain"] == saved, "the saved step is not overwritten"
    assert not Encounter.objects.exists()


def test_breastfeeding_is_not_asked_for_a_patient_recorded_as_male(nurse_client):
    token = _draft_token(nurse_client, sex=Sex.MALE)
    html = nurse_client.get(step_url(token, "history")).content.decode()
    assert 'name="breastfeeding"' not in html
    assert 'name="takes_antiplatelet"' in html
    answers = history_answers()
    del answers["breastfeeding"], answers["pregnant"]
    nurse_client.post(step_url(token, "red_flags"), red_flag_answers())
    response = nurse_client.post(step_url(token, "history"), answers)
    assert response["Location"] == step_url(token, "review")
    submit(nurse_client, token)
    assert Encounter.objects.get().breastfeeding is False


def test_breastfeeding_is_refused_for_a_patient_recorded_as_male(nurse_client):
    token = _draft_token(nurse_client, sex=Sex.MALE)
    response = nurse_client.post(step_url(token, "history"), history_answers(breastfeeding="yes"))
    _assert_refused_next_to(response, "breastfeeding", "recorded as male")
    assert "history" not in IntakeDraft.objects.get().answers


def test_patient_changed_to_male_after_breastfeeding_was_recorded_blocks_the_submit(nurse_client):
    patient = PatientFactory(sex=Sex.FEMALE)
    token = fill_intake(nurse_client, patient, history={"breastfeeding": "yes"})
    review = nurse_client.get(step_url(token, "review"))
    patient.sex = Sex.MALE
    patient.save()

    response = nurse_client.post(
        reverse("triage:intake_submit", args=[token]), {"reviewed": review.context["digest"]}
    )

    assert response.status_code == 200
    assert "Breastfeeding cannot be recorded for a patient recorded as male" in (
        response.content.decode()
    )
    assert not Encounter.objects.exists()
    assert IntakeDraft.objects.filter(token=token).exists()


def test_new_answers_are_typed_columns_and_reach_the_engine(nurse_client):
    started = timezone.localdate() - datetime.timedelta(days=400)
    token = fill_intake(
        nurse_client,
        PatientFactory(sex=Sex.FEMALE),
        pain={
            "takes_muscle_relaxant": "yes",
            "muscle_relaxant_name": "baclofen",
            "muscle_relaxant_other_condition": "yes",
            "muscle_relaxant_start": started.isoformat(),
        },
        history=dict.fromkeys(NEW_HISTORY_QUESTIONS, "yes"),
    )
    submit(nurse_client, token)

    encounter = Encounter.objects.get()
    assert encounter.muscle_relaxant_name == "baclofen"
    assert encounter.muscle_relaxant_other_condition is True
    assert encounter.muscle_relaxant_start == started
    assert encounter.muscle_relaxant_days == 400
    assert all(getattr(encounter, key) is True for key in NEW_HISTORY_QUESTIONS)
    assert encounter.night_pain is False
    facts = encounter.care_plan.input_facts
    assert facts["muscle_relaxant_name"] == "baclofen"
    assert facts["muscle_relaxant_other_condition"] is True
    assert all(facts[key] is True for key in NEW_HISTORY_QUESTIONS)
    codes = list(encounter.care_plan.recommendations.values_list("code", flat=True))
    # Long-term baclofen for another condition is reviewed, never stopped; the new history
    # answers withhold manipulation (WHO 2005) and the NSAID (bleeding disorder).
    assert "MUSCLE_RELAXANT_REVIEW" in codes
    assert "MUSCLE_RELAXANT_STOP" not in codes
    assert "MANIPULATION_WITHHELD" in codes
    assert "NSAID_WITHHELD" in codes


def test_a_relaxant_whose_name_is_not_known_is_stored_without_a_name(nurse_client):
    token = fill_intake(
        nurse_client,
        PatientFactory(),
        pain={
            "takes_muscle_relaxant": "yes",
            "muscle_relaxant_name": "not_known",
            "muscle_relaxant_other_condition": "no",
            "muscle_relaxant_start": _days(-3),
        },
    )
    review = nurse_client.get(step_url(token, "review")).content.decode()
    assert "Not known" in review
    submit(nurse_client, token)
    encounter = Encounter.objects.get()
    assert (encounter.muscle_relaxant_name, encounter.muscle_relaxant_days) == ("", 3)
    assert encounter.care_plan.input_facts["muscle_relaxant_name"] is None


def test_night_pain_alone_opens_an_urgent_escalation(nurse_client):
    token = fill_intake(nurse_client, PatientFactory(), red_flags={"night_pain": "yes"})
    submit(nurse_client, token)
    encounter = Encounter.objects.get()
    assert encounter.night_pain is True
    assert encounter.pathway == "urgent"
    escalation = encounter.escalations.get()
    assert (escalation.red_flags, escalation.priority) == (["night_pain"], "urgent")
