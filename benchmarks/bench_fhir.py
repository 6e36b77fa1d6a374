"""FHIR $everything server time on PostgreSQL, with 100,000 patients in the database.

Seeds 100,000 patients, each with one conservative encounter and its three follow-ups, with
INSERT ... SELECT, then one patient with 5 episodes and 30 visits built with the real engine
and the real visit service (plans, recommendations, visit assessments, an escalation). Times
GET /fhir/Patient/{id}/$everything for that patient through the real view (Django's test
client, all middleware, the chart-access write included) and prints p50/p95, the number of
queries and of resources. The target (issue 15): p95 under 100 ms.

It EMPTIES the patient, triage and FHIR tables of its database, so it refuses any database whose
name lacks "bench". `--reuse` times again on what an earlier run seeded. Run it from the project
root (or `make bench-fhir`):

    psql -h 127.0.0.1 -U postgres -c 'create database bench_fhir'
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_fhir DJANGO_SECRET_KEY=bench \
        .venv/bin/python benchmarks/bench_fhir.py
"""

import datetime
import gc
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
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402
from signed_in import sign_in  # noqa: E402

from accounts import roles  # noqa: E402
from patients.models import Patient  # noqa: E402
from triage.followup.services import add_unscheduled_visit, record_visit  # noqa: E402
from triage.guideline import (  # noqa: E402
    INTAKE_KEYS,
    RED_FLAG_KEYS,
    IntakeFacts,
    evaluate_intake,
)
from triage.models import (  # noqa: E402
    CarePlan,
    Encounter,
    Escalation,
    FollowUp,
    Recommendation,
    VisitRecord,
)

PATIENTS = 100_000
EPISODES, VISITS_PER_EPISODE = 5, 6
WARM_UP, SAMPLES = 30, 300
TARGET_P95_MS = 100.0
BASELINE = "/fhir/metadata"


def _sql(statement: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement)


