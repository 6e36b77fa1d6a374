"""Reads for the CDS Hooks services: which patient a call is about, and their current episode.

Everything comes from what Upright stored; nothing is fetched from the EHR, and the engine is
not run again.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Prefetch, Q

from patients.models import MRN_PATTERN, Patient
from triage.models import Encounter, EncounterStatus, Escalation, FollowUp, Recommendation

from .models import EhrClient

_MRN = re.compile(MRN_PATTERN)
_MRN_MAX_LENGTH = 32


def _as_record_number(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    candidate = value.strip().upper()
    if len(candidate) > _MRN_MAX_LENGTH or not _MRN.fullmatch(candidate):
        return None
    return candidate


def record_numbers(*, client: EhrClient, context: Mapping, prefetch: object) -> set[str]:
    """The record numbers a call names: the prefetched Patient's identifiers, and the context's
    patient id when this EHR uses Upright's record numbers as its patient ids."""
    patient_id = context.get("patientId")
    found = set()
    if client.patient_id_is_record_number and (number := _as_record_number(patient_id)):
        found.add(number)
    resource = prefetch.get("patient") if isinstance(prefetch, Mapping) else None
    if not isinstance(resource, Mapping) or resource.get("resourceType") != "Patient":
        return found
    if resource.get("id") not in (None, patient_id):
        return found  # a prefetched Patient that is not the one in context tells us nothing
    identifiers = resource.get("identifier")
    for identifier in identifiers if isinstance(identifiers, list) else ():
        if not isinstance(identifier, Mapping):
            continue
        if client.record_number_system and identifier.get("system") != client.record_number_system:
            continue
        if number := _as_record_number(identifier.get("value")):
            found.add(number)
    return found


def matching_patient(*, client: EhrClient, context: Mapping, prefetch: object) -> Patient | None:
    """The one Upright patient the call is about; None when no patient, or more than one, match."""
    numbers = record_numbers(client=client, context=context, prefetch=prefetch)
    if not numbers:
        return None
    patients = list(Patient.objects.filter(mrn__in=numbers).only("pk", "mrn")[:2])
    return patients[0] if len(patients) == 1 else None


@dataclass(frozen=True, slots=True)
class CurrentEpisode:
    """The newest stored plan of the patient's current episode, and the episode's course.

    An episode is an intake and, once a clinician excluded serious disease, the conservative plan
    that continues it (stored on its own encounter): `encounter` is the one whose plan is newest,
    the escalations are those of the whole episode.
    """

    encounter: Encounter
    recommendations: list[Recommendation]
    escalations: list[Escalation]  # of the whole episode, oldest first
    follow_ups: list[FollowUp]  # not voided, in due order

    @property
    def care_plan(self):
        return self.encounter.care_plan

    @property
    def started_at(self):
        """When the episode began: the escalated intake a conservative plan continues, if any."""
        first = self.encounter.continues if self.encounter.continues_id else self.encounter
        return first.occurred_at

    @property
    def open_escalations(self) -> list[Escalation]:
        return [escalation for escalation in self.escalations if escalation.is_open]

    @property
    def red_flags_recorded(self) -> bool:
        """Whether red flags were recorded at intake or at any visit of the episode."""
        return bool(self.care_plan.red_flags or self.escalations or self._visit_red_flags())

    def _visit_red_flags(self) -> set[str]:
        return {
            key
            for follow_up in self.follow_ups
            if hasattr(follow_up, "visit")
            for key in follow_up.visit.red_flags
        }

    @property
    def standing_red_flags(self) -> list[str]:
        """The red flags recorded in the episode that still count: each one's latest escalation
        is open, or was closed without excluding serious disease (a red flag with no escalation
        counts). A flag a clinician cleared (serious cause excluded) no longer counts."""
        latest: dict[str, Escalation] = {}
        for escalation in self.escalations:
            for key in escalation.red_flags:
                latest[key] = escalation
        recorded = set(self.care_plan.red_flags) | set(latest) | self._visit_red_flags()
        return sorted(
            key for key in recorded if key not in latest or key not in latest[key].cleared_red_flags
        )

    @property
    def last_closed_escalation(self) -> Escalation | None:
        closed = [escalation for escalation in self.escalations if not escalation.is_open]
        return max(closed, key=lambda escalation: escalation.closed_at) if closed else None

    def escalation_advice(self, escalation: Escalation | None) -> list[Recommendation]:
        """The stored critical recommendations that came with an escalation (or the plan's)."""
        if escalation is not None and escalation.visit_id is not None:
            stored = list(escalation.visit.recommendations.all())
        else:
            stored = self.recommendations
        return [item for item in stored if item.indicator == "critical"]


def current_episode(patient: Patient) -> CurrentEpisode | None:
    """The patient's newest submitted, non-voided encounter with a stored plan (the newest plan
    of the current episode), and the course of its episode."""
    # Only the columns the cards read: an encounter and a visit row each hold every intake
    # answer, and building those costs more than the queries themselves.
    encounter = (
        Encounter.objects.filter(
            patient=patient,
            status=EncounterStatus.SUBMITTED,
            voided_at__isnull=True,
            care_plan__isnull=False,
        )
        .select_related("care_plan", "continues")
        .only(
            "pk",
            "occurred_at",
            "pathway",
            "episode_status",
            "continues_id",
            "continues__occurred_at",
            "care_plan__id",
            "care_plan__ruleset",
            "care_plan__red_flags",
        )
        .prefetch_related(
            Prefetch(
                "care_plan__recommendations",
                queryset=Recommendation.objects.order_by("position"),
            ),
            Prefetch(
                "follow_ups",
                queryset=FollowUp.objects.filter(voided_at__isnull=True)
                .select_related("visit")
                .only("pk", "encounter_id", "due_date", "status", "visit__id", "visit__red_flags")
                .order_by("due_date", "pk"),
            ),
        )
        # The newest plan: a conservative plan made after an escalation is newer than the
        # escalated intake it continues (encounter_patient_recent_idx).
        .order_by("-occurred_at", "-pk")
        .first()
    )
    if encounter is None:
        return None
    episode_encounters = [encounter.pk]
    if encounter.continues_id is not None:
        episode_encounters.append(encounter.continues_id)
    escalations = list(
        # An escalation from a voided visit no longer counts (as on the worklist).
        Escalation.objects.filter(
            encounter_id__in=episode_encounters, encounter__voided_at__isnull=True
        )
        .filter(Q(visit__isnull=True) | Q(visit__follow_up__voided_at__isnull=True))
        .only(
            "pk",
            "encounter_id",
            "visit_id",
            "red_flags",
            "cleared_red_flags",
            "opened_at",
            "closed_at",
            "outcome",
        )
        .prefetch_related(Prefetch("visit__recommendations", queryset=Recommendation.objects.all()))
        .order_by("opened_at", "pk")
    )
    return CurrentEpisode(
        encounter=encounter,
        recommendations=list(encounter.care_plan.recommendations.all()),
        escalations=escalations,
        follow_ups=list(encounter.follow_ups.all()),
    )
