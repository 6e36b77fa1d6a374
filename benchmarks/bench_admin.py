"""Admin list pages' server time on PostgreSQL: a small clinic against a large one.

Seeds the clinic with the worklist benchmark's seed (1,000, then 100,000 encounters with their
follow-ups and escalations), adds a stored care plan per encounter and two chart openings per
encounter, then times the clinicians' admin lists through the real views with Django's test
client, signed in as an administrator, and prints p50/p95 for each page at both sizes.

It EMPTIES the patient and triage tables of the database it is given, so it refuses any database
whose name lacks "bench". Run it from the project root:

    psql -h 127.0.0.1 -U postgres -c 'create database bench_admin'
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_admin DJANGO_SECRET_KEY=bench \\
        .venv/bin/python benchmarks/bench_admin.py
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from bench_worklist import seed  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from signed_in import sign_in  # noqa: E402

from accounts import roles  # noqa: E402
from triage.models import Encounter  # noqa: E402

SCALES = (1_000, 100_000)
WARM_UP, SAMPLES = 10, 100
PAGES = (
    "/admin/triage/encounterawaitingreview/",
    "/admin/triage/encounter/",
    "/admin/triage/encounter/?fever__exact=1&review=awaiting",
    "/admin/patients/patient/",
    "/admin/patients/patient/?q=family12",
    "/admin/patients/chartaccess/",
    "/admin/triage/followup/?due=overdue",
    "/admin/triage/escalation/?state=open",
)


@transaction.atomic
def add_plans_and_chart_openings(staff_id: int) -> None:
    """A stored plan for every encounter, and two chart openings per encounter."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO triage_careplan (encounter_id, ruleset, pathway, red_flags, input_facts,"
            " created_at) SELECT id, 'bench', pathway, CASE WHEN fever THEN '[\"fever\"]'::jsonb"
            " ELSE '[]'::jsonb END, '{}'::jsonb, occurred_at FROM triage_encounter"
        )
        cursor.execute(
            "INSERT INTO patients_chartaccess (user_id, patient_id, accessed_at)"
            " SELECT %s, patient_id, occurred_at + make_interval(mins => n)"
            " FROM triage_encounter CROSS JOIN generate_series(1, 2) AS n",
            [staff_id],
        )


def analyse() -> None:
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def time_page(client: Client, path: str) -> tuple[float, float]:
    """p50 and p95 in milliseconds of GET `path`, after a warm-up."""
    for _ in range(WARM_UP):
        client.get(path)
    timings = []
    for _ in range(SAMPLES):
        started = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"bench_admin: {path} answered {response.status_code}")
    return statistics.median(timings), statistics.quantiles(timings, n=100)[94]


def main() -> None:
    database = settings.DATABASES["default"]
    if connection.vendor != "postgresql" or "bench" not in database["NAME"]:
        raise SystemExit(
            "bench_admin empties the tables of its database: point DATABASE_URL at a "
            "PostgreSQL database whose name contains 'bench' (see the docstring)."
        )
    setup_test_environment()
    call_command("migrate", verbosity=0)
    staff, _ = get_user_model().objects.get_or_create(username="bench-admin", is_staff=True)
    staff.groups.set([Group.objects.get(name=roles.ADMINISTRATOR)])
    client = Client()
    sign_in(client, staff)

    results = {}
    for encounters in SCALES:
        started = time.perf_counter()
        seed(encounters, staff.pk)
        add_plans_and_chart_openings(staff.pk)
        analyse()
        waiting = Encounter.objects.awaiting_review().count()
        print(
            f"seeded {encounters:,} encounters ({waiting:,} awaiting review) in "
            f"{time.perf_counter() - started:.1f} s",
            flush=True,
        )
        for path in PAGES:
            results[encounters, path] = time_page(client, path)
            p50, p95 = results[encounters, path]
            print(f"  GET {path:<58} p50 {p50:7.2f} ms   p95 {p95:7.2f} ms", flush=True)


if __name__ == "__main__":
    with override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ):
        main()
