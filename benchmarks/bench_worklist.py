"""Worklist server time on PostgreSQL: a large clinic against a small one.

Seeds a clinic of 100,000 encounters (300,000 follow-ups) in the database it is given and one of
1,000 encounters (3,000 follow-ups) in a second database beside it (the same name with "_small";
created when missing), then times the worklist through the real view with Django's test client,
alternating between the two clinics request by request so that anything else running on the
machine slows both alike. It prints p50/p95 for both and their ratio. The target (issue 5): p95
under 50 ms at 100,000 encounters and no more than 20 % slower than at 1,000. The overdue group's
own page (`/?show=overdue`, 50 rows a page) is timed too, for information.

It EMPTIES the patient and triage tables of both databases, so it refuses any database whose name
lacks "bench". Run it from the project root:

    psql -h 127.0.0.1 -U postgres -c 'create database bench_worklist'
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_worklist DJANGO_SECRET_KEY=bench \
        .venv/bin/python benchmarks/bench_worklist.py

The clinic sees 50 new episodes a day, so 100,000 encounters cover about five and a half years.
Each conservative episode has the plan's three visits (days 14, 42, 56). Visits due in the past
are mostly completed, some missed or cancelled as resolved; 10 % of those due in the last four
weeks and 1 % of older ones are still open (overdue). 3 % of episodes are urgent, with an
escalation still open when opened in the last week and, for 3 % of older ones, never closed.
"""

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.apps import apps  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connections, models, router, transaction  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402
from signed_in import sign_in  # noqa: E402

from accounts import roles  # noqa: E402
from patients.models import Patient  # noqa: E402
from triage.followup.selectors.worklist import build_worklist  # noqa: E402
from triage.models import (  # noqa: E402
    Encounter,
    Escalation,
    FollowUp,
)

EPISODES_PER_DAY = 50
SMALL, LARGE = "small", "default"  # database aliases
SCALES = {SMALL: 1_000, LARGE: 100_000}
PATHS = ("/", "/?show=overdue")
WARM_UP, SAMPLES = 30, 300
TARGET_P95_MS, TARGET_RATIO = 50.0, 1.20
PLAN_DAYS = (14, 42, 56)

# Column values by name; any other column gets a neutral value from its type (see _value).
ENCOUNTER_COLUMNS = {
    "patient_id": "(SELECT min(id) FROM patients_patient) + (g % %(patients)s)",
    "occurred_at": "now() - make_interval(secs => g * 86400.0 / %(rate)s)",
    "recorded_by_id": "%(staff)s",
    "status": "'submitted'",
    "age_years": "30 + g % 50",
    "days_since_onset": "g % 20",
    "pain_score": "3 + g % 8",
    "pain_location": "'neck'",
    "fever": "(g % 100 < 3)",
    "pathway": "CASE WHEN g % 100 < 3 THEN 'urgent' ELSE 'conservative' END",
    "episode_status": "CASE WHEN g % 100 < 3 THEN 'escalated' ELSE 'active' END",
    "needs_review": "(g % 100 < 3)",
}


class CurrentClinic:
    """Database router: every query goes to the clinic being timed."""

    alias = LARGE

    def db_for_read(self, model, **hints):
        return CurrentClinic.alias

    def db_for_write(self, model, **hints):
        return CurrentClinic.alias

    def allow_relation(self, first, second, **hints):
        return True

    def allow_migrate(self, db, app_label, **hints):
        return True


def _value(field: models.Field) -> str:
    if isinstance(field, models.BooleanField):
        return "false"
    if field.null:
        return "NULL"
    if isinstance(field, models.DateTimeField):
        return "now()"
    if isinstance(field, models.CharField | models.TextField):
        # A choice with a default (the escalation's priority) takes it; INSERT ... SELECT
        # does not apply Django's defaults.
        if isinstance(field.default, str):
            return "'" + field.default.replace("'", "''") + "'"
        return "''"
    raise SystemExit(f"bench_worklist: no seed value for {field.model.__name__}.{field.name}")


