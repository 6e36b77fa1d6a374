"""Keeping the outcomes page's per-day tallies equal to the records they count.

`OutcomeTally` holds, for each UTC day of intakes, the outcome figures of that day's episodes
grouped by the course day of first resolution, so the outcomes page sums a few hundred small
rows instead of reading every episode with its visits. Every service that changes an episode
(intake, visit recorded or missed, escalation closed, conservative plan, void) calls
`refresh_outcome_tallies` in its own transaction, which rebuilds the whole day from the records
rather than adding a difference: a day is never more wrong than its last rebuild, and any write
to it puts it right. This module sits in the intake stage because that is the lowest stage that
writes episodes; follow-up and review call it too.
"""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.db.models.functions import TruncDate

from triage.models import Encounter, OutcomeDay, OutcomeTally


def intake_day(occurred_at: datetime.datetime) -> datetime.date:
    """The UTC day an intake counts in (UTC, so a change of the clinic's time zone never
    moves an episode between days)."""
    return occurred_at.astimezone(datetime.UTC).date()


def utc_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)


def _tally_rows(encounters) -> list[OutcomeTally]:
    """The tallies of `encounters`, per UTC intake day, in one statement."""
    rows = encounters.outcome_tallies(intake_day=TruncDate("occurred_at", tzinfo=datetime.UTC))
    return [OutcomeTally(**row) for row in rows]


def _rebuild_days(days: list[datetime.date], encounters) -> int:
    # One statement makes the missing day rows and locks every day (rows taken in day order,
    # so two rebuilds never deadlock) before the records are read: a rebuild waiting here
    # reads, once it has the lock, whatever the one before it committed.
    OutcomeDay.objects.bulk_create(
        [OutcomeDay(intake_day=day) for day in days],
        update_conflicts=True,
        unique_fields=["intake_day"],
        update_fields=["intake_day"],
    )
    OutcomeTally.objects.filter(intake_day__in=days).delete()
    wanted = set(days)
    rows = [row for row in _tally_rows(encounters) if row.intake_day in wanted]
    OutcomeTally.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


@transaction.atomic(savepoint=False)
def refresh_outcome_tallies(*, encounters: Iterable[Encounter]) -> None:
    """Rebuild the tallies of the intake days of `encounters` from the records (call it after
    the episode's last write in the transaction)."""
    days = sorted({intake_day(encounter.occurred_at) for encounter in encounters})
    if not days:
        return
    within = Q()
    for day in days:
        within |= Q(
            occurred_at__gte=utc_midnight(day),
            occurred_at__lt=utc_midnight(day + datetime.timedelta(days=1)),
        )
    _rebuild_days(days, Encounter.objects.filter(within))


@transaction.atomic
def rebuild_all_outcome_tallies() -> int:
    """Rebuild every day's tallies (after a bulk load that bypassed the services, and in the
    migration that added them); returns the number of tally rows."""
    by_day = TruncDate("occurred_at", tzinfo=datetime.UTC)
    days = set(
        Encounter.objects.order_by().annotate(day=by_day).values_list("day", flat=True).distinct()
    )
    days |= set(OutcomeDay.objects.values_list("intake_day", flat=True))
    days |= set(OutcomeTally.objects.order_by().values_list("intake_day", flat=True).distinct())
    return _rebuild_days(sorted(days), Encounter.objects.all())


def _key(tally: OutcomeTally) -> tuple:
    return (
        tally.intake_day,
        tally.first_resolved_day,
        int(tally.episodes),
        int(tally.persistent),
        int(tally.escalated),
        int(tally.visits_missed),
        int(tally.visits_closed),
    )


def days_out_of_step() -> list[datetime.date]:
    """The intake days whose stored tallies differ from counting the records afresh (none
    unless something wrote episodes around the services)."""
    stored = {_key(tally) for tally in OutcomeTally.objects.all()}
    fresh = {_key(tally) for tally in _tally_rows(Encounter.objects.all())}
    return sorted({key[0] for key in stored ^ fresh})
