"""Observation: every pain score (LOINC 72514-3), global rating of change, activity score."""

from __future__ import annotations

from .common import (
    ENTERED_IN_ERROR,
    LOINC,
    PAIN_SEVERITY_LOINC,
    coding,
    instant,
    local_concept,
    observation_codes,
    reference,
    staff_reference,
)

CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
SURVEY = [{"coding": [coding(CATEGORY, "survey", "Survey")]}]
PAIN_CODE = {
    "coding": [
        coding(
            LOINC,
            PAIN_SEVERITY_LOINC,
            "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
        )
    ],
    "text": "Pain score (0-10)",
}
ACTIVITY_SLOTS = (1, 2, 3)


def _observation(
    *, resource_id, code, value, voided, subject_id, encounter_ref, when, performer, derived_from
) -> dict:
    return {
        "resourceType": "Observation",
        "id": resource_id,
        "status": ENTERED_IN_ERROR if voided else "final",
        "category": SURVEY,
        "code": code,
        "subject": reference("Patient", subject_id),
        "encounter": encounter_ref,
        "effectiveDateTime": when,
        "performer": [staff_reference(performer)],
        "valueInteger": value,
        "derivedFrom": [derived_from],
    }


def intake_pain(encounter) -> dict:
    return _observation(
        resource_id=f"intake-pain-{encounter.pk}",
        code=PAIN_CODE,
        value=encounter.pain_score,
        voided=encounter.voided_at is not None,
        subject_id=encounter.patient_id,
        encounter_ref=reference("Encounter", encounter.pk),
        when=instant(encounter.occurred_at),
        performer=encounter.recorded_by,
        derived_from=reference("QuestionnaireResponse", f"intake-{encounter.pk}"),
    )


def visit_observations(visit, follow_up) -> list[dict]:
    """Pain, global rating of change and each named activity score of one visit."""
    common = {
        "voided": follow_up.voided_at is not None,
        "subject_id": follow_up.encounter.patient_id,
        "encounter_ref": reference("Encounter", f"visit-{visit.pk}"),
        "when": visit.visit_date.isoformat(),
        "performer": visit.recorded_by,
        "derived_from": reference("QuestionnaireResponse", f"visit-{visit.pk}"),
    }
    found = [
        _observation(
            resource_id=f"visit-pain-{visit.pk}", code=PAIN_CODE, value=visit.pain_score, **common
        ),
        _observation(
            resource_id=f"visit-change-{visit.pk}",
            code=local_concept("global-change", "Global rating of change"),
            value=visit.global_change,
            **common,
        ),
    ]
    for slot in ACTIVITY_SLOTS:
        name = getattr(visit, f"activity_{slot}_name")
        score = getattr(visit, f"activity_{slot}_score")
        if name and score is not None:
            code = {
                "coding": [coding(observation_codes(), "activity-score", "Activity score")],
                "text": f"Activity score: {name}",
            }
            found.append(
                _observation(
                    resource_id=f"visit-activity-{visit.pk}-{slot}",
                    code=code,
                    value=score,
                    **common,
                )
            )
    return found
