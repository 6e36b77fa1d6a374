"""Condition: the presenting complaint of an episode, onset as the intake recorded it."""

from __future__ import annotations

import datetime

from .code_systems import OBSERVATION_DISPLAY
from .common import (
    ENTERED_IN_ERROR,
    coding,
    instant,
    local_concept,
    local_day,
    reference,
    staff_reference,
)

CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"


def onset_date(encounter) -> datetime.date | None:
    if encounter.onset_date is not None:
        return encounter.onset_date
    if encounter.days_since_onset is None:
        return None
    return local_day(encounter.occurred_at) - datetime.timedelta(days=encounter.days_since_onset)


def condition_resource(encounter) -> dict:
    code = encounter.pain_location or "neck-or-upper-back"
    resource = {
        "resourceType": "Condition",
        "id": str(encounter.pk),
        "category": [{"coding": [coding(CATEGORY, "encounter-diagnosis", "Encounter Diagnosis")]}],
        "code": local_concept(code, OBSERVATION_DISPLAY[code]),
        "subject": reference("Patient", encounter.patient_id),
        "encounter": reference("Encounter", encounter.pk),
        "recordedDate": instant(encounter.occurred_at),
        "recorder": staff_reference(encounter.recorded_by),
    }
    if encounter.voided_at is not None:
        # A condition entered in error carries no clinical status (FHIR invariant con-5).
        resource["verificationStatus"] = {"coding": [coding(VERIFICATION, ENTERED_IN_ERROR)]}
    else:
        clinical = "resolved" if encounter.episode_status == "resolved" else "active"
        resource["clinicalStatus"] = {"coding": [coding(CLINICAL, clinical)]}
        resource["verificationStatus"] = {"coding": [coding(VERIFICATION, "confirmed")]}
    onset = onset_date(encounter)
    if onset is not None:
        resource["onsetDateTime"] = onset.isoformat()
    return resource
