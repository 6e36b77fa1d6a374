"""manage.py export_fhir: NDJSON per resource type, in the shape of FHIR Bulk Data."""

import datetime
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.factories import PatientFactory
from triage.models import Encounter, Escalation, FollowUp, IntakeDraft, VisitRecord

from .episodes import build_clinic_record
from .validation import validate

pytestmark = pytest.mark.django_db


def _read(directory):
    manifest = json.loads((directory / "manifest.json").read_text())
    resources = {}
    for output in manifest["output"]:
        lines = (directory / output["url"]).read_text().splitlines()
        assert len(lines) == output["count"]
        resources[output["type"]] = [json.loads(line) for line in lines]
    return manifest, resources


def test_it_writes_one_valid_ndjson_file_per_type(tmp_path, nurse, clinician, capsys):
    patient = PatientFactory()
    build_clinic_record(patient, nurse=nurse, clinician=clinician)
    call_command("export_fhir", "--output", str(tmp_path / "out"))
    manifest, resources = _read(tmp_path / "out")
    assert {"Patient", "Encounter", "CarePlan", "Appointment", "Provenance"} <= set(resources)
    assert [output["url"] for output in manifest["output"]] == [
        f"{kind}.ndjson" for kind in sorted(resources)
    ]
    for kind, items in resources.items():
        for resource in items:
            assert resource["resourceType"] == kind
            validate(resource)
    assert [item["id"] for item in resources["Patient"]] == [str(patient.pk)]
    printed = capsys.readouterr().out
    assert patient.mrn not in printed
    assert patient.family_name not in printed


def test_since_takes_only_patients_changed_since(tmp_path, nurse, clinician):
    old, recent = PatientFactory(), PatientFactory()
    build_clinic_record(old, nurse=nurse, clinician=clinician)
    long_ago = timezone.now() - datetime.timedelta(days=400)
    type(old).objects.filter(pk=old.pk).update(updated_at=long_ago)
    Encounter.objects.filter(patient=old).update(updated_at=long_ago)
    FollowUp.objects.filter(encounter__patient=old).update(updated_at=long_ago)
    VisitRecord.objects.filter(follow_up__encounter__patient=old).update(recorded_at=long_ago)
    escalations = Escalation.objects.filter(encounter__patient=old)
    escalations.update(opened_at=long_ago)
    escalations.filter(closed_at__isnull=False).update(closed_at=long_ago)
    IntakeDraft.objects.filter(patient=old).update(updated_at=long_ago)
    since = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    call_command("export_fhir", "--since", since, "--output", str(tmp_path))
    manifest, resources = _read(tmp_path)
    assert [item["id"] for item in resources["Patient"]] == [str(recent.pk)]
    assert manifest["request"].startswith("export_fhir --since ")


def test_a_bad_date_is_refused(tmp_path):
    with pytest.raises(CommandError, match="--since must be a date"):
        call_command("export_fhir", "--since", "yesterday", "--output", str(tmp_path))
