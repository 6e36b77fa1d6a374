"""A patient's whole record as FHIR resources, and the Bundle that carries them."""

from __future__ import annotations

from .appointment import appointment_resource
from .care_plan import care_plan_resource
from .common import instant, reference
from .condition import condition_resource
from .encounter import intake_encounter, visit_encounter
from .flag import flag_resource
from .observation import intake_pain, visit_observations
from .patient import patient_resource
from .provenance import encounter_provenance, escalation_provenance, visit_provenance
from .questionnaire_response import draft_response, intake_response, visit_response
from .service_request import plan_requests, visit_requests


def _ref(resource: dict) -> dict:
    return reference(resource["resourceType"], resource["id"])


def _intake_resources(encounter, questionnaire: dict) -> list[dict]:
    found = [intake_encounter(encounter)]
    if encounter.status == "submitted":
        found.append(condition_resource(encounter))
        found.append(intake_response(encounter, questionnaire))
        if encounter.pain_score is not None:
            found.append(intake_pain(encounter))
    return found


def _visit_resources(follow_up, recommendations_by_visit: dict) -> list[dict]:
    visit = getattr(follow_up, "visit", None)
    if visit is None:
        return []
    found = [
        visit_encounter(visit, follow_up),
        visit_response(visit, follow_up),
        *visit_observations(visit, follow_up),
        *visit_requests(visit, follow_up, recommendations_by_visit.get(visit.pk, [])),
    ]
    return found + visit_provenance(visit, follow_up, [_ref(item) for item in found])


def patient_resources(records, questionnaire: dict) -> list[dict]:
    """Every resource of one patient's record (see selectors.PatientRecords)."""
    resources = [patient_resource(records.patient)]
    encounters = {encounter.pk: encounter for encounter in records.encounters}
    by_encounter: dict[int, list[dict]] = {}
    for encounter in records.encounters:
        by_encounter[encounter.pk] = _intake_resources(encounter, questionnaire)
    plan_of = {plan.encounter_id: plan for plan in records.care_plans}
    # An escalated episode a clinician continued with a conservative plan (not voided since).
    continued = {
        encounter.continues_id
        for encounter in records.encounters
        if encounter.continues_id is not None and encounter.voided_at is None
    }
    for plan in records.care_plans:
        encounter = encounters[plan.encounter_id]
        items = list(plan.recommendations.all())
        first = plan_of.get(encounter.continues_id)
        by_encounter[encounter.pk].append(
            care_plan_resource(
                plan,
                encounter,
                items,
                replaces=reference("CarePlan", first.pk) if first is not None else None,
                replaced=encounter.pk in continued,
            )
        )
        by_encounter[encounter.pk].extend(plan_requests(plan, encounter, items))
    for encounter in records.encounters:
        own = by_encounter[encounter.pk]
        resources.extend(own)
        resources.extend(encounter_provenance(encounter, [_ref(item) for item in own]))
    for follow_up in records.follow_ups:
        resources.append(appointment_resource(follow_up))
        resources.extend(_visit_resources(follow_up, records.visit_recommendations))
    for escalation in records.escalations:
        voided = escalation.encounter.voided_at is not None or (
            escalation.visit_id is not None and escalation.visit.follow_up.voided_at is not None
        )
        resources.append(flag_resource(escalation, voided=voided))
        resources.extend(escalation_provenance(escalation))
    resources.extend(draft_response(draft, questionnaire) for draft in records.drafts)
    return resources


def searchset(resources: list[dict], *, base_url: str, now) -> dict:
    """A searchset Bundle; every entry's fullUrl is its absolute address on this server."""
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "timestamp": instant(now),
        "total": len(resources),
        "entry": [
            {
                "fullUrl": f"{base_url}/{resource['resourceType']}/{resource['id']}",
                "resource": resource,
                "search": {"mode": "match"},
            }
            for resource in resources
        ],
    }
