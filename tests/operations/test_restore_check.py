"""`manage.py restore_check FILE`: a dump restores, its migrations and row counts match."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tests.factories import EncounterFactory, PatientFactory

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="restore checks use pg_restore: run with DATABASE_URL=postgres://...",
    ),
    # pg_dump reads committed rows only.
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def dump(tmp_path, settings):
    settings.BACKUP_DIR = tmp_path
    EncounterFactory.create_batch(2)
    call_command("backup", stdout=io.StringIO())
    [path] = tmp_path.glob("upright-*.dump")
    return path


def test_a_fresh_backup_passes_and_leaves_no_scratch_database(dump):
    out = io.StringIO()
    call_command("restore_check", str(dump), stdout=out)
    report = out.getvalue()
    assert "Restore check passed." in report
    assert "patients_patient" in report
    assert "DIFFERENT" not in report
    with connection.cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", ["%restore_check%"])
        assert cursor.fetchall() == []
        # Nor an open connection: the check's own connections are closed, not kept in a pool.
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND query LIKE %s",
            ["SELECT %COUNT(*)% UNION ALL %"],
        )
        assert cursor.fetchone() == (0,)


def test_latest_picks_the_newest_backup(dump):
    out = io.StringIO()
    call_command("restore_check", "--latest", stdout=out)
    assert str(dump) in out.getvalue()


def test_a_row_written_since_the_backup_fails(dump):
    PatientFactory()
    out = io.StringIO()
    with pytest.raises(CommandError, match="does not match"):
        call_command("restore_check", str(dump), stdout=out)
    assert "DIFFERENT" in out.getvalue()


def test_a_backup_missing_a_migration_fails(tmp_path, settings):
    settings.BACKUP_DIR = tmp_path
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM django_migrations WHERE app = 'operations' RETURNING app, name, applied"
        )
        removed = cursor.fetchall()
    try:
        call_command("backup", stdout=io.StringIO())
    finally:
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO django_migrations (app, name, applied) VALUES (%s, %s, %s)", removed
            )
    out = io.StringIO()
    with pytest.raises(CommandError, match="does not match"):
        call_command("restore_check", "--latest", stdout=out)
    assert "migration missing from the backup: operations.0001_cache_table" in out.getvalue()


def test_a_damaged_file_fails(dump, tmp_path):
    damaged = tmp_path / "damaged.dump"
    damaged.write_bytes(dump.read_bytes()[: dump.stat().st_size // 2])
    with pytest.raises(CommandError, match="pg_restore failed"):
        call_command("restore_check", str(damaged), stdout=io.StringIO())


def test_a_missing_file_fails(tmp_path):
    with pytest.raises(CommandError, match="No such backup file"):
        call_command("restore_check", str(tmp_path / "nothing.dump"), stdout=io.StringIO())
