"""AuditEvent: who opened a patient's chart (or read it through this API), and when."""

from __future__ import annotations

from .common import coding, instant, reference, staff_reference

DICOM = "http://dicom.nema.org/resources/ontology/DCM"


def audit_event_resource(access) -> dict:
    return {
        "resourceType": "AuditEvent",
        "id": f"chart-access-{access.pk}",
        "type": coding(DICOM, "110110", "Patient Record"),
        "action": "R",
        "recorded": instant(access.accessed_at),
        "outcome": "0",
        "agent": [{"who": staff_reference(access.user), "requestor": True}],
        "source": {"observer": {"display": "Upright"}},
        "entity": [{"what": reference("Patient", access.patient_id)}],
    }
