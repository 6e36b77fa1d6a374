"""Bulk export: every resource of the patients changed since a date, as NDJSON per type.

The output follows the shape of FHIR Bulk Data: one file per resource type
(`Patient.ndjson`, `Encounter.ndjson`, ...) with one resource per line, and a `manifest.json`
listing them, so a clinic's data warehouse can load it with the tools it uses for any server.
"""

from __future__ import annotations

import datetime
import json
from collections import Counter
from pathlib import Path

from django.db.models import Q
from django.utils import timezone

from patients.models import Patient
from triage.intake.answers import STEP_FORMS
from triage.intake.steps import STEPS
from triage.models import Encounter, Escalation, FollowUp, IntakeDraft, VisitRecord

from .mapping.bundle import patient_resources
from .mapping.questionnaire import intake_questionnaire
from .selectors import records_for

BATCH = 500


def changed_patient_ids(since: datetime.datetime | None) -> list[int]:
    """Patients whose record changed at or after `since` (every patient when None)."""
    if since is None:
        return list(Patient.objects.order_by("pk").values_list("pk", flat=True))
    ids: set[int] = set(Patient.objects.filter(updated_at__gte=since).values_list("pk", flat=True))
    ids.update(Encounter.objects.filter(updated_at__gte=since).values_list("patient_id", flat=True))
    ids.update(
        FollowUp.objects.filter(updated_at__gte=since).values_list(
            "encounter__patient_id", flat=True
        )
    )
    ids.update(
        VisitRecord.objects.filter(recorded_at__gte=since).values_list(
            "follow_up__encounter__patient_id", flat=True
        )
    )
    ids.update(
        Escalation.objects.filter(Q(opened_at__gte=since) | Q(closed_at__gte=since)).values_list(
            "encounter__patient_id", flat=True
        )
    )
    ids.update(
        IntakeDraft.objects.filter(updated_at__gte=since, patient__isnull=False).values_list(
            "patient_id", flat=True
        )
    )
    return sorted(ids)


def export_bulk(
    *, directory: Path, since: datetime.datetime | None, now: datetime.datetime
) -> Counter:
    """Write the NDJSON files and the manifest; return how many resources of each type."""
    directory.mkdir(parents=True, exist_ok=True)
    questionnaire = intake_questionnaire(STEPS, STEP_FORMS, today=timezone.localdate(now))
    counts: Counter = Counter()
    files: dict[str, object] = {}
    ids = changed_patient_ids(since)
    try:
        for start in range(0, len(ids), BATCH):
            patients = list(Patient.objects.filter(pk__in=ids[start : start + BATCH]))
            for records in records_for(patients).values():
                for resource in patient_resources(records, questionnaire):
                    kind = resource["resourceType"]
                    if kind not in files:
                        files[kind] = (directory / f"{kind}.ndjson").open("w", encoding="utf-8")
                    files[kind].write(json.dumps(resource, separators=(",", ":")) + "\n")
                    counts[kind] += 1
    finally:
        for handle in files.values():
            handle.close()
    manifest = {
        "transactionTime": now.isoformat(timespec="seconds"),
        "request": "export_fhir" + (f" --since {since.isoformat()}" if since else ""),
        "requiresAccessToken": False,
        "output": [
            {"type": kind, "url": f"{kind}.ndjson", "count": counts[kind]}
            for kind in sorted(counts)
        ],
        "error": [],
    }
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return counts
