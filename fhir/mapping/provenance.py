"""Provenance: who recorded each intake and visit, who signed off, voided or closed what."""

from __future__ import annotations

from .common import coding, instant, reference, staff_reference

DATA_OPERATION = "http://terminology.hl7.org/CodeSystem/v3-DataOperation"
PARTICIPATION_TYPE = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
AGENT_TYPE = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"


def _provenance(*, resource_id, targets, when, activity, agent_type, user, reason=None) -> dict:
    resource = {
        "resourceType": "Provenance",
        "id": resource_id,
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
    return resource


def _operation(code: str, display: str) -> dict:
    return {"coding": [coding(DATA_OPERATION, code, display)]}


def encounter_provenance(encounter, targets: list[dict]) -> list[dict]:
    """Recorded by (the nurse), signed off by (a clinician), voided by (with the reason)."""
    found = [
        _provenance(
            resource_id=f"encounter-{encounter.pk}-recorded",
            targets=targets,
            when=encounter.created_at,
            activity=_operation("CREATE", "create"),
            agent_type="author",
            user=encounter.recorded_by,
        )
    ]
    if encounter.reviewed_at is not None and encounter.reviewed_by is not None:
        found.append(
            _provenance(
                resource_id=f"encounter-{encounter.pk}-signed-off",
                targets=targets,
                when=encounter.reviewed_at,
                activity={
                    "coding": [coding(PARTICIPATION_TYPE, "VRF", "verifier")],
                    "text": "Signed off after clinical review",
                },
                agent_type="verifier",
                user=encounter.reviewed_by,
            )
        )
    if encounter.voided_at is not None and encounter.voided_by is not None:
        found.append(
            _provenance(
                resource_id=f"encounter-{encounter.pk}-voided",
                targets=targets,
                when=encounter.voided_at,
                activity=_operation("NULLIFY", "nullify"),
                agent_type="author",
                user=encounter.voided_by,
                reason=encounter.void_reason,
            )
        )
    return found


def visit_provenance(visit, follow_up, targets: list[dict]) -> list[dict]:
    found = [
        _provenance(
            resource_id=f"visit-{visit.pk}-recorded",
            targets=targets,
            when=visit.recorded_at,
            activity=_operation("CREATE", "create"),
            agent_type="author",
            user=visit.recorded_by,
        )
    ]
    if follow_up.voided_at is not None and follow_up.voided_by is not None:
        found.append(
            _provenance(
                resource_id=f"visit-{visit.pk}-voided",
                targets=targets,
                when=follow_up.voided_at,
                activity=_operation("NULLIFY", "nullify"),
                agent_type="author",
                user=follow_up.voided_by,
                reason=follow_up.void_reason,
            )
        )
    return found


def escalation_provenance(escalation) -> list[dict]:
    """Who closed an escalation, with the recorded outcome."""
    if escalation.closed_at is None or escalation.closed_by is None:
        return []
    return [
        _provenance(
            resource_id=f"escalation-{escalation.pk}-closed",
            targets=[reference("Flag", escalation.pk)],
            when=escalation.closed_at,
            activity=_operation("UPDATE", "revise"),
            agent_type="author",
            user=escalation.closed_by,
            reason=escalation.get_outcome_display(),
        )
    ]
