"""`manage.py backup`: a pg_dump custom-format file named by date, the newest N kept."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from operations import backups

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="backups use pg_dump: run with DATABASE_URL=postgres://...",
    ),
    pytest.mark.django_db,
]


def test_it_writes_a_custom_format_dump_named_by_date(tmp_path, settings):
    settings.BACKUP_DIR = tmp_path
    out = io.StringIO()
    call_command("backup", stdout=out)
    [dump] = tmp_path.iterdir()
    assert dump.name.startswith("upright-20")
    assert dump.name.endswith("Z.dump")
    # pg_dump's custom format begins with this signature.
    assert dump.read_bytes()[:5] == b"PGDMP"
    assert dump.stat().st_mode & 0o077 == 0, "a dump holds patient records: owner only"
    assert str(dump) in out.getvalue()


def test_it_keeps_only_the_newest(tmp_path):
    start = datetime.datetime(2026, 3, 1, 2, 0, tzinfo=datetime.UTC)
    written = []
    for day in range(4):
        target, _ = backups.create_backup(
            directory=tmp_path, keep=2, now=start + datetime.timedelta(days=day)
        )
        written.append(target)
    assert backups.backup_files(tmp_path) == written[-2:]
    assert backups.latest_backup(tmp_path) == written[-1]


def test_it_leaves_other_files_alone(tmp_path):
    other = tmp_path / "notes.txt"
    other.write_text("not a backup")
    now = datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC)
    for day in range(2):
        backups.create_backup(directory=tmp_path, keep=1, now=now + datetime.timedelta(days=day))
    assert other.exists()


def test_a_failed_dump_leaves_no_file(tmp_path, settings, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "no-tools-here"))
    settings.BACKUP_DIR = tmp_path / "backups"
    with pytest.raises(CommandError):
        call_command("backup", stdout=io.StringIO())
    assert list((tmp_path / "backups").iterdir()) == []
