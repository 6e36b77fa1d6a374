"""manage.py export_fhir --since DATE --output DIR: NDJSON per resource type (FHIR Bulk Data)."""

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from fhir.export import export_bulk


def _day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--since must be a date such as 2026-11-01; got {text!r}") from None


class Command(BaseCommand):
    help = (
        "Write every FHIR resource of the patients whose record changed on or after --since "
        "(all patients without it) as NDJSON, one file per resource type, with a manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("--since", type=str, help="a date, YYYY-MM-DD (clinic time zone)")
        parser.add_argument("--output", required=True, help="the directory to write into")

    def handle(self, *args, since=None, output, **options):
        start = None
        if since is not None:
            start = timezone.make_aware(datetime.datetime.combine(_day(since), datetime.time.min))
        directory = Path(output)
        if directory.exists() and not directory.is_dir():
            raise CommandError(f"{output} is not a directory.")
        counts = export_bulk(directory=directory, since=start, now=timezone.now())
        # Counts only: no patient identifier reaches the terminal or a log.
        for kind in sorted(counts):
            self.stdout.write(f"{kind}: {counts[kind]}")
        self.stdout.write(f"Wrote {sum(counts.values())} resources to {directory}.")
