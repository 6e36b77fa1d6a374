"""Provenance: who recorded each intake and visit, who signed off, voided or closed what."""

from __future__ import annotations

from .common import coding, instant, reference, staff_reference

DATA_OPERATION = "http://terminology.hl7.org/CodeSystem/v3-DataOperation"
PARTICIPATION_TYPE = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
AGENT_TYPE = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"


def _operation(code: str, display: str) -> dict:
    return {"coding": [coding(DATA_OPERATION, code, display)]}


# What each kind of event was, and the part its user played: (activity, agent type).
ACTIVITIES = {
    "recorded": (_operation("CREATE", "create"), "author"),
    "signed-off": (
        {
            "coding": [coding(PARTICIPATION_TYPE, "VRF", "verifier")],
            "text": "Signed off after clinical review",
        },
        "verifier",
    ),
    "voided": (_operation("NULLIFY", "nullify"), "author"),
    "closed": (_operation("UPDATE", "revise"), "author"),
}


def _provenance(record_id: str, targets: list[dict], events) -> list[dict]:
    """One Provenance per event that happened: `events` holds (kind, when, user, reason);
    an event without a time or a user has not happened and gives none."""
    found = []
    for kind, when, user, reason in events:
        if when is None or user is None:
            continue
        activity, agent_type = ACTIVITIES[kind]
        resource = {
            "resourceType": "Provenance",
            "id": f"{record_id}-{kind}",
            "target": targets,
            "recorded": instant(when),
            "activity": activity,
            "agent": [
                {
                    "type": {"coding": [coding(AGENT_TYPE, agent_type)]},
                    "who": staff_reference(user),
                }
            ],
        }
        if reason:
            resource["reason"] = [{"text": reason}]
        found.append(resource)
    return found


def encounter_provenance(encounter, targets: list[dict]) -> list[dict]:
    """Recorded by (the nurse), signed off by (a clinician), voided by (with the reason)."""
    return _provenance(
        f"encounter-{encounter.pk}",
        targets,
        [
            ("recorded", encounter.created_at, encounter.recorded_by, None),
            ("signed-off", encounter.reviewed_at, encounter.reviewed_by, None),
            ("voided", encounter.voided_at, encounter.voided_by, encounter.void_reason),
        ],
    )


def visit_provenance(visit, follow_up, targets: list[dict]) -> list[dict]:
    """Recorded by, and voided by (with the reason)."""
    return _provenance(
        f"visit-{visit.pk}",
        targets,
        [
            ("recorded", visit.recorded_at, visit.recorded_by, None),
            ("voided", follow_up.voided_at, follow_up.voided_by, follow_up.void_reason),
        ],
    )


def escalation_provenance(escalation) -> list[dict]:
    """Who closed an escalation, with the recorded outcome."""
    return _provenance(
        f"escalation-{escalation.pk}",
        [reference("Flag", escalation.pk)],
        [("closed", escalation.closed_at, escalation.closed_by, escalation.get_outcome_display())],
    )
