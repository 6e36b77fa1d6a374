"""`manage.py restore_check FILE`: prove a backup restores and matches the live database."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from operations import backups


class Command(BaseCommand):
    help = (
        "Restore a backup into a scratch database, check its migrations and compare the row "
        "counts of every clinical table with the live database; exit non-zero on any difference."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", type=Path, help="a dump written by `backup`")
        parser.add_argument(
            "--latest", action="store_true", help="check the newest dump in UPRIGHT_BACKUP_DIR"
        )

    def handle(self, *args, **options):
        try:
            if options["latest"]:
                file = backups.latest_backup(settings.BACKUP_DIR)
            elif options["file"]:
                file = options["file"]
            else:
                raise CommandError("Name a backup file, or pass --latest.")
            report = backups.check_restore(file=file)
        except backups.BackupError as error:
            raise CommandError(f"Restore check failed: {error}") from error
        self.stdout.write(f"Restored {report.file} into a scratch database.")
        for migration in report.unapplied_migrations:
            self.stdout.write(f"  migration missing from the backup: {migration}")
        for count in report.counts:
            mark = "ok" if count.matches else "DIFFERENT"
            self.stdout.write(
                f"  {count.table:<45} live {count.live:>8}  restored {count.restored:>8}  {mark}"
            )
        if not report.passed:
            raise CommandError("Restore check failed: the backup does not match the database.")
        self.stdout.write(self.style.SUCCESS("Restore check passed."))
