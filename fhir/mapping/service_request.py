"""ServiceRequest: urgent or emergency advice, as a draft proposal a clinician may act on."""

from __future__ import annotations

from .common import (
    ENTERED_IN_ERROR,
    coding,
    instant,
    recommendation_codes,
    red_flag_label,
    reference,
)

# The escalation cards: the advice to see a clinician now.
ESCALATION_CODES = ("EMERGENCY_REFERRAL", "URGENT_EVALUATION", "INFECTION_WORKUP")
PRIORITY = {"EMERGENCY_REFERRAL": "stat"}


def service_request_resource(
    recommendation,
    *,
    resource_id: str,
    patient_id,
    encounter_ref: dict,
    based_on: dict | None,
    authored,
    red_flags,
    voided: bool,
) -> dict:
    resource = {
        "resourceType": "ServiceRequest",
        "id": resource_id,
        "status": ENTERED_IN_ERROR if voided else "draft",
        "intent": "proposal",
        "priority": PRIORITY.get(recommendation.code, "urgent"),
        "code": {
            "coding": [coding(recommendation_codes(), recommendation.code)],
            "text": recommendation.summary,
        },
        "subject": reference("Patient", patient_id),
        "encounter": encounter_ref,
        "authoredOn": instant(authored),
        "note": [{"text": recommendation.detail}],
    }
    if red_flags:
        resource["reasonCode"] = [{"text": red_flag_label(key)} for key in red_flags]
    if based_on is not None:
        resource["basedOn"] = [based_on]
    return resource


def plan_requests(plan, encounter, recommendations) -> list[dict]:
    return [
        service_request_resource(
            item,
            resource_id=f"plan-{plan.pk}-{item.code.lower().replace('_', '-')}",
            patient_id=encounter.patient_id,
            encounter_ref=reference("Encounter", encounter.pk),
            based_on=reference("CarePlan", plan.pk),
            authored=plan.created_at,
            red_flags=plan.red_flags,
            voided=encounter.voided_at is not None,
        )
        for item in recommendations
        if item.code in ESCALATION_CODES
    ]


def visit_requests(visit, follow_up, recommendations) -> list[dict]:
    return [
        service_request_resource(
            item,
            resource_id=f"visit-{visit.pk}-{item.code.lower().replace('_', '-')}",
            patient_id=follow_up.encounter.patient_id,
            encounter_ref=reference("Encounter", f"visit-{visit.pk}"),
            based_on=None,
            authored=visit.recorded_at,
            red_flags=visit.red_flags,
            voided=follow_up.voided_at is not None or follow_up.encounter.voided_at is not None,
        )
        for item in recommendations
        if item.code in ESCALATION_CODES
    ]
