"""Reads for the FHIR API: a patient's whole record in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch

from patients.models import ChartAccess, Patient
from triage.guideline import RULESET_VERSION
from triage.models import (
    CarePlan,
    Encounter,
    Escalation,
    FollowUp,
    IntakeDraft,
    Recommendation,
)

from .mapping.plan_definition import current_plan_definition
from .mapping.service_request import ESCALATION_CODES
from .models import RuleSetVersion


@dataclass
class PatientRecords:
    """Everything the FHIR mapping needs about one patient, already loaded."""

    patient: Patient
    encounters: list = field(default_factory=list)
    care_plans: list = field(default_factory=list)
    follow_ups: list = field(default_factory=list)
    escalations: list = field(default_factory=list)
    drafts: list = field(default_factory=list)
    # Escalation cards given at visits, by visit id.
    visit_recommendations: dict = field(default_factory=dict)


AUDIT_EVENTS_SHOWN = 100


def chart_accesses(patient_id: int) -> list:
    """The newest chart accesses of one patient, with who opened the chart."""
    return list(
        ChartAccess.objects.filter(patient_id=patient_id)
        .select_related("user")
        .order_by("-accessed_at", "-pk")[:AUDIT_EVENTS_SHOWN]
    )


def patient_by_identifier(value: str) -> Patient | None:
    return Patient.objects.filter(mrn=value.strip().upper()).first()


def records_for(patients: list[Patient]) -> dict[int, PatientRecords]:
    """The records of several patients, in seven queries however many episodes they have."""
    records = {patient.pk: PatientRecords(patient=patient) for patient in patients}
    ids = list(records)
    for encounter in (
        Encounter.objects.filter(patient__in=ids)
        .select_related("recorded_by", "reviewed_by", "voided_by")
        .order_by("occurred_at", "pk")
    ):
        records[encounter.patient_id].encounters.append(encounter)
    # Follow-ups and escalations get their encounter from here instead of joining it again.
    encounters = {
        encounter.pk: encounter for record in records.values() for encounter in record.encounters
    }
    patient_of = {pk: encounter.patient_id for pk, encounter in encounters.items()}
    for plan in (
        CarePlan.objects.filter(encounter__patient__in=ids)
        .prefetch_related(
            Prefetch("recommendations", queryset=Recommendation.objects.order_by("position"))
        )
        .order_by("created_at", "pk")
    ):
        records[patient_of[plan.encounter_id]].care_plans.append(plan)
    for follow_up in (
        FollowUp.objects.filter(encounter__patient__in=ids)
        .select_related("voided_by", "visit", "visit__recorded_by")
        .order_by("due_date", "pk")
    ):
        follow_up.encounter = encounters[follow_up.encounter_id]
        records[patient_of[follow_up.encounter_id]].follow_ups.append(follow_up)
    visit_recommendations = defaultdict(list)
    for item in Recommendation.objects.filter(
        visit__follow_up__encounter__patient__in=ids, code__in=ESCALATION_CODES
    ).order_by("visit_id", "position"):
        visit_recommendations[item.visit_id].append(item)
    for escalation in (
        Escalation.objects.filter(encounter__patient__in=ids)
        .select_related("closed_by", "visit__follow_up")
        .order_by("opened_at", "pk")
    ):
        escalation.encounter = encounters[escalation.encounter_id]
        records[patient_of[escalation.encounter_id]].escalations.append(escalation)
    for draft in (
        IntakeDraft.objects.filter(patient__in=ids)
        .select_related("owner")
        .order_by("created_at", "pk")
    ):
        records[draft.patient_id].drafts.append(draft)
    for record in records.values():
        record.visit_recommendations = visit_recommendations
    return records


def patient_records(patient: Patient) -> PatientRecords:
    return records_for([patient])[patient.pk]


def plan_definition(version: str | None) -> dict | None:
    """The rule set's PlanDefinition: the engine's current one, or a version kept as published."""
    if version is None or version == RULESET_VERSION:
        return current_plan_definition()
    stored = RuleSetVersion.objects.filter(version=version).first()
    return stored.plan_definition if stored else None
