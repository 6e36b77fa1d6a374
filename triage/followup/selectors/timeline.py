"""An episode's course for the patient chart: intake, visits and escalations, and the pain chart.

`episodes_for` costs three queries however many episodes, visits and escalations there are.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone

from patients.models import Patient
from triage.followup.pain_chart import PainChart, PainPoint, build_pain_chart
from triage.followup.selectors.worklist import red_flag_labels
from triage.models import (
    Encounter,
    EncounterStatus,
    Escalation,
    FollowUp,
    FollowUpStatus,
    Pathway,
    VisitRecord,
    episode_status_label,
)


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One event of an episode, in date order; `kind` is intake, visit or escalation."""

    day: datetime.date
    kind: str
    title: str
    status: str
    detail: str
    follow_up: FollowUp | None = None
    escalation: Escalation | None = None


@dataclass(frozen=True, slots=True)
class Episode:
    encounter: Encounter
    intake_date: datetime.date
    entries: tuple[TimelineEntry, ...]
    chart: PainChart
    open_follow_ups: int
    # A clinician excluded serious disease and the conservative plan is still to be made.
    awaits_conservative_plan: bool = False


def _counts(follow_up: FollowUp) -> bool:
    """A visit that still counts for the course: not voided."""
    return follow_up.voided_at is None


def _follow_up_entry(follow_up: FollowUp) -> TimelineEntry:
    if not _counts(follow_up):
        # Voided visits stay in the record, marked, but no longer count for the course.
        return TimelineEntry(
            day=follow_up.visit.visit_date if hasattr(follow_up, "visit") else follow_up.due_date,
            kind="visit",
            title=f"Visit{f', day {follow_up.plan_day}' if follow_up.plan_day else ''} (voided)",
            status="Voided",
            detail=follow_up.void_reason,
            follow_up=follow_up,
        )
    if follow_up.status == FollowUpStatus.COMPLETED:
        visit = follow_up.visit
        return TimelineEntry(
            day=visit.visit_date,
            kind="visit",
            title=f"Visit, day {visit.day}",
            status=episode_status_label(visit.outcome_status),
            detail=f"Pain {visit.pain_score}; overall change {visit.get_global_change_display()}",
            follow_up=follow_up,
        )
    detail = follow_up.status_reason if follow_up.status_reason else follow_up.purpose
    return TimelineEntry(
        day=follow_up.due_date,
        kind="visit",
        title=f"Visit due{f', day {follow_up.plan_day}' if follow_up.plan_day else ''}",
        status=follow_up.get_status_display(),
        detail=detail,
        follow_up=follow_up,
    )


def _escalation_entry(escalation: Escalation) -> TimelineEntry:
    status = "Open" if escalation.is_open else f"Closed: {escalation.get_outcome_display()}"
    return TimelineEntry(
        day=timezone.localdate(escalation.opened_at),
        kind="escalation",
        title="Escalation opened",
        status=status,
        detail=f"Red flags: {red_flag_labels(escalation.red_flags)}",
        escalation=escalation,
    )


def _awaits_conservative_plan(encounter: Encounter, continued: bool) -> bool:
    escalations = list(encounter.escalations.all())
    return (
        not continued
        and encounter.pathway != Pathway.CONSERVATIVE
        and all(not escalation.is_open for escalation in escalations)
        and any(escalation.cleared_red_flags for escalation in escalations)
    )


def build_episode(encounter: Encounter, *, continued: bool = False) -> Episode:
    """The episode of one encounter whose follow-ups and escalations are prefetched;
    `continued` says whether a conservative plan already continues it."""
    started = timezone.localdate(encounter.occurred_at)
    follow_ups = list(encounter.follow_ups.all())
    entries = [
        TimelineEntry(
            day=started,
            kind="intake",
            title="Conservative plan after the escalation" if encounter.continues_id else "Intake",
            status=encounter.get_pathway_display(),
            detail=f"Pain {encounter.pain_score}",
        ),
        *(_follow_up_entry(follow_up) for follow_up in follow_ups),
        *(_escalation_entry(escalation) for escalation in encounter.escalations.all()),
    ]
    order = {"intake": 0, "visit": 1, "escalation": 2}
    entries.sort(key=lambda entry: (entry.day, order[entry.kind]))
    points = [PainPoint(day=0, pain=encounter.pain_score, label="Intake")]
    points += [
        PainPoint(day=f.visit.day, pain=f.visit.pain_score, label=f"Visit on day {f.visit.day}")
        for f in follow_ups
        if f.status == FollowUpStatus.COMPLETED and _counts(f)
    ]
    return Episode(
        encounter=encounter,
        intake_date=started,
        entries=tuple(entries),
        chart=build_pain_chart(points, chart_id=f"pain-chart-{encounter.pk}"),
        open_follow_ups=sum(
            f.status == FollowUpStatus.SCHEDULED and _counts(f) for f in follow_ups
        ),
        awaits_conservative_plan=_awaits_conservative_plan(encounter, continued),
    )


def episodes_for(patient: Patient) -> list[Episode]:
    """The patient's submitted, non-voided episodes, newest first, each with its course
    (voided visits included, marked: they stay in the record)."""
    encounters = (
        patient.encounters.not_voided()
        .filter(status=EncounterStatus.SUBMITTED)
        .order_by("-occurred_at")
        .prefetch_related(
            Prefetch(
                "follow_ups",
                queryset=FollowUp.objects.select_related("visit", "recorded_by"),
            ),
            Prefetch(
                "escalations",
                queryset=Escalation.objects.select_related("closed_by").order_by("opened_at"),
            ),
        )
    )
    encounters = list(encounters)
    continued = {encounter.continues_id for encounter in encounters if encounter.continues_id}
    return [
        build_episode(encounter, continued=encounter.pk in continued) for encounter in encounters
    ]


def relaxant_start(encounter: Encounter) -> datetime.date | None:
    """The first-dose date a visit counts the muscle relaxant's days from: the latest recorded
    visit's answer (None: no longer taken), else the intake's start date."""
    last = (
        VisitRecord.objects.filter(
            follow_up__encounter=encounter,
            follow_up__voided_at__isnull=True,
            follow_up__status=FollowUpStatus.COMPLETED,
        )
        .order_by("-visit_date", "-pk")
        .values_list("visit_date", "muscle_relaxant_days")
        .first()
    )
    if last is None:
        return encounter.muscle_relaxant_start
    visit_date, days = last
    return None if days is None else visit_date - datetime.timedelta(days=days)


def relaxant_may_predate_pain(encounter: Encounter) -> bool:
    """Whether the relaxant on record may have been started before this pain began."""
    started, onset = encounter.muscle_relaxant_start, encounter.onset_date
    return encounter.muscle_relaxant_other_condition or bool(started and onset and started < onset)


def visit_details(follow_up: FollowUp) -> dict[str, object]:
    """What the visit page shows beside the follow-up: outcome, flags, activities, the course."""
    details: dict[str, object] = {
        "course": list(
            FollowUp.objects.filter(encounter_id=follow_up.encounter_id, voided_at__isnull=True)
        ),
    }
    if follow_up.status != FollowUpStatus.COMPLETED:
        return details
    visit = follow_up.visit
    return details | {
        "outcome_label": episode_status_label(visit.outcome_status),
        "red_flags": red_flag_labels(visit.red_flags),
        "activities": [
            (name, score)
            for name, score in (
                (visit.activity_1_name, visit.activity_1_score),
                (visit.activity_2_name, visit.activity_2_score),
                (visit.activity_3_name, visit.activity_3_score),
            )
            if name
        ],
    }
