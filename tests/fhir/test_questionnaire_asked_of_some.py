"""A question a step form hides from some patients is optional in the Questionnaire."""

import pytest
from django.urls import reverse

from fhir.mapping.questionnaire import NOT_ASKED_OF_MALE, question_types
from fhir.views import _questionnaire_on
from patients.models import Sex
from triage.intake.answers import STEP_FORMS

pytestmark = pytest.mark.django_db


def _questions(client) -> dict:
    response = client.get(reverse("fhir:questionnaire", args=["upright-intake"]))
    assert response.status_code == 200
    return question_types(response.json())


def test_pregnancy_is_optional_because_the_form_hides_it_from_men(nurse_client):
    _group, _type, pregnant = _questions(nurse_client)["pregnant"]
    assert pregnant["required"] is False
    assert NOT_ASKED_OF_MALE in pregnant["item"][0]["text"]


def test_a_question_the_form_starts_hiding_from_men_becomes_optional(nurse_client, monkeypatch):
    form_class = STEP_FORMS["history"]
    asked_of_all = next(
        name
        for name, (group, item_type, item) in _questions(nurse_client).items()
        if group == "step-history" and item_type == "boolean" and item["required"]
    )
    original = form_class.shown_fields

    def shown_fields(form):
        male = form.patient is not None and form.patient.sex == Sex.MALE
        return [bound for bound in original(form) if not (male and bound.name == asked_of_all)]

    monkeypatch.setattr(form_class, "shown_fields", shown_fields)
    _questionnaire_on.cache_clear()  # as deploying the changed form restarts the server
    _group, _type, item = _questions(nurse_client)[asked_of_all]
    assert item["required"] is False
    assert NOT_ASKED_OF_MALE in item["item"][-1]["text"]
