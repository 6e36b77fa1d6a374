"""Backups: a pg_dump custom-format file named by date, kept by count, proven by restoring it.

The dump runs with PostgreSQL's own tools (pg_dump, pg_restore from postgresql-client) against
the primary, or against `UPRIGHT_BACKUP_DATABASE_URL` when the app reaches PostgreSQL through
pgbouncer. A restore check loads a dump into a scratch database, checks that no migration is
missing there, and compares the row count of every clinical table with the live database.
"""

from __future__ import annotations

import datetime
import os
import subprocess
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import dj_database_url
from django.conf import settings
from django.db import connections

from .clinical import clinical_tables
from .migration_state import missing_migrations

PREFIX = "upright-"
SUFFIX = ".dump"
# Scratch names stay under PostgreSQL's 63-byte identifier limit.
SCRATCH_NAME_LIMIT = 63


class BackupError(Exception):
    """A backup or restore step failed; the message says which and why."""


@dataclass(frozen=True)
class TableCount:
    table: str
    live: int
    restored: int

    @property
    def matches(self) -> bool:
        return self.live == self.restored


@dataclass(frozen=True)
class RestoreReport:
    file: Path
    unapplied_migrations: list[str]
    counts: list[TableCount]

    @property
    def passed(self) -> bool:
        return not self.unapplied_migrations and all(count.matches for count in self.counts)


def database_settings() -> dict:
    """The live database's settings, pointed at UPRIGHT_BACKUP_DATABASE_URL when that is set."""
    live = connections["default"].settings_dict
    if connections["default"].vendor != "postgresql":
        raise BackupError("Backups need PostgreSQL (DATABASE_URL=postgres://...).")
    direct = {**live}
    if settings.BACKUP_DATABASE_URL:
        parsed = dj_database_url.parse(settings.BACKUP_DATABASE_URL)
        for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT"):
            direct[key] = parsed.get(key) or ""
    return direct


def _libpq_env(database: dict, name: str) -> dict[str, str]:
    """Environment for pg_dump/pg_restore: credentials never appear on a command line."""
    env = {**os.environ, "PGDATABASE": name}
    for variable, value in (
        ("PGHOST", database.get("HOST")),
        ("PGPORT", database.get("PORT")),
        ("PGUSER", database.get("USER")),
        ("PGPASSWORD", database.get("PASSWORD")),
        ("PGSSLMODE", database.get("OPTIONS", {}).get("sslmode")),
    ):
        if value:
            env[variable] = str(value)
    return env


def _run(command: list[str], *, env: dict[str, str]) -> None:
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError:
        raise BackupError(f"{command[0]} not found: install postgresql-client") from None
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise BackupError(f"{command[0]} failed: {detail[-1] if detail else result.returncode}")


def backup_files(directory: Path) -> list[Path]:
    """This app's dumps in the directory, oldest first (names sort by date)."""
    if not directory.is_dir():
        return []
    return sorted(path for path in directory.glob(f"{PREFIX}*{SUFFIX}") if path.is_file())


def create_backup(*, directory: Path, keep: int, now: datetime.datetime) -> tuple[Path, list[Path]]:
    """Dump the database to a file named by the UTC time; delete all but the newest `keep`."""
    database = database_settings()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = now.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H%M%SZ")
    target = directory / f"{PREFIX}{stamp}{SUFFIX}"
    partial = target.with_suffix(".partial")
    # The dump holds patient records: readable by the service user only, from the first byte.
    partial.touch(mode=0o600)
    try:
        _run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}"],
            env=_libpq_env(database, database["NAME"]),
        )
    except BackupError:
        partial.unlink(missing_ok=True)
        raise
    # A file with the final name is always a complete dump.
    partial.replace(target)
    files = backup_files(directory)
    removed = files[: max(len(files) - keep, 0)]
    for old in removed:
        old.unlink()
    return target, removed


def latest_backup(directory: Path) -> Path:
    files = backup_files(directory)
    if not files:
        raise BackupError(f"No backups in {directory}.")
    return files[-1]


def _scratch_name(live_name: str) -> str:
    suffix = f"_restore_check_{os.getpid()}"
    return live_name[: SCRATCH_NAME_LIMIT - len(suffix)] + suffix


@contextmanager
def _connection_to(database: dict, name: str, *, alias: str):
    """A connection to another database on the same server, outside the app's own aliases.

    One plain connection, closed on the way out: not a pool (the app's pool settings would give
    this alias a pool of its own that outlives the check, its connections still open)."""
    wrapper_class = type(connections["default"])
    options = {key: value for key, value in database["OPTIONS"].items() if key != "pool"}
    connection = wrapper_class({**database, "NAME": name, "OPTIONS": options}, alias=alias)
    try:
        yield connection
    finally:
        connection.close()


def _count_rows(connection, tables: list[str]) -> dict[str, int]:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            " UNION ALL ".join(
                f"SELECT %s, COUNT(*) FROM {quote(table)}"  # noqa: S608 (names from the models)
                for table in tables
            ),
            tables,
        )
        return dict(cursor.fetchall())


def check_restore(*, file: Path) -> RestoreReport:
    """Restore a dump into a scratch database and compare it with the live one."""
    if not file.is_file():
        raise BackupError(f"No such backup file: {file}")
    database = database_settings()
    scratch = _scratch_name(database["NAME"])
    with _connection_to(database, "postgres", alias="restore_check_server") as server:
        quote = server.ops.quote_name
        with server.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(scratch)} WITH (FORCE)")
            cursor.execute(f"CREATE DATABASE {quote(scratch)}")
        try:
            _run(
                [
                    "pg_restore",
                    "--no-owner",
                    "--no-privileges",
                    "--exit-on-error",
                    "--single-transaction",
                    f"--dbname={scratch}",
                    str(file),
                ],
                env=_libpq_env(database, scratch),
            )
            return _compare(file=file, database=database, scratch=scratch)
        finally:
            with server.cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {quote(scratch)} WITH (FORCE)")


def _compare(*, file: Path, database: dict, scratch: str) -> RestoreReport:
    tables = clinical_tables()
    with _connection_to(database, scratch, alias="restore_check") as restored:
        unapplied = missing_migrations(restored)
        restored_counts = {} if unapplied else _count_rows(restored, tables)
    with _connection_to(database, database["NAME"], alias="restore_check_live") as live:
        live_counts = _count_rows(live, tables)
    return RestoreReport(
        file=file,
        unapplied_migrations=unapplied,
        counts=[
            TableCount(table=name, live=live_counts[name], restored=restored_counts.get(name, -1))
            for name in tables
        ],
    )
