"""Keeping the outcomes page's tallies equal to the records they count.

`OutcomeTally` holds, for each block of `OutcomeBlock.SIZE` consecutive encounter ids and each
UTC day of intakes in it, the outcome figures of those episodes grouped by the course day of
first resolution, so the outcomes page sums a few thousand small rows instead of reading every
episode with its visits. Every service that changes an episode (intake, visit recorded or
missed, escalation closed, conservative plan, void) calls `refresh_outcome_tallies` in its own
transaction, which rebuilds the episode's whole block from the records rather than adding a
difference: a block is never more wrong than its last rebuild, and any write to it puts it
right. The unit is a block of ids, not a day, so a rebuild reads at most `SIZE` episodes by
primary key however many intakes their day holds. This module sits in the intake stage because
that is the lowest stage that writes episodes; follow-up and review call it too.
"""

import datetime
from collections.abc import Iterable

from django.db import connections, transaction
from django.db.models import ExpressionWrapper, F, PositiveBigIntegerField, Q
from django.db.models.functions import TruncDate

from triage.models import Encounter, OutcomeBlock, OutcomeTally


def intake_day(occurred_at: datetime.datetime) -> datetime.date:
    """The UTC day an intake counts in (UTC, so a change of the clinic's time zone never
    moves an episode between days)."""
    return occurred_at.astimezone(datetime.UTC).date()


def utc_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)


def _encounter_block() -> ExpressionWrapper:
    """An encounter's block, in SQL (integer division of its id)."""
    return ExpressionWrapper(F("pk") / OutcomeBlock.SIZE, output_field=PositiveBigIntegerField())


def _grouped(encounters):
    """The tallies of `encounters` per block and UTC intake day, as one statement."""
    return encounters.outcome_tallies(
        block=_encounter_block(), intake_day=TruncDate("occurred_at", tzinfo=datetime.UTC)
    )


def _tally_rows(encounters) -> list[OutcomeTally]:
    return [OutcomeTally(**row) for row in _grouped(encounters)]


def _runs(blocks: list[int]) -> list[tuple[int, int]]:
    """Sorted blocks as runs of consecutive ones, (first, last)."""
    runs: list[tuple[int, int]] = []
    for block in blocks:
        if runs and runs[-1][1] + 1 == block:
            runs[-1] = (runs[-1][0], block)
        else:
            runs.append((block, block))
    return runs


def _store_counted(encounters) -> int:
    """Count `encounters` into new tally rows in the database itself (INSERT ... SELECT of the
    ORM's own statement, its values still parameters); returns the rows stored."""
    counted = _grouped(encounters)
    compiler = counted.query.get_compiler(using=counted.db)
    select, params = compiler.as_sql()
    connection = connections[counted.db]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(alias) for _, _, alias in compiler.select)
    table = quote(OutcomeTally._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) {select}", params)
        return cursor.rowcount


def _rebuild_blocks(blocks: list[int]) -> int:
    if not blocks:
        return 0
    # One statement makes the missing block rows and locks every block (rows taken in block
    # order, so two rebuilds never deadlock) before the records are read: a rebuild waiting
    # here reads, once it has the lock, whatever the one before it committed.
    OutcomeBlock.objects.bulk_create(
        [OutcomeBlock(block=block) for block in blocks],
        update_conflicts=True,
        unique_fields=["block"],
        update_fields=["block"],
    )
    in_tallies, in_encounters = Q(), Q()
    for first, last in _runs(blocks):
        in_tallies |= Q(block__range=(first, last))
        # By primary key: a block's rows, never its days' other intakes.
        in_encounters |= Q(pk__gte=first * OutcomeBlock.SIZE, pk__lt=(last + 1) * OutcomeBlock.SIZE)
    OutcomeTally.objects.filter(in_tallies).delete()
    return _store_counted(Encounter.objects.filter(in_encounters))


@transaction.atomic(savepoint=False)
def refresh_outcome_tallies(*, encounters: Iterable[Encounter]) -> None:
    """Rebuild the tallies of the blocks of `encounters` from the records (call it after the
    episode's last write in the transaction)."""
    blocks = sorted({encounter.pk // OutcomeBlock.SIZE for encounter in encounters})
    if blocks:
        _rebuild_blocks(blocks)


@transaction.atomic
def rebuild_all_outcome_tallies() -> int:
    """Rebuild every block's tallies (after a bulk load that bypassed the services); returns the
    number of tally rows."""
    blocks = set(
        Encounter.objects.order_by()
        .annotate(b=_encounter_block())
        .values_list("b", flat=True)
        .distinct()
    )
    blocks |= set(OutcomeBlock.objects.values_list("block", flat=True))
    blocks |= set(OutcomeTally.objects.order_by().values_list("block", flat=True).distinct())
    return _rebuild_blocks(sorted(blocks))


def _key(tally: OutcomeTally) -> tuple:
    return (
        tally.intake_day,
        tally.block,
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
