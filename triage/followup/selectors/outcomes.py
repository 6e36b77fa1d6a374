"""The clinic's outcome figures: how episodes at least two months old turned out.

`summarise` is pure arithmetic over one row per episode; `clinic_outcomes` loads those rows in a
single query and summarises them.
"""

import datetime
import statistics
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import timezone

from triage.models import (
    Encounter,
    EncounterStatus,
    EpisodeStatus,
    Escalation,
    FollowUpStatus,
    VisitRecord,
)

MILESTONE_DAY = 56  # two months (decision table section 4)


@dataclass(frozen=True, slots=True)
class EpisodeOutcome:
    """What the figures need to know about one episode."""

    status: str
    first_resolved_day: int | None
    escalated: bool
    visits_missed: int
    visits_closed: int  # completed or missed: the visits whose fate is known


@dataclass(frozen=True, slots=True)
class Share:
    count: int
    total: int

    @property
    def percent(self) -> int | None:
        """Whole per cent, or None when there is nothing to divide by."""
        if not self.total:
            return None
        return round(100 * self.count / self.total)


@dataclass(frozen=True, slots=True)
class OutcomeFigures:
    episodes: int
    resolved_by_milestone: Share
    persistent: Share
    escalated: Share
    median_days_to_resolution: float | None
    resolved_ever: int
    visits_missed: Share


def summarise(episodes: Iterable[EpisodeOutcome]) -> OutcomeFigures:
    """Shares of episodes resolved by day 56, persistent and escalated; median days; missed."""
    rows = list(episodes)
    total = len(rows)
    resolved_days = [row.first_resolved_day for row in rows if row.first_resolved_day is not None]
    return OutcomeFigures(
        episodes=total,
        resolved_by_milestone=Share(sum(day <= MILESTONE_DAY for day in resolved_days), total),
        persistent=Share(sum(row.status == EpisodeStatus.PERSISTENT for row in rows), total),
        escalated=Share(sum(row.escalated for row in rows), total),
        median_days_to_resolution=statistics.median(resolved_days) if resolved_days else None,
        resolved_ever=len(resolved_days),
        visits_missed=Share(
            sum(row.visits_missed for row in rows), sum(row.visits_closed for row in rows)
        ),
    )


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def episode_outcomes(
    *,
    today: datetime.date,
    intake_from: datetime.date | None = None,
    intake_to: datetime.date | None = None,
) -> list[EpisodeOutcome]:
    """One row per non-voided episode whose intake is at least 56 days before `today`."""
    latest_intake = today - datetime.timedelta(days=MILESTONE_DAY)
    if intake_to is not None:
        latest_intake = min(latest_intake, intake_to)
    encounters = Encounter.objects.not_voided().filter(
        status=EncounterStatus.SUBMITTED,
        occurred_at__lt=_local_midnight(latest_intake + datetime.timedelta(days=1)),
    )
    if intake_from is not None:
        encounters = encounters.filter(occurred_at__gte=_local_midnight(intake_from))
    first_resolved = VisitRecord.objects.filter(
        follow_up__encounter=OuterRef("pk"),
        follow_up__voided_at__isnull=True,
        outcome_status=EpisodeStatus.RESOLVED,
    ).order_by("day")
    live = Q(follow_ups__voided_at__isnull=True)
    rows = encounters.annotate(
        first_resolved_day=Subquery(first_resolved.values("day")[:1]),
        escalated=Exists(Escalation.objects.filter(encounter=OuterRef("pk"))),
        visits_missed=Count(
            "follow_ups", filter=live & Q(follow_ups__status=FollowUpStatus.MISSED)
        ),
        visits_closed=Count(
            "follow_ups",
            filter=live
            & Q(follow_ups__status__in=[FollowUpStatus.MISSED, FollowUpStatus.COMPLETED]),
        ),
    ).values_list(
        "episode_status", "first_resolved_day", "escalated", "visits_missed", "visits_closed"
    )
    return [EpisodeOutcome(*row) for row in rows.order_by()]


def clinic_outcomes(
    *,
    today: datetime.date,
    intake_from: datetime.date | None = None,
    intake_to: datetime.date | None = None,
) -> OutcomeFigures:
    """The outcome figures for the episodes the filter selects."""
    return summarise(episode_outcomes(today=today, intake_from=intake_from, intake_to=intake_to))