def _empty_tables() -> None:
    tables = [
        model._meta.db_table
        for app in ("patients", "triage", "fhir")
        for model in apps.get_app_config(app).get_models(include_auto_created=True)
    ]
    _sql(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


def _seed_clinic(staff_id: int) -> None:
    """100,000 patients, one conservative encounter each, three follow-ups per encounter."""
    _sql(
        "INSERT INTO patients_patient (mrn, given_name, family_name, date_of_birth, sex, phone, "
        "created_at, updated_at) "
        "SELECT 'B-' || g, 'Given', 'Family' || g, date '1950-01-01' + (g % 18000), 'female', '', "
        f"now(), now() FROM generate_series(1, {PATIENTS}) g"
    )
    encounter_columns = {
        "patient_id": "p.id",
        "occurred_at": "now() - make_interval(days => (p.id % 900)::int)",
        "recorded_by_id": str(staff_id),
        "status": "'submitted'",
        "age_years": "40",
        "days_since_onset": "3",
        "pain_score": "6",
        "pain_location": "'neck'",
        "pathway": "'conservative'",
        "episode_status": "'active'",
    }
    names, values = [], []
    for field in Encounter._meta.concrete_fields:
        if field.primary_key:
            continue
        names.append(connection.ops.quote_name(field.column))
        if field.column in encounter_columns:
            values.append(encounter_columns[field.column])
        elif field.get_internal_type() == "BooleanField":
            values.append("false")
        elif field.null:
            values.append("NULL")
        elif field.get_internal_type() == "DateTimeField":
            values.append("now()")
        else:
            values.append("''")
    _sql(
        f"INSERT INTO {Encounter._meta.db_table} ({', '.join(names)}) "
        f"SELECT {', '.join(values)} FROM patients_patient p"
    )
    _sql(
        "INSERT INTO triage_followup (encounter_id, due_date, plan_day, purpose, status, "
        "status_reason, version, void_reason, created_at, updated_at) "
        "SELECT e.id, (e.occurred_at)::date + d, d, 'Visit', 'scheduled', '', 1, '', now(), now() "
        "FROM triage_encounter e CROSS JOIN (VALUES (14), (42), (56)) AS days(d)"
    )
    _sql("ANALYZE")


def _findings(visit_date: datetime.date, pain: int) -> dict:
    return {
        "visit_date": visit_date,
        "pain_score": pain,
        "muscle_relaxant_days": None,
        "global_change": 1,
        "note": "",
        "activity_1_name": "Driving",
        "activity_1_score": 6,
        **{f"activity_{slot}_{part}": "" if part == "name" else None
           for slot in (2, 3) for part in ("name", "score")},
        **dict.fromkeys(RED_FLAG_KEYS, False),
    }  # fmt: skip


def _episode(patient: Patient, nurse, started: datetime.datetime, *, urgent: bool) -> None:
    """One episode with the engine's stored plan and VISITS_PER_EPISODE recorded visits."""
    encounter = Encounter.objects.create(
        patient=patient, recorded_by=nurse, occurred_at=started, status="submitted",
        age_years=46, days_since_onset=3, pain_score=8, pain_location="neck",
        muscle_spasm=True, neuropathic_features=True, fever=urgent,
        pathway="urgent" if urgent else "conservative",
    )  # fmt: skip
    day = timezone.localdate(started)
    columns = {"age": "age_years"} | {field.name: field.name for field in Encounter._meta.fields}
    answers = {key: getattr(encounter, columns[key]) for key in INTAKE_KEYS if key in columns}
    # A blank text column (the relaxant's name) is an unanswered fact.
    answers = {key: None if value == "" else value for key, value in answers.items()}
    facts = IntakeFacts.from_mapping({**answers, "encounter_date": day.isoformat()})
    plan = evaluate_intake(facts)
    care_plan = CarePlan.objects.create(
        encounter=encounter, ruleset=plan.ruleset, pathway=str(plan.pathway),
        red_flags=list(plan.red_flags), input_facts=facts.to_dict(),
    )  # fmt: skip
    Recommendation.objects.bulk_create(
        Recommendation.snapshots(plan.recommendations, ruleset=plan.ruleset, care_plan=care_plan)
    )
    if urgent:
        Escalation.objects.create(encounter=encounter, red_flags=["fever"], opened_at=started)
    for visit in plan.follow_ups:
        FollowUp.objects.create(
            encounter=encounter, due_date=day + datetime.timedelta(days=visit.day),
            plan_day=visit.day, purpose=visit.purpose,
        )  # fmt: skip
    scheduled = list(encounter.follow_ups.order_by("due_date"))
    for number in range(VISITS_PER_EPISODE):
        pain = max(2, 7 - number)
        if number < len(scheduled):
            follow_up = scheduled[number]
            record_visit(
                follow_up=follow_up, version=follow_up.version, user=nurse, now=timezone.now(),
                findings=_findings(follow_up.due_date, pain),
            )  # fmt: skip
        else:
            add_unscheduled_visit(
                encounter=encounter, user=nurse, now=timezone.now(),
                findings=_findings(day + datetime.timedelta(days=60 + number), pain),
            )  # fmt: skip


def _prepare() -> tuple[Client, Patient]:
    if "--reuse" in sys.argv and Patient.objects.filter(mrn="BENCH-1").exists():
        # Time again on the data a previous run seeded (after checking it is all there).
        nurse = get_user_model().objects.get(username="bench-nurse")
        if Patient.objects.count() > PATIENTS:
            client = Client()
            sign_in(client, nurse)
            return client, Patient.objects.get(mrn="BENCH-1")
    subprocess.run([sys.executable, "manage.py", "migrate", "--verbosity=0"], check=True, cwd=ROOT)
    _empty_tables()
    nurse, _ = get_user_model().objects.get_or_create(username="bench-nurse")
    nurse.groups.set([Group.objects.get(name=roles.NURSE)])
    started = time.perf_counter()
    _seed_clinic(nurse.pk)
    patient = Patient.objects.create(
        mrn="BENCH-1", given_name="Bench", family_name="Patient",
        date_of_birth=datetime.date(1980, 5, 17), sex="female",
    )  # fmt: skip
    first = timezone.now() - datetime.timedelta(days=EPISODES * 100)
    for number in range(EPISODES):
        _episode(patient, nurse, first + datetime.timedelta(days=number * 100), urgent=number == 2)
    _sql("ANALYZE")
    print(
        f"seeded in {time.perf_counter() - started:.1f} s: {Patient.objects.count():,} "
        f"patients, {Encounter.objects.count():,} encounters, {FollowUp.objects.count():,} "
        "follow-ups",
        flush=True,
    )
    client = Client()
    sign_in(client, nurse)
    return client, patient


def _percentiles(times: list[float]) -> tuple[float, float]:
    return statistics.median(times), statistics.quantiles(times, n=100)[94]


def main() -> None:
    database = settings.DATABASES["default"]
    if connection.vendor != "postgresql" or "bench" not in database["NAME"]:
        raise SystemExit(
            "bench_fhir empties the tables of its database: point DATABASE_URL at a "
            "PostgreSQL database whose name contains 'bench' (see the docstring)."
        )
    client, patient = _prepare()
    path = f"/fhir/Patient/{patient.pk}/$everything"
    queries = []
    with connection.execute_wrapper(
        lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)
    ):
        response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"bench_fhir: {path} answered {response.status_code}")
    entries = len(response.json()["entry"])
    visits = VisitRecord.objects.filter(follow_up__encounter__patient=patient).count()
    # The metadata answer (same middleware, no database) alternates with $everything, so a
    # busy machine shows up in both figures.
    timings = {path: [], BASELINE: []}
    # CPU time of this process (the app's share, without the database's and without waiting for
    # a core): on a machine shared with other work, wall time alone says little.
    cpu: list[float] = []
    # As the production entry point does once start-up is done (config/wsgi.py).
    gc.collect()
    gc.freeze()
    for sample in range(WARM_UP + SAMPLES):
        for url in (path, BASELINE) if sample % 2 else (BASELINE, path):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise SystemExit(f"bench_fhir: {url} answered {response.status_code}")
            if sample >= WARM_UP:
                timings[url].append(elapsed)
                if url == path:
                    cpu.append((time.process_time() - started_cpu) * 1000)
    p50, p95 = _percentiles(timings[path])
    base50, base95 = _percentiles(timings[BASELINE])
    cpu50, cpu95 = _percentiles(cpu)
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    verdict = "PASS" if p95 < TARGET_P95_MS else "FAIL"
    print(
        f"\nGET $everything ({EPISODES} episodes, {visits} visits, {entries} resources, "
        f"{len(queries)} queries) with {PATIENTS:,} patients:\n"
        f"  p50 {p50:6.2f} ms  p95 {p95:6.2f} ms  (target p95 < {TARGET_P95_MS:.0f} ms: "
        f"{verdict})\n"
        f"  app CPU time p50 {cpu50:6.2f} ms  p95 {cpu95:6.2f} ms\n"
        f"GET /fhir/metadata (no database; the machine's floor in the same run):\n"
        f"  p50 {base50:6.2f} ms  p95 {base95:6.2f} ms\n"
        f"load average during the run: {load} on {os.cpu_count()} cores"
    )
    if verdict == "FAIL":
        raise SystemExit(1)


if __name__ == "__main__":
    # No test environment (its template instrumentation is the client's cost, not the server's).
    with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
        main()
