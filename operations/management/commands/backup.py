"""`manage.py backup`: dump the database to UPRIGHT_BACKUP_DIR and keep the newest N dumps."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from operations import backups


class Command(BaseCommand):
    help = "Write a pg_dump custom-format backup named by date; keep the newest N."

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, default=None, help="default: UPRIGHT_BACKUP_DIR")
        parser.add_argument("--keep", type=int, default=None, help="default: UPRIGHT_BACKUP_KEEP")

    def handle(self, *args, **options):
        keep = options["keep"] or settings.BACKUP_KEEP
        if keep < 1:
            raise CommandError("--keep must be at least 1.")
        try:
            target, removed = backups.create_backup(
                directory=options["dir"] or settings.BACKUP_DIR, keep=keep, now=timezone.now()
            )
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Backup written: {target} ({target.stat().st_size} bytes)")
        for old in removed:
            self.stdout.write(f"Removed old backup: {old}")
