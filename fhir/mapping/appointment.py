"""Appointment: each follow-up visit, booked, fulfilled, missed (noshow) or cancelled."""

from __future__ import annotations

from .common import ENTERED_IN_ERROR, day_end, day_start, instant, reference

STATUS = {
    "scheduled": "booked",
    "completed": "fulfilled",
    "missed": "noshow",
    "cancelled": "cancelled",
}


def appointment_resource(follow_up) -> dict:
    status = ENTERED_IN_ERROR if follow_up.voided_at is not None else STATUS[follow_up.status]
    resource = {
        "resourceType": "Appointment",
        "id": str(follow_up.pk),
        "status": status,
        "description": follow_up.purpose,
        # A visit is due on a day, not at a time: the appointment spans that day.
        "start": day_start(follow_up.due_date),
        "end": day_end(follow_up.due_date),
        "created": instant(follow_up.created_at),
        "participant": [
            {"actor": reference("Patient", follow_up.encounter.patient_id), "status": "accepted"}
        ],
        "supportingInformation": [reference("Encounter", follow_up.encounter_id)],
    }
    if follow_up.status == "cancelled" and follow_up.status_reason:
        resource["cancelationReason"] = {"text": follow_up.status_reason}
    if follow_up.status == "missed" and follow_up.status_reason:
        resource["comment"] = f"Missed: {follow_up.status_reason}"
    if follow_up.plan_day is not None:
        resource["comment"] = "; ".join(
            part
            for part in (f"Day {follow_up.plan_day} of the plan", resource.get("comment"))
            if part
        )
    return resource
