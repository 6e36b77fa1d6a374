"""Questionnaire/upright-intake: generated from the intake's step forms, one source of truth."""

import pytest
from django import forms
from django.urls import reverse

from fhir.mapping.questionnaire import ENABLE_WHEN, question_types
from fhir.views import _questionnaire_on
from triage.guideline import FACT_SPECS, RULESET_VERSION
from triage.intake.answers import STEP_FORMS
from triage.intake.steps import STEPS
from triage.models import ASKED_HISTORY_KEYS, ASKED_RED_FLAG_KEYS

from .validation import validate

pytestmark = pytest.mark.django_db


def _questionnaire(client) -> dict:
    response = client.get(reverse("fhir:questionnaire", args=["upright-intake"]))
    assert response.status_code == 200
    return response.json()


def test_it_validates_and_has_a_group_per_step(nurse_client):
    questionnaire = _questionnaire(nurse_client)
    validate(questionnaire)
    assert questionnaire["version"] == RULESET_VERSION
    assert [group["text"] for group in questionnaire["item"]] == [step.title for step in STEPS]


def test_every_engine_question_is_asked_with_the_engines_wording(nurse_client):
    questions = question_types(_questionnaire(nurse_client))
    for key in (*ASKED_RED_FLAG_KEYS, *(k for k in ASKED_HISTORY_KEYS if k != "pregnancy_weeks")):
        _group, item_type, item = questions[key]
        assert item_type == "boolean"
        assert item["text"] == FACT_SPECS[key].question
        # Breastfeeding is not asked of a patient recorded as male: optional, and its hint says so.
        for_some = key == "breastfeeding"
        assert item["required"] is not for_some
        assert item["item"][0]["text"].startswith(FACT_SPECS[key].hint)
        assert ("Not asked of a patient recorded as male." in item["item"][0]["text"]) is for_some


def test_pain_is_an_integer_from_0_to_10_and_location_a_choice(nurse_client):
    questions = question_types(_questionnaire(nurse_client))
    _, item_type, pain = questions["pain_score"]
    assert item_type == "integer"
    limits = {ext["url"].rsplit("/", 1)[1]: ext["valueInteger"] for ext in pain["extension"]}
    assert limits == {"minValue": 0, "maxValue": 10}
    _, item_type, location = questions["pain_location"]
    assert item_type == "choice"
    assert [option["valueCoding"]["code"] for option in location["answerOption"]] == [
        "neck", "upper_back", "both",
    ]  # fmt: skip


def test_the_pregnancy_questions_use_enable_when(nurse_client):
    questions = question_types(_questionnaire(nurse_client))
    _, _, weeks = questions["pregnancy_weeks"]
    assert weeks["enableWhen"] == [{"question": "pregnant", "operator": "=", "answerBoolean": True}]
    _, item_type, pregnant = questions["pregnant"]
    assert item_type == "boolean"
    # Not asked of a patient recorded as male, so it cannot be required of everyone.
    assert pregnant["required"] is False
    assert "male" in pregnant["item"][0]["text"]


def test_every_enable_when_names_real_questions(nurse_client):
    questions = question_types(_questionnaire(nurse_client))
    for question, (condition, _answer) in ENABLE_WHEN.items():
        assert question in questions
        assert questions[condition][1] == "boolean"


def test_a_question_added_to_an_intake_form_appears_without_another_edit(nurse_client, monkeypatch):
    form_class = STEP_FORMS[STEPS[1].name]
    monkeypatch.setitem(
        form_class.base_fields,
        "sleep_hours",
        forms.IntegerField(label="How many hours did the patient sleep last night?", min_value=0),
    )
    questions = question_types(_questionnaire(nurse_client))
    group, item_type, item = questions["sleep_hours"]
    assert (group, item_type) == ("step-pain", "integer")
    assert item["text"] == "How many hours did the patient sleep last night?"


def test_a_red_flag_added_to_the_engine_appears_without_another_edit(nurse_client, monkeypatch):
    from triage.intake import forms as intake_forms

    # Rule set 2 added night pain to the engine; the record keeps it, so the intake asks it.
    assert "night_pain" in ASKED_RED_FLAG_KEYS
    questions = question_types(_questionnaire(nurse_client))
    assert questions["night_pain"][:2] == ("step-red_flags", "boolean")
    without = tuple(key for key in ASKED_RED_FLAG_KEYS if key != "night_pain")
    monkeypatch.setattr(intake_forms, "ASKED_RED_FLAG_KEYS", without)
    restart_server()
    assert "night_pain" not in question_types(_questionnaire(nurse_client))


def test_the_relaxant_questions_follow_the_yes_to_taking_one(nurse_client):
    questions = question_types(_questionnaire(nurse_client))
    when = [{"question": "takes_muscle_relaxant", "operator": "=", "answerBoolean": True}]
    for key in ("muscle_relaxant_name", "muscle_relaxant_other_condition"):
        assert questions[key][2]["enableWhen"] == when, key
    _, item_type, name = questions["muscle_relaxant_name"]
    assert item_type == "choice"
    codes = [option["valueCoding"]["code"] for option in name["answerOption"]]
    assert codes[:4] == ["cyclobenzaprine", "methocarbamol", "tizanidine", "baclofen"]


def restart_server():
    """What deploying changed code does: the Questionnaire, built once per process, is rebuilt."""
    _questionnaire_on.cache_clear()
