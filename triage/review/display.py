"""How the clinical admin names records and shows answers to a clinician.

Pages name the patient ("OKAFOR, Chidi (MRN-1)"); the models' `__str__` stays free of names,
because logs and error reports see it. Yes/no answers are words, a red flag answered yes marked.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from django.utils.html import format_html

from patients.models import Patient
from triage.guideline import FACT_SPECS, RED_FLAG_KEYS
from triage.intake.selectors import RecommendationGroup, group_recommendations
from triage.models import (
    CarePlan,
    Encounter,
    Escalation,
    FollowUp,
    Pathway,
    Recommendation,
    VisitRecord,
)


def _day(moment: datetime.datetime) -> str:
    return f"{timezone.localtime(moment):%-d %b %Y}"


def encounter_label(encounter: Encounter) -> str:
    return f"{encounter.patient.display_name_and_mrn}, intake of {_day(encounter.occurred_at)}"


def follow_up_label(follow_up: FollowUp) -> str:
    patient = follow_up.encounter.patient.display_name_and_mrn
    return f"{patient}, visit due {follow_up.due_date:%-d %b %Y}"


def record_label(record) -> str:
    """The name a page title, breadcrumb or message gives a clinical record."""
    if isinstance(record, Patient):
        return record.display_name_and_mrn
    if isinstance(record, Encounter):
        return encounter_label(record)
    if isinstance(record, FollowUp):
        return follow_up_label(record)
    if isinstance(record, VisitRecord):
        return f"{follow_up_label(record.follow_up)}: visit of {record.visit_date:%-d %b %Y}"
    if isinstance(record, Escalation):
        patient = record.encounter.patient.display_name_and_mrn
        return f"{patient}, escalation opened {_day(record.opened_at)}"
    if isinstance(record, CarePlan):
        return f"Care plan: {encounter_label(record.encounter)}"
    return str(record)


def yes_no(value: bool | None, *, key: str = "") -> str:
    """A clinical yes/no answer as a word; "Yes" to a red-flag question is marked in red."""
    if value is None:
        return "Not answered"
    if value and key in RED_FLAG_KEYS:
        return format_html('<strong class="answer-red-flag">{}</strong>', "Yes (red flag)")
    return "Yes" if value else "No"


@dataclass(frozen=True)
class EncounterSummary:
    """What a clinician reads first on an encounter's page, before the field list."""

    patient: str
    age_years: int | None
    pathway: str
    is_urgent: bool
    red_flags_yes: list[str]
    recorded_by: str
    recorded_at: datetime.datetime
    has_plan: bool
    critical: list[Recommendation]
    groups: list[RecommendationGroup]


def encounter_summary(encounter: Encounter) -> EncounterSummary:
    """The summary, with the care plan's cards grouped as on the app's care plan page."""
    try:
        recommendations = encounter.care_plan.recommendations.all()
    except ObjectDoesNotExist:
        recommendations = None
    critical, groups = group_recommendations(recommendations or [])
    return EncounterSummary(
        patient=encounter.patient.display_name_and_mrn,
        age_years=encounter.age_years,
        pathway=encounter.get_pathway_display() or "No pathway (not submitted)",
        is_urgent=encounter.pathway == Pathway.URGENT,
        red_flags_yes=[FACT_SPECS[key].label for key in RED_FLAG_KEYS if getattr(encounter, key)],
        recorded_by=encounter.recorded_by.get_full_name() or encounter.recorded_by.get_username(),
        recorded_at=encounter.occurred_at,
        has_plan=recommendations is not None,
        critical=critical,
        groups=groups,
    )
