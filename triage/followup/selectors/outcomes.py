"""The clinic's outcome figures: how episodes at least two months old turned out.

`clinic_outcomes` asks the database for one row: it groups the episodes' visits and escalations
per episode and then counts (COUNT ... FILTER) and takes the median in the same statement, so
the page costs one query and moves no episode rows into Python whatever the clinic's size.
PostgreSQL's `percentile_cont` gives the median; SQLite gets the same answer from
`statistics.median`, registered on each SQLite connection (`register_sqlite_median`).
"""

import datetime
import statistics
from dataclasses import dataclass

from django.db.models import Aggregate, Count, FloatField, Min, Q, Sum
from django.utils import timezone

from triage.models import Encounter, EncounterStatus, EpisodeStatus, FollowUpStatus

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


class Median(Aggregate):
    """The median of the non-null values (the mean of the middle two when their number is even)."""

    function = "percentile_cont"
    name = "Median"
    output_field = FloatField()
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            function=SQLITE_MEDIAN,
            template="%(function)s(%(distinct)s%(expressions)s)",
            **extra_context,
        )


SQLITE_MEDIAN = "UPRIGHT_MEDIAN"


class _SqliteMedian:
    """SQLite aggregate: collects the values, answers `statistics.median` (None when empty)."""

    def __init__(self):
        self.values = []

    def step(self, value):
        if value is not None:
            self.values.append(value)

    def finalize(self):
        return statistics.median(self.values) if self.values else None


def register_sqlite_median(sender, connection, **kwargs) -> None:
    """`connection_created` receiver: give SQLite connections the median aggregate."""
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate(SQLITE_MEDIAN, 1, _SqliteMedian)


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def default_intake_from(today: datetime.date) -> datetime.date:
    """The page's default window: intakes of the last 12 months."""
    try:
        return today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        return today.replace(year=today.year - 1, day=28)


def _episodes(
    today: datetime.date, intake_from: datetime.date | None, intake_to: datetime.date | None
):
    """Non-voided episodes whose intake is at least 56 days before `today`, in the window."""
    latest_intake = today - datetime.timedelta(days=MILESTONE_DAY)
    if intake_to is not None:
        latest_intake = min(latest_intake, intake_to)
    # Served by the partial index `encounter_outcomes_idx` (submitted, not voided, by date).
    episodes = Encounter.objects.filter(
        status=EncounterStatus.SUBMITTED,
        voided_at__isnull=True,
        occurred_at__lt=_local_midnight(latest_intake + datetime.timedelta(days=1)),
    )
    if intake_from is not None:
        episodes = episodes.filter(occurred_at__gte=_local_midnight(intake_from))
    return episodes


def clinic_outcomes(
    *,
    today: datetime.date,
    intake_from: datetime.date | None = None,
    intake_to: datetime.date | None = None,
) -> OutcomeFigures:
    """The outcome figures for the episodes the filter selects, in one query."""
    live = Q(follow_ups__voided_at__isnull=True)
    closed = [FollowUpStatus.MISSED, FollowUpStatus.COMPLETED]
    per_episode = (
        _episodes(today, intake_from, intake_to)
        .order_by()
        .annotate(
            first_resolved_day=Min(
                "follow_ups__visit__day",
                filter=live & Q(follow_ups__visit__outcome_status=EpisodeStatus.RESOLVED),
            ),
            visits_missed=Count(
                "follow_ups",
                filter=live & Q(follow_ups__status=FollowUpStatus.MISSED),
                distinct=True,
            ),
            visits_closed=Count(
                "follow_ups", filter=live & Q(follow_ups__status__in=closed), distinct=True
            ),
            escalation_count=Count("escalations", distinct=True),
        )
    )
    row = per_episode.aggregate(
        episodes=Count("pk"),
        resolved_ever=Count("first_resolved_day"),
        resolved_by_milestone=Count("pk", filter=Q(first_resolved_day__lte=MILESTONE_DAY)),
        persistent=Count("pk", filter=Q(episode_status=EpisodeStatus.PERSISTENT)),
        escalated=Count("pk", filter=Q(escalation_count__gt=0)),
        median=Median("first_resolved_day"),
        missed=Sum("visits_missed"),
        closed=Sum("visits_closed"),
    )
    total = row["episodes"]
    return OutcomeFigures(
        episodes=total,
        resolved_by_milestone=Share(row["resolved_by_milestone"], total),
        persistent=Share(row["persistent"], total),
        escalated=Share(row["escalated"], total),
        median_days_to_resolution=row["median"],
        resolved_ever=row["resolved_ever"],
        visits_missed=Share(row["missed"] or 0, row["closed"] or 0),
    )
