"""The outcome tallies' unit of rebuild becomes a block of 64 consecutive encounter ids instead
of a UTC day (`OutcomeBlock` replaces `OutcomeDay`; each tally row names its block): a write then
recounts at most 64 episodes, however many intakes its day holds. The tallies are derived, so
they are emptied and counted afresh in the new unit; going back counts them per day again."""

import datetime
import importlib

from django.db import migrations, models
from django.db.models import Count, Exists, ExpressionWrapper, F, Min, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, TruncDate

BLOCK_SIZE = 64  # `OutcomeBlock.SIZE` when this migration was written


def forget_tallies(apps, schema_editor):
    """Empty the tallies (derived rows: the next step counts them afresh)."""
    database = schema_editor.connection.alias
    apps.get_model("triage", "OutcomeTally").objects.using(database).all().delete()


def backfill_block_tallies(apps, schema_editor):
    """Tally every episode per block and intake day, as `triage.intake.outcome_tallies` does
    (written out here against this migration's models, so later changes to the app cannot
    change it)."""
    database = schema_editor.connection.alias
    Encounter = apps.get_model("triage", "Encounter")
    FollowUp = apps.get_model("triage", "FollowUp")
    Escalation = apps.get_model("triage", "Escalation")
    OutcomeBlock = apps.get_model("triage", "OutcomeBlock")
    OutcomeTally = apps.get_model("triage", "OutcomeTally")
    visits = (
        FollowUp.objects.using(database)
        .filter(encounter=OuterRef("pk"), voided_at__isnull=True)
        .order_by()
        .values("encounter")
    )

    def visits_counted(**status):
        return Coalesce(Subquery(visits.filter(**status).annotate(n=Count("pk")).values("n")), 0)

    rows = (
        Encounter.objects.using(database)
        .filter(status="submitted", voided_at__isnull=True)
        .annotate(
            first_resolved_day=Subquery(
                visits.filter(visit__outcome_status="resolved")
                .annotate(first=Min("visit__day"))
                .values("first")
            ),
            missed_visits=visits_counted(status="missed"),
            closed_visits=visits_counted(status__in=["missed", "completed"]),
            ever_escalated=Exists(Escalation.objects.filter(encounter=OuterRef("pk"))),
        )
        .order_by()
        .values(
            "first_resolved_day",
            block=ExpressionWrapper(
                F("pk") / BLOCK_SIZE, output_field=models.PositiveBigIntegerField()
            ),
            intake_day=TruncDate("occurred_at", tzinfo=datetime.UTC),
        )
        .annotate(
            episodes=Count("pk"),
            persistent=Count("pk", filter=Q(episode_status="persistent")),
            escalated=Count("pk", filter=Q(ever_escalated=True)),
            visits_missed=Sum("missed_visits"),
            visits_closed=Sum("closed_visits"),
        )
    )
    tallies = [OutcomeTally(**row) for row in rows]
    blocks = sorted({tally.block for tally in tallies})
    OutcomeBlock.objects.using(database).bulk_create(
        [OutcomeBlock(block=block) for block in blocks], batch_size=1000
    )
    OutcomeTally.objects.using(database).bulk_create(tallies, batch_size=1000)


def backfill_day_tallies(apps, schema_editor):
    """Going back: count the tallies per day again, as the migration that added them did."""
    importlib.import_module("triage.migrations.0007_outcome_tallies").backfill_tallies(
        apps, schema_editor
    )


class Migration(migrations.Migration):
    dependencies = [
        ("triage", "0009_admin_list_indexes"),
    ]

    operations = [
        migrations.RunPython(forget_tallies, backfill_day_tallies, elidable=False),
        migrations.DeleteModel(
            name="OutcomeDay",
        ),
        migrations.CreateModel(
            name="OutcomeBlock",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("block", models.PositiveBigIntegerField(unique=True)),
            ],
        ),
        migrations.AddField(
            model_name="outcometally",
            name="block",
            field=models.PositiveBigIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.AddIndex(
            model_name="outcometally",
            index=models.Index(fields=["block"], name="outcometally_block_idx"),
        ),
        migrations.RunPython(backfill_block_tallies, forget_tallies, elidable=False),
    ]
