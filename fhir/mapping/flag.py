"""Flag: each escalation, active until a clinician records its outcome; an emergency one says so
(in its text and in the core flag-priority extension), as the worklist puts it first."""

from __future__ import annotations

from .common import ENTERED_IN_ERROR, coding, instant, red_flag_label, reference

CATEGORY = "http://terminology.hl7.org/CodeSystem/flag-category"
PRIORITY_EXTENSION = "http://hl7.org/fhir/StructureDefinition/flag-priority"
PRIORITY_CODES = "http://hl7.org/fhir/flag-priority-code"
# Escalation priority -> (flag priority code, its display, the words in the flag's text).
PRIORITY = {
    "emergency": ("PH", "High priority", "Emergency"),
    "urgent": ("PM", "Medium priority", "Urgent"),
}


def flag_resource(escalation, *, voided: bool) -> dict:
    if voided:
        status = ENTERED_IN_ERROR
    else:
        status = "active" if escalation.closed_at is None else "inactive"
    named = "; ".join(red_flag_label(key) for key in escalation.red_flags) or "red flags"
    period = {"start": instant(escalation.opened_at)}
    if escalation.closed_at is not None:
        period["end"] = instant(escalation.closed_at)
    encounter = (
        reference("Encounter", f"visit-{escalation.visit_id}")
        if escalation.visit_id
        else reference("Encounter", escalation.encounter_id)
    )
    code, display, words = PRIORITY[escalation.priority]
    return {
        "resourceType": "Flag",
        "id": str(escalation.pk),
        "extension": [
            {
                "url": PRIORITY_EXTENSION,
                "valueCodeableConcept": {"coding": [coding(PRIORITY_CODES, code, display)]},
            }
        ],
        "status": status,
        "category": [{"coding": [coding(CATEGORY, "clinical", "Clinical")]}],
        "code": {"text": f"{words} escalation for clinician review: {named}"},
        "subject": reference("Patient", escalation.encounter.patient_id),
        "period": period,
        "encounter": encounter,
    }
