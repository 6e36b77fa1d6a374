"""Check resources with fhir.resources' R4B models, and that a Bundle's references resolve."""

from __future__ import annotations

from fhir.resources.R4B import get_fhir_model_class

# fhir.resources checks structure and types, not code values: the status value sets of the
# resource types served (required bindings in R4), checked here.
STATUSES = {
    "Encounter": {"planned", "arrived", "triaged", "in-progress", "onleave", "finished",
                  "cancelled", "entered-in-error", "unknown"},
    "Observation": {"registered", "preliminary", "final", "amended", "corrected", "cancelled",
                    "entered-in-error", "unknown"},
    "QuestionnaireResponse": {"in-progress", "completed", "amended", "entered-in-error",
                              "stopped"},
    "CarePlan": {"draft", "active", "on-hold", "revoked", "completed", "entered-in-error",
                 "unknown"},
    "ServiceRequest": {"draft", "active", "on-hold", "revoked", "completed", "entered-in-error",
                       "unknown"},
    "Flag": {"active", "inactive", "entered-in-error"},
    "Appointment": {"proposed", "pending", "booked", "arrived", "fulfilled", "cancelled",
                    "noshow", "entered-in-error", "checked-in", "waitlist"},
    "Questionnaire": {"draft", "active", "retired", "unknown"},
    "PlanDefinition": {"draft", "active", "retired", "unknown"},
    "CodeSystem": {"draft", "active", "retired", "unknown"},
    "CapabilityStatement": {"draft", "active", "retired", "unknown"},
}  # fmt: skip
ACTIVITY_STATUSES = {"not-started", "scheduled", "in-progress", "on-hold", "completed",
                     "cancelled", "stopped", "unknown", "entered-in-error"}  # fmt: skip


def validate(resource: dict):
    """Parse a resource with its R4B model (and check its status codes); raises when invalid."""
    model = get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    if resource["resourceType"] in STATUSES:
        assert resource["status"] in STATUSES[resource["resourceType"]], resource["status"]
    for activity in resource.get("activity", []) if resource["resourceType"] == "CarePlan" else []:
        assert activity["detail"]["status"] in ACTIVITY_STATUSES
    if resource["resourceType"] == "Bundle":
        for entry in resource.get("entry", []):
            validate(entry["resource"])
    return model


def _references(node):
    if isinstance(node, dict):
        if isinstance(node.get("reference"), str):
            yield node["reference"]
        for value in node.values():
            yield from _references(value)
    elif isinstance(node, list):
        for value in node:
            yield from _references(value)


def unresolved_references(bundle: dict) -> list[str]:
    """Literal references in the Bundle that name no entry of it."""
    present = {
        f"{entry['resource']['resourceType']}/{entry['resource']['id']}"
        for entry in bundle["entry"]
    }
    return sorted(
        {ref for entry in bundle["entry"] for ref in _references(entry["resource"])} - present
    )
