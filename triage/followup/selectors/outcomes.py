"""The clinic's outcome figures: how episodes at least two months old turned out.

The figures come from `OutcomeTally`: per UTC day of intakes and per course day of first
resolution, the episodes, persistent, escalated, and visits missed and closed, kept equal to the
records by the services that change an episode (`triage.intake.outcome_tallies`). The page sums
the tallies of the window's whole days in one statement; where the clinic's day does not begin
at UTC midnight, the hours at the window's edges are counted from the records in the same
statement (UNION ALL). The median is read off the summed histogram of days to resolution, so it
is exact. One query whatever the clinic's size or the window's length.
"""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Q, Sum
from django.utils import timezone

from triage.intake.outcome_tallies import intake_day, utc_midnight
from triage.models import Encounter, OutcomeTally

MILESTONE_DAY = 56  # two months (decision table section 4)


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


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def default_intake_from(today: datetime.date) -> datetime.date:
    """The page's default window: intakes of the last 12 months."""
    try:
        return today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        return today.replace(year=today.year - 1, day=28)


@dataclass(frozen=True, slots=True)
class IntakeWindow:
    """The intakes counted, `start` (None: the first) to `end` (exclusive), split into the
    whole UTC days `first_day` to `end_day` (exclusive) that `OutcomeTally` holds and the hours
    at either edge that are counted from the records (none when the clinic's zone is UTC)."""

    start: datetime.datetime | None
    end: datetime.datetime

    @property
    def first_day(self) -> datetime.date | None:
        if self.start is None:
            return None
        day = intake_day(self.start)
        return day if utc_midnight(day) == self.start else day + datetime.timedelta(days=1)

    @property
    def end_day(self) -> datetime.date:
        return intake_day(self.end)

    def edges(self) -> list[tuple[datetime.datetime | None, datetime.datetime]]:
        """The parts of the window outside the whole days, as [from, to) ranges."""
        first, end = self.first_day, self.end_day
        if first is not None and first >= end:
            return [(self.start, self.end)] if self.start < self.end else []
        edges = []
        if first is not None and self.start < utc_midnight(first):
            edges.append((self.start, utc_midnight(first)))
        if utc_midnight(end) < self.end:
            edges.append((utc_midnight(end), self.end))
        return edges


def intake_window(
    today: datetime.date, intake_from: datetime.date | None, intake_to: datetime.date | None
) -> IntakeWindow:
    """Intakes at least 56 days before `today`, within the dates asked for (local days)."""
    latest_intake = today - datetime.timedelta(days=MILESTONE_DAY)
    if intake_to is not None:
        latest_intake = min(latest_intake, intake_to)
    return IntakeWindow(
        start=_local_midnight(intake_from) if intake_from is not None else None,
        end=_local_midnight(latest_intake + datetime.timedelta(days=1)),
    )


_TALLY_COLUMNS = (
    "first_resolved_day",
    "episodes",
    "persistent",
    "escalated",
    "visits_missed",
    "visits_closed",
)


def _tallies(window: IntakeWindow):
    """One statement: the stored tallies of the window's whole days, summed per day of first
    resolution, and beside them the edges' episodes counted from the records."""
    stored = OutcomeTally.objects.filter(intake_day__lt=window.end_day)
    if window.first_day is not None:
        stored = stored.filter(intake_day__gte=window.first_day)
    stored = (
        stored.order_by()
        .values("first_resolved_day")
        .annotate(*(Sum(column) for column in _TALLY_COLUMNS[1:]))
        .values_list(*_TALLY_COLUMNS[:1], *(f"{column}__sum" for column in _TALLY_COLUMNS[1:]))
    )
    edges = Q()
    for start, end in window.edges():
        within = Q(occurred_at__lt=end)
        if start is not None:
            within &= Q(occurred_at__gte=start)
        edges |= within
    if not edges:
        return stored
    # Served by the partial index `encounter_outcomes_idx` (submitted, not voided, by date).
    counted = Encounter.objects.filter(edges).outcome_tallies().values_list(*_TALLY_COLUMNS)
    return stored.union(counted, all=True)


def _median(counts: dict[int, int]) -> float | None:
    """The median of a histogram (value: how often), the mean of the middle two when even."""
    total = sum(counts.values())
    if not total:
        return None
    middle = [(total - 1) // 2, total // 2]
    found, seen = [], 0
    for value, count in sorted(counts.items()):
        seen += count
        while middle and middle[0] < seen:
            found.append(value)
            middle.pop(0)
    return (found[0] + found[1]) / 2


def clinic_outcomes(
    *,
    today: datetime.date,
    intake_from: datetime.date | None = None,
    intake_to: datetime.date | None = None,
) -> OutcomeFigures:
    """The outcome figures for the episodes the filter selects, in one query."""
    totals = [0] * (len(_TALLY_COLUMNS) - 1)
    resolved: Counter[int] = Counter()
    for first_resolved_day, *counts in _tallies(intake_window(today, intake_from, intake_to)):
        counts = [int(count or 0) for count in counts]
        totals = [total + count for total, count in zip(totals, counts, strict=True)]
        if first_resolved_day is not None:
            resolved[first_resolved_day] += counts[0]
    episodes, persistent, escalated, missed, closed = totals
    return OutcomeFigures(
        episodes=episodes,
        resolved_by_milestone=Share(
            sum(count for day, count in resolved.items() if day <= MILESTONE_DAY), episodes
        ),
        persistent=Share(persistent, episodes),
        escalated=Share(escalated, episodes),
        median_days_to_resolution=_median(resolved),
        resolved_ever=resolved.total(),
        visits_missed=Share(missed, closed),
    )