def _insert_select(model, columns: dict[str, str], source: str, params: dict) -> None:
    """INSERT every concrete column of `model` from a SELECT over `source`."""
    names, values = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        names.append(connections[CurrentClinic.alias].ops.quote_name(field.column))
        values.append(columns.get(field.column) or _value(field))
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(names)}) "
        f"SELECT {', '.join(values)} FROM {source}"
    )
    for key, value in params.items():
        sql = sql.replace(f"%({key})s", str(value))
    with connections[CurrentClinic.alias].cursor() as cursor:
        cursor.execute(sql)


def _empty_tables() -> None:
    tables = [
        model._meta.db_table
        for app in ("patients", "triage")
        for model in apps.get_app_config(app).get_models(include_auto_created=True)
    ]
    with connections[CurrentClinic.alias].cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


def seed(encounters: int, staff_id: int) -> None:
    """Fill the current clinic with `encounters` episodes, their visits and escalations."""
    with transaction.atomic(using=CurrentClinic.alias):
        _seed(encounters, staff_id)
    with connections[CurrentClinic.alias].cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def _seed(encounters: int, staff_id: int) -> None:
    _empty_tables()
    patients = max(encounters * 4 // 5, 1)
    params = {"patients": patients, "rate": EPISODES_PER_DAY, "staff": staff_id, "n": encounters}
    _insert_select(
        Patient,
        {
            "mrn": "'MRN-' || g",
            "given_name": "'Given' || g",
            "family_name": "'Family' || g",
            "date_of_birth": "date '1950-01-01' + (g % 15000)",
            "sex": "'female'",
        },
        f"generate_series(1, {patients}) AS g",
        params,
    )
    _insert_select(Encounter, ENCOUNTER_COLUMNS, "generate_series(1, %(n)s) AS g", params)
    due = "(e.occurred_at::date + p.day)"
    age = f"(current_date - {due})"  # days since the visit fell due; negative: still ahead
    hashed = "abs(hashtext(e.id::text || '-' || p.day)) % 1000"
    open_visit = f"({age} <= 0 OR ({age} <= 28 AND {hashed} < 100) OR {hashed} < 10)"
    status = (
        f"CASE WHEN {open_visit} THEN 'scheduled' WHEN {hashed} < 150 THEN 'missed' "
        f"WHEN {hashed} < 400 AND p.day > 14 THEN 'cancelled' ELSE 'completed' END"
    )
    _insert_select(
        FollowUp,
        {
            "encounter_id": "e.id",
            "due_date": due,
            "plan_day": "p.day",
            "purpose": "'Plan visit on day ' || p.day",
            "status": status,
            "status_reason": (
                f"CASE WHEN {open_visit} THEN '' WHEN {hashed} < 150 THEN 'Did not attend' "
                f"WHEN {hashed} < 400 AND p.day > 14 THEN 'resolved' ELSE '' END"
            ),
            "version": "1",
        },
        f"triage_encounter e CROSS JOIN (VALUES {', '.join(f'({d})' for d in PLAN_DAYS)}) "
        "AS p(day) WHERE e.pathway = 'conservative'",
        params,
    )
    still_open = "(e.occurred_at > now() - interval '7 days' OR e.id % 33 = 0)"
    _insert_select(
        Escalation,
        {
            "encounter_id": "e.id",
            "red_flags": "'[\"fever\"]'::jsonb",
            "opened_at": "e.occurred_at",
            "outcome": f"CASE WHEN {still_open} THEN '' ELSE 'serious_cause_excluded' END",
            "outcome_note": f"CASE WHEN {still_open} THEN '' ELSE 'Bloods and MRI normal.' END",
            "closed_by_id": f"CASE WHEN {still_open} THEN NULL ELSE %(staff)s END",
            "closed_at": (
                f"CASE WHEN {still_open} THEN NULL ELSE e.occurred_at + interval '1 day' END"
            ),
        },
        "triage_encounter e WHERE e.pathway = 'urgent'",
        params,
    )


def _counts() -> str:
    open_visits = FollowUp.objects.open()
    return (
        f"{Encounter.objects.count():,} encounters, {FollowUp.objects.count():,} follow-ups "
        f"({open_visits.count():,} open), {Escalation.objects.open().count():,} open escalations"
    )


def _prepare(alias: str) -> Client:
    """Migrate and seed one clinic; return a client signed in as a nurse there."""
    CurrentClinic.alias = alias
    # Its own process: the role-group data migration writes to the default database only.
    url = (
        f"{os.environ['DATABASE_URL'].rsplit('/', 1)[0]}/{connections[alias].settings_dict['NAME']}"
    )
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--verbosity=0"],
        check=True,
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
    )
    nurse, _ = get_user_model().objects.get_or_create(username="bench-nurse")
    nurse.groups.set([Group.objects.get(name=roles.NURSE)])
    started = time.perf_counter()
    seed(SCALES[alias], nurse.pk)
    print(f"seeded in {time.perf_counter() - started:.1f} s: {_counts()}", flush=True)
    client = Client()
    sign_in(client, nurse)
    return client


