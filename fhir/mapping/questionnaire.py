"""The intake as a FHIR Questionnaire, generated from the step forms the nurses fill in.

The forms are the one source of truth: each step is a group, each form field a question, with
the field's label, hint, requiredness, choices and limits. A question added to a step form
appears here with no other edit.
"""

from __future__ import annotations

import datetime

from django import forms

from patients.models import Patient, Sex
from triage.guideline import RULESET_VERSION

from .common import canonical

QUESTIONNAIRE_ID = "upright-intake"
ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
ITEM_CONTROL_SYSTEM = "http://hl7.org/fhir/questionnaire-item-control"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
YES_NO = {"yes", "no"}

# Questions asked only after a "yes": the forms enforce these in `clean()`; here they become
# enableWhen so a FHIR form filler asks them the same way. Each side is checked by a test
# against the generated items.
ENABLE_WHEN: dict[str, tuple[str, bool]] = {
    "muscle_relaxant_name": ("takes_muscle_relaxant", True),
    "muscle_relaxant_other_condition": ("takes_muscle_relaxant", True),
    "muscle_relaxant_start": ("takes_muscle_relaxant", True),
    "pregnancy_weeks": ("pregnant", True),
}
# A question the form does not show a patient recorded as male (found by asking the form) is
# optional in the Questionnaire, with this in its hint.
NOT_ASKED_OF_MALE = "Not asked of a patient recorded as male."


def questionnaire_url() -> str:
    return canonical(f"Questionnaire/{QUESTIONNAIRE_ID}")


def group_link_id(step_name: str) -> str:
    return f"step-{step_name}"


def _limits(field: forms.Field) -> list[dict]:
    extensions = []
    if getattr(field, "min_value", None) is not None:
        extensions.append({"url": MIN_VALUE, "valueInteger": field.min_value})
    if getattr(field, "max_value", None) is not None:
        extensions.append({"url": MAX_VALUE, "valueInteger": field.max_value})
    return extensions


def _item_type(field: forms.Field) -> str:
    if isinstance(field, forms.ModelChoiceField):
        return "reference"
    if isinstance(field, forms.ChoiceField) and {value for value, _ in field.choices} == YES_NO:
        return "boolean"
    if isinstance(field, forms.ChoiceField):
        return "choice"
    if isinstance(field, forms.DateField):
        return "date"
    if isinstance(field, forms.IntegerField):
        return "integer"
    return "string"


def _help(link_id: str, text: str) -> dict:
    return {
        "linkId": f"{link_id}-help",
        "type": "display",
        "text": text,
        "extension": [
            {
                "url": ITEM_CONTROL,
                "valueCodeableConcept": {
                    "coding": [
                        {"system": ITEM_CONTROL_SYSTEM, "code": "help", "display": "Help-Button"}
                    ]
                },
            }
        ],
    }


def not_asked_of_male(form_class, *, today: datetime.date) -> set[str]:
    """The form's questions it hides from a patient recorded as male (e.g. pregnancy)."""
    everyone = form_class(None, patient=None, today=today)
    male = form_class(None, patient=Patient(sex=Sex.MALE), today=today)
    return set(everyone.fields) - {bound.name for bound in male.shown_fields()}


def question_item(name: str, field: forms.Field, *, for_some: bool = False) -> dict:
    item_type = _item_type(field)
    item = {"linkId": name, "text": str(field.label), "type": item_type}
    item["required"] = bool(field.required) and not for_some
    if item_type == "choice":
        item["answerOption"] = [
            {"valueCoding": {"code": str(value), "display": str(label)}}
            for value, label in field.choices
            if value != ""
        ]
    if item_type == "reference":
        item["extension"] = [
            {
                "url": "http://hl7.org/fhir/StructureDefinition/questionnaire-referenceResource",
                "valueCode": "Patient",
            }
        ]
    limits = _limits(field)
    if limits:
        item.setdefault("extension", []).extend(limits)
    if name in ENABLE_WHEN:
        question, answer = ENABLE_WHEN[name]
        item["enableWhen"] = [{"question": question, "operator": "=", "answerBoolean": answer}]
    hints = [str(field.help_text)] if field.help_text else []
    if for_some:
        hints.append(NOT_ASKED_OF_MALE)
    if hints:
        item["item"] = [_help(name, " ".join(hints))]
    return item


def intake_questionnaire(steps, step_forms: dict, *, today: datetime.date) -> dict:
    """The Questionnaire for the intake steps, asked by the step forms (step name -> form)."""
    groups = []
    for step in steps:
        form_class = step_forms[step.name]
        form = form_class(None, patient=None, today=today)
        some = not_asked_of_male(form_class, today=today)
        groups.append(
            {
                "linkId": group_link_id(step.name),
                "text": step.title,
                "type": "group",
                "required": True,
                "item": [
                    question_item(name, field, for_some=name in some)
                    for name, field in form.fields.items()
                ],
            }
        )
    return {
        "resourceType": "Questionnaire",
        "id": QUESTIONNAIRE_ID,
        "url": questionnaire_url(),
        "version": RULESET_VERSION,
        "name": "UprightIntake",
        "title": "Upright intake: acute neck and upper-back pain",
        "status": "active",
        "experimental": False,
        "subjectType": ["Patient"],
        "publisher": "Upright",
        "description": (
            "The nurse's intake, step by step, exactly as the forms ask it. Every yes/no "
            "question is asked explicitly; none is pre-answered."
        ),
        "item": groups,
    }


def question_types(questionnaire: dict) -> dict[str, tuple[str, str, dict]]:
    """linkId -> (group linkId, item type, item) for every question of the Questionnaire."""
    return {
        item["linkId"]: (group["linkId"], item["type"], item)
        for group in questionnaire["item"]
        for item in group["item"]
    }
