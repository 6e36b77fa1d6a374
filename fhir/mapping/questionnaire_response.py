"""QuestionnaireResponse: each submitted intake, each draft (in-progress) and each visit."""

from __future__ import annotations

import datetime

from triage.guideline import FACT_SPECS, RED_FLAG_KEYS, VISIT_FACT_SPECS

from .common import ENTERED_IN_ERROR, instant, reference, staff_reference
from .questionnaire import questionnaire_url

YES, NO = "yes", "no"


def _answer(item_type: str, item: dict, value) -> dict | None:
    """One answer in the shape of the item's type, or None when there is nothing to say."""
    if value is None or value == "":
        return None
    if item_type == "boolean":
        return {"valueBoolean": bool(value)}
    if item_type == "integer":
        return {"valueInteger": int(value)}
    if item_type == "date":
        return {"valueDate": value.isoformat()}
    if item_type == "choice":
        for option in item.get("answerOption", []):
            if option["valueCoding"]["code"] == str(value):
                return {"valueCoding": option["valueCoding"]}
        return None
    if item_type == "reference":
        return {"valueReference": value}
    return {"valueString": str(value)}


def _response_items(questionnaire: dict, value_of) -> list[dict]:
    groups = []
    for group in questionnaire["item"]:
        answered = []
        for item in group["item"]:
            answer = _answer(item["type"], item, value_of(item["linkId"], item["type"]))
            if answer is not None:
                answered.append(
                    {"linkId": item["linkId"], "text": item["text"], "answer": [answer]}
                )
        if answered:
            groups.append({"linkId": group["linkId"], "text": group["text"], "item": answered})
    return groups


def _encounter_value(encounter):
    """Read each intake answer back from the encounter's typed columns."""

    def value_of(link_id: str, item_type: str):
        if item_type == "reference":
            return reference("Patient", encounter.patient_id)
        if link_id == "takes_muscle_relaxant":
            return encounter.muscle_relaxant_start is not None
        if link_id == "pregnant":
            return encounter.pregnancy_weeks is not None
        return getattr(encounter, link_id, None)

    return value_of


def _draft_value(draft):
    """Read each answer from a draft's saved text, keeping only what parses as its type."""
    saved = {
        name: text
        for step in (draft.answers or {}).values()
        if isinstance(step, dict)
        for name, text in step.items()
    }

    def value_of(link_id: str, item_type: str):
        text = saved.get(link_id)
        if not isinstance(text, str) or text == "":
            return None
        if item_type == "boolean":
            return {YES: True, NO: False}.get(text)
        if item_type == "integer":
            return int(text) if text.lstrip("-").isdigit() else None
        if item_type == "date":
            try:
                return datetime.date.fromisoformat(text)
            except ValueError:
                return None
        if item_type == "reference":
            return reference("Patient", draft.patient_id) if text == str(draft.patient_id) else None
        return text

    return value_of


def intake_response(encounter, questionnaire: dict) -> dict:
    return {
        "resourceType": "QuestionnaireResponse",
        "id": f"intake-{encounter.pk}",
        "questionnaire": f"{questionnaire_url()}|{questionnaire['version']}",
        "status": ENTERED_IN_ERROR if encounter.voided_at is not None else "completed",
        "subject": reference("Patient", encounter.patient_id),
        "encounter": reference("Encounter", encounter.pk),
        "authored": instant(encounter.occurred_at),
        "author": staff_reference(encounter.recorded_by),
        "item": _response_items(questionnaire, _encounter_value(encounter)),
    }


def draft_response(draft, questionnaire: dict) -> dict:
    """A nurse's unfinished intake: in progress, with the answers saved so far."""
    return {
        "resourceType": "QuestionnaireResponse",
        "id": f"draft-{draft.pk}",
        "questionnaire": f"{questionnaire_url()}|{questionnaire['version']}",
        "status": "in-progress",
        "subject": reference("Patient", draft.patient_id),
        "authored": instant(draft.updated_at),
        "author": staff_reference(draft.owner),
        "item": _response_items(questionnaire, _draft_value(draft)),
    }


def _visit_item(link_id: str, text: str, answer: dict) -> dict:
    return {"linkId": link_id, "text": text, "answer": [answer]}


def visit_response(visit, follow_up) -> dict:
    """What was asked and answered at a follow-up visit."""
    items = [
        _visit_item("visit_date", "Date of the visit", {"valueDate": visit.visit_date.isoformat()}),
        _visit_item("day", VISIT_FACT_SPECS["day"].question, {"valueInteger": visit.day}),
        _visit_item(
            "pain_score",
            VISIT_FACT_SPECS["pain_score"].question,
            {"valueInteger": visit.pain_score},
        ),
        _visit_item(
            "global_change",
            VISIT_FACT_SPECS["global_change"].question,
            {"valueInteger": visit.global_change},
        ),
    ]
    if visit.muscle_relaxant_days is not None:
        items.append(
            _visit_item(
                "muscle_relaxant_days",
                VISIT_FACT_SPECS["muscle_relaxant_days"].question,
                {"valueInteger": visit.muscle_relaxant_days},
            )
        )
    items.extend(
        _visit_item(key, FACT_SPECS[key].question, {"valueBoolean": bool(getattr(visit, key))})
        for key in RED_FLAG_KEYS
        if hasattr(visit, key)
    )
    for slot in (1, 2, 3):
        name = getattr(visit, f"activity_{slot}_name")
        score = getattr(visit, f"activity_{slot}_score")
        if name and score is not None:
            items.append(
                _visit_item(f"activity_{slot}", f"Activity score: {name}", {"valueInteger": score})
            )
    if visit.note:
        items.append(_visit_item("note", "Note", {"valueString": visit.note}))
    return {
        "resourceType": "QuestionnaireResponse",
        "id": f"visit-{visit.pk}",
        "status": ENTERED_IN_ERROR if follow_up.voided_at is not None else "completed",
        "subject": reference("Patient", follow_up.encounter.patient_id),
        "encounter": reference("Encounter", f"visit-{visit.pk}"),
        "authored": instant(visit.recorded_at),
        "author": staff_reference(visit.recorded_by),
        "item": items,
    }