def _get(client: Client, alias: str, path: str) -> float:
    CurrentClinic.alias = alias
    started = time.perf_counter()
    response = client.get(path)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"bench_worklist: {path} answered {response.status_code}")
    return elapsed


def time_worklists(clients: dict[str, Client], path: str) -> dict[str, tuple[float, float]]:
    """p50 and p95 (ms) of GET `path` for each clinic, requests alternating between them."""
    order = [SMALL, LARGE]
    timings: dict[str, list[float]] = {SMALL: [], LARGE: []}
    for sample in range(WARM_UP + SAMPLES):
        order.reverse()  # neither clinic always goes first
        for alias in order:
            elapsed = _get(clients[alias], alias, path)
            if sample >= WARM_UP:
                timings[alias].append(elapsed)
    return {
        alias: (statistics.median(times), statistics.quantiles(times, n=100)[94])
        for alias, times in timings.items()
    }


def _add_small_database() -> None:
    """Configure the `small` alias beside the default database, creating it when missing."""
    name = f"{settings.DATABASES['default']['NAME']}_small"
    with connections[LARGE].cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f"CREATE DATABASE {connections[LARGE].ops.quote_name(name)}")
    connections.settings[SMALL] = {**connections.settings[LARGE], "NAME": name}


def main() -> None:
    database = settings.DATABASES["default"]
    if connections["default"].vendor != "postgresql" or "bench" not in database["NAME"]:
        raise SystemExit(
            "bench_worklist empties the tables of its database: point DATABASE_URL at a "
            "PostgreSQL database whose name contains 'bench' (see the docstring)."
        )
    router.routers = [CurrentClinic()]
    _add_small_database()
    clients = {alias: _prepare(alias) for alias in (SMALL, LARGE)}

    print()
    for path in PATHS:
        results = time_worklists(clients, path)
        for alias in (SMALL, LARGE):
            p50, p95 = results[alias]
            rows = _rows_shown(alias, path)
            print(
                f"GET {path:<15} {SCALES[alias]:>7,} encounters: p50 {p50:6.2f} ms  "
                f"p95 {p95:6.2f} ms  ({rows} rows shown)"
            )
        ratio = results[LARGE][1] / results[SMALL][1]
        if path == "/":
            passed = results[LARGE][1] < TARGET_P95_MS and ratio <= TARGET_RATIO
            verdict = f"target p95 < {TARGET_P95_MS:.0f} ms and ratio <= {TARGET_RATIO:.2f}: " + (
                "PASS" if passed else "FAIL"
            )
        else:
            verdict = "for information: one group's page shows more rows in the larger clinic"
        print(f"{'':19} p95 ratio {ratio:.2f} ({verdict})\n", flush=True)


def _rows_shown(alias: str, path: str) -> int:
    CurrentClinic.alias = alias
    show = path.partition("show=")[2] or None
    return sum(len(group.rows) for group in build_worklist(today=timezone.localdate(), group=show))


if __name__ == "__main__":
    # No test environment: its template instrumentation copies every context, which is the
    # test client's cost, not the server's. Only the host name and static storage are adjusted.
    with override_settings(
        ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"],
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ):
        main()
