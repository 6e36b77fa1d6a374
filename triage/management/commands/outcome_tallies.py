"""`manage.py outcome_tallies`: check the outcomes page's stored tallies against the records,
or rebuild them all (`--rebuild`, after a bulk load that bypassed the services)."""

from django.core.management.base import BaseCommand, CommandError

from triage.intake.outcome_tallies import days_out_of_step, rebuild_all_outcome_tallies


class Command(BaseCommand):
    help = "Check the outcome tallies against the records (exit 1 if any day differs)."

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="rebuild every day's tallies")

    def handle(self, *args, rebuild: bool, **options):
        if rebuild:
            rows = rebuild_all_outcome_tallies()
            self.stdout.write(f"Rebuilt the outcome tallies: {rows} rows.")
            return
        days = days_out_of_step()
        if days:
            shown = ", ".join(f"{day:%Y-%m-%d}" for day in days[:10])
            more = f" and {len(days) - 10} more" if len(days) > 10 else ""
            raise CommandError(
                f"{len(days)} intake day(s) out of step: {shown}{more}. "
                "Run `manage.py outcome_tallies --rebuild`."
            )
        self.stdout.write("The outcome tallies match the records.")
