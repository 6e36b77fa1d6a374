"""Encounter (class AMB): the intake visit, and each follow-up visit that took place."""

from __future__ import annotations

from .common import ENTERED_IN_ERROR, coding, instant, reference, staff_reference

ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
PARTICIPATION_TYPE = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
AMBULATORY = coding(ACT_CODE, "AMB", "ambulatory")
CONTINUATION_TYPE = "Conservative care plan after serious disease was excluded"


def _participant(user) -> dict:
    return {
        "type": [{"coding": [coding(PARTICIPATION_TYPE, "PPRF", "primary performer")]}],
        "individual": staff_reference(user),
    }


def intake_encounter(encounter) -> dict:
    """An intake; or the conservative plan a clinician made once serious disease was excluded,
    part of the escalated intake's episode."""
    if encounter.voided_at is not None:
        status = ENTERED_IN_ERROR
    else:
        status = "finished" if encounter.status == "submitted" else "in-progress"
    resource = {
        "resourceType": "Encounter",
        "id": str(encounter.pk),
        "meta": {"lastUpdated": instant(encounter.updated_at)},
        "status": status,
        "class": AMBULATORY,
        "type": [{"text": "Intake for acute neck or upper-back pain"}],
        "subject": reference("Patient", encounter.patient_id),
        "participant": [_participant(encounter.recorded_by)],
        "period": {"start": instant(encounter.occurred_at)},
        "reasonReference": [reference("Condition", encounter.pk)],
    }
    if encounter.continues_id is not None:
        resource["type"] = [{"text": CONTINUATION_TYPE}]
        resource["partOf"] = reference("Encounter", encounter.continues_id)
    return resource


def visit_encounter(visit, follow_up) -> dict:
    """A follow-up visit that took place, part of the intake encounter's episode."""
    return {
        "resourceType": "Encounter",
        "id": f"visit-{visit.pk}",
        "status": ENTERED_IN_ERROR if follow_up.voided_at is not None else "finished",
        "class": AMBULATORY,
        "type": [{"text": f"Follow-up visit, day {visit.day}"}],
        "subject": reference("Patient", follow_up.encounter.patient_id),
        "participant": [_participant(visit.recorded_by)],
        "appointment": [reference("Appointment", follow_up.pk)],
        "period": {"start": visit.visit_date.isoformat()},
        "partOf": reference("Encounter", follow_up.encounter_id),
    }
