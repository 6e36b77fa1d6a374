"""Every page at clinic-network scale, against a signed-in "hello" view in the same run.

`make bench-scale` runs this. It keeps two PostgreSQL databases beside each other:

    bench_scale        100,000 patients, 300,000 encounters, about 1,000,000 follow-ups
    bench_scale_small    1,000 patients,   3,000 encounters, about    10,000 follow-ups

and seeds them once with bulk INSERT ... SELECT (a few minutes for the large one): every care
plan and visit assessment is one the real engine produced for one of a few dozen distinct fact
combinations, stored in the real snapshot format (plan, recommendations, visits). A later run
finds the seed (table `bench_scale_seed`) and skips it; a database whose migrations no longer
exist in the code (a rebuilt history) is dropped and seeded again.

Then it serves each database with gunicorn in production settings (DEBUG off, manifest static
files, the database pool; deploy/gunicorn.conf.py, so the production recipe's workers, their
recycling; GUNICORN_WORKERS changes the number; the app preloaded and the port handed over by
systemd-socket-activate, as the systemd units do; GUNICORN_PRELOAD=0 turns preloading off) on
127.0.0.1, with UPRIGHT_BENCHMARK on for the hello views and the Server-Timing / X-Query-Count
headers, and for every page:

- drives the large clinic with `wrk`, alternating with the signed-in hello view: requests/s and
  the ratio to hello in the same minute, so other load on the machine slows both alike;
- times single requests, alternating large and small clinic: p50/p95 server time (from the
  Server-Timing header), the big/small ratio of p95, and the query count at both sizes. First
  every worker of both app servers gets the page (three rounds of one request per worker, sent
  at once): the throughput runs have just had gunicorn replace most workers, and a replaced
  worker's first requests are slower (README, "A replaced worker's first requests").

The intake submit and the visit POST are driven the same way with prepared drafts and visits
(four concurrent clients instead of wrk, each request consuming its own draft or visit).

Last, for the hello view and five nurse pages, it times the first request a just-forked worker
serves (every worker ended before each request): what gunicorn's recycling costs the one request
in a thousand or so that meets a new worker. Not a target; printed beside the page's p50.

Environment: BENCH_PG (server URL without database, default postgres://postgres@127.0.0.1:5432),
BENCH_SCALE_PORT (first of two ports, default 8120), BENCH_SCALE_SECONDS (length of one wrk run,
default 3), BENCH_SCALE_SAMPLES (single requests per page and size, default 40),
BENCH_SCALE_PAGES (comma-separated page names to run, default all), BENCH_SCALE_DATABASE (the
large database's name, default bench_scale; the small one adds _small), BENCH_SCALE_FRESH_TRIALS
(a new worker's first request: times per page, default 10; 0 leaves it out). Run from the
project root:

    make bench-scale
"""

import concurrent.futures
import contextlib
import datetime
import http.client
import inspect
import json
import os
import re
import runpy
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
FIRST_PORT = int(os.environ.get("BENCH_SCALE_PORT", "8120"))
WRK_SECONDS = int(os.environ.get("BENCH_SCALE_SECONDS", "3"))
SAMPLES = int(os.environ.get("BENCH_SCALE_SAMPLES", "40"))
WARM_UP = 5
PAGE_SECONDS = 20  # most single-request timing one page gets
WRK_ROUNDS = 2
POST_CLIENTS = 4
POST_THROUGHPUT_ITEMS = 120
# The app server's workers, read from the gunicorn file the servers run with.
WORKERS = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))["workers"]
WARM_ROUNDS = 3
# Before a POST's samples its workers are warmed on the page it is sent from.
POST_PAGES = {"intake submit": "intake: review", "visit POST": "visit form"}
# A replaced worker's first request: how many times per page (0 leaves it out), and which pages.
FRESH_TRIALS = int(os.environ.get("BENCH_SCALE_FRESH_TRIALS", "10"))
FRESH_PAGES = ("worklist (home)", "patient chart", "care plan", "visit form", "intake: pain step")
SEED_VERSION = "3"
# The day of its course on which each benchmark visit POST falls, the same at both sizes.
VISIT_DAY = 14
# Databases: bench_scale and bench_scale_small, or <prefix> and <prefix>_small; a prefix keeps
# a branch with migrations of its own off the shared pair (copy them: createdb -T bench_scale).
DATABASE_PREFIX = os.environ.get("BENCH_SCALE_DATABASE", "bench_scale")
SIZES = {
    "large": {"database": DATABASE_PREFIX, "patients": 100_000, "encounters": 300_000},
    "small": {"database": f"{DATABASE_PREFIX}_small", "patients": 1_000, "encounters": 3_000},
}
# History spans the same five years at both sizes: a network sees more patients a day.
SPAN_DAYS = 5 * 365
# Targets (issue 12).
TARGET_P95_MS, TARGET_BIG_SMALL, TARGET_NURSE_SHARE, TARGET_SIGNED_IN_SHARE = 50.0, 1.20, 0.30, 0.80
CSRF_SECRET = "benchmarkcsrfsecret0123456789abc"  # 32 characters, as Django's secret


# --------------------------------------------------------------------------------------------
# Preparing one database (runs in its own process, with Django set up on that database).
# --------------------------------------------------------------------------------------------


def prepare(size: str, output: Path) -> None:
    """Migrate, seed when needed, and write what the run needs (cookies, paths, posts)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    seeder = _Seeder(SIZES[size])
    seeder.seed_unless_present()
    items = seeder.run_items()
    # Measure the database as autovacuum keeps a live one: earlier runs' writes, new migrations
    # and their backfills leave pages without visibility information or hint bits, which alone
    # tripled the worklist's counting statement (106 ms -> 35 ms after VACUUM at 100,000).
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    output.write_text(json.dumps(items))


class _Seeder:
    """Bulk seed of one clinic and the per-run items (sessions, drafts, visits to record)."""

    def __init__(self, spec: dict) -> None:
        from django.apps import apps

        self.spec = spec
        self.models = {model.__name__: model for model in apps.get_models()}
        self.combos = 60

    # -- what is there -----------------------------------------------------------------------

    def seed_unless_present(self) -> None:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TABLE IF NOT EXISTS bench_scale_seed "
                "(version text, patients int, encounters int, seeded_at timestamptz)"
            )
            cursor.execute("SELECT version, patients, encounters FROM bench_scale_seed")
            found = cursor.fetchone()
        wanted = (SEED_VERSION, self.spec["patients"], self.spec["encounters"])
        self.users = self._users()
        if found == wanted:
            print(f"  {self.spec['database']}: seed found, reused", flush=True)
            return
        started = time.perf_counter()
        self._seed()
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM bench_scale_seed")
            cursor.execute("INSERT INTO bench_scale_seed VALUES (%s, %s, %s, now())", wanted)
        print(
            f"  {self.spec['database']}: seeded in {time.perf_counter() - started:.0f} s",
            flush=True,
        )

    def _users(self) -> dict:
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group

        users = {}
        for name, role, staff in (
            ("bench-nurse", "Nurse", False),
            ("bench-clinician", "Clinician", True),
            ("bench-admin", "Administrator", True),
        ):
            user, _ = get_user_model().objects.get_or_create(
                username=name, defaults={"is_staff": staff}
            )
            user.groups.set([Group.objects.get(name=role)])
            users[role] = user
        return users

    # -- the seed ----------------------------------------------------------------------------

    def _seed(self) -> None:
        from django.db import connection, transaction

        with transaction.atomic():
            # Bulk load: the rows are consistent by construction, so skip the per-row foreign-key
            # triggers (checking millions of deferred constraints at COMMIT takes many minutes).
            self._sql("SET LOCAL session_replication_role = replica")
            self._empty()
            self._combos()
            self._patients()
            self._encounters()
            self._care_plans()
            self._follow_ups()
            self._visits()
            self._escalations_and_openings()
            # The outcomes page reads per-day tallies the services keep, and the worklist the
            # medicine reviews' marks: a bulk load rebuilds both.
            from triage.followup.services import refresh_medicine_review_marks
            from triage.intake.outcome_tallies import rebuild_all_outcome_tallies

            rebuild_all_outcome_tallies()
            refresh_medicine_review_marks()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    def _sql(self, sql: str, params=None) -> None:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    def _table(self, name: str) -> str:
        return self.models[name]._meta.db_table

    def _empty(self) -> None:
        from django.apps import apps

        tables = {
            model._meta.db_table
            for label in ("patients", "triage")
            for model in apps.get_app_config(label).get_models(include_auto_created=True)
            if not model._meta.proxy
        }
        self._sql(f"TRUNCATE {', '.join(sorted(tables))} RESTART IDENTITY CASCADE")

    def _combos(self) -> None:
        """Run the real engine on a few dozen fact combinations; keep plans and assessments."""
        from triage.guideline import (
            HISTORY_KEYS,
            RED_FLAG_KEYS,
            IntakeFacts,
            VisitFacts,
            evaluate_follow_up,
            evaluate_intake,
        )

        self._sql(
            "CREATE TEMP TABLE bench_combo (k int PRIMARY KEY, facts jsonb, ruleset text,"
            " pathway text, red_flags jsonb, needs_review bool)"
        )
        self._sql(
            "CREATE TEMP TABLE bench_combo_rec (k int, position int, code text, indicator text,"
            " category text, summary text, detail text, sources jsonb, evidence text,"
            " ruleset text)"
        )
        self._sql("CREATE TEMP TABLE bench_combo_visit (k int, day int, purpose text)")
        self._sql(
            "CREATE TEMP TABLE bench_assessment (day int, resolved bool, pain int, change int,"
            " status text, ruleset text, facts jsonb, red_flags jsonb)"
        )
        self._sql(
            "CREATE TEMP TABLE bench_assessment_rec (day int, resolved bool, position int,"
            " code text, indicator text, category text, summary text, detail text,"
            " sources jsonb, evidence text, ruleset text)"
        )
        from django.utils import timezone

        today = timezone.localdate().isoformat()
        baseline_facts = None
        for k in range(self.combos):
            relaxant = None if k % 3 else k % 8
            facts = {
                "age": 25 + (k * 7) % 60,
                "days_since_onset": max((k * 3) % 30, relaxant or 0),
                "pain_score": 2 + k % 9,
                "muscle_spasm": k % 4 != 0,
                "neuropathic_features": k % 5 == 0,
                "declines_neck_manipulation": k % 7 == 0,
                "muscle_relaxant_days": relaxant,
                **dict.fromkeys(RED_FLAG_KEYS, False),
                **dict.fromkeys(HISTORY_KEYS, False),
                "pregnancy_weeks": None,
            }
            facts["cardiovascular_disease"] = k % 6 == 0
            facts["gi_bleed_or_ulcer"] = k % 11 == 0
            facts["takes_anticoagulant"] = k % 13 == 0
            facts["takes_serotonergic_drug"] = k % 9 == 0
            # Two combinations in sixty (about 3 %) carry a red flag: the urgent pathway.
            facts["fever"] = k == self.combos - 1
            facts["significant_trauma"] = k == self.combos - 2
            plan = evaluate_intake(IntakeFacts.from_mapping({**facts, "encounter_date": today}))
            if facts["pain_score"] == 8 and baseline_facts is None:
                baseline_facts = facts  # severe pain at intake: a visit at 4 is improving
            needs_review = str(plan.pathway) == "urgent" or any(
                code.endswith(("_WITHHELD", "_CAUTION")) for code in plan.codes
            )
            self._sql(
                "INSERT INTO bench_combo VALUES (%s, %s, %s, %s, %s, %s)",
                [
                    k,
                    json.dumps(facts),
                    plan.ruleset,
                    str(plan.pathway),
                    json.dumps(list(plan.red_flags)),
                    needs_review,
                ],
            )
            for position, rec in enumerate(plan.recommendations, start=1):
                self._sql(
                    "INSERT INTO bench_combo_rec VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    [k, position, *_rec_values(rec), plan.ruleset],
                )
            for visit in plan.follow_ups:
                self._sql(
                    "INSERT INTO bench_combo_visit VALUES (%s, %s, %s)",
                    [k, visit.day, visit.purpose],
                )
        intake = IntakeFacts.from_mapping(baseline_facts)
        for day in (7, 14, 42, 56):
            for resolved, pain, change in ((True, 0, 5), (False, 4, 1)):
                facts = VisitFacts(day=day, pain_score=pain, global_change=change)
                assessment = evaluate_follow_up(intake, facts)
                self._sql(
                    "INSERT INTO bench_assessment VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                    [
                        day,
                        resolved,
                        pain,
                        change,
                        str(assessment.status),
                        assessment.ruleset,
                        json.dumps(facts.to_dict()),
                        json.dumps(list(assessment.red_flags)),
                    ],
                )
                for position, rec in enumerate(assessment.recommendations, start=1):
                    self._sql(
                        "INSERT INTO bench_assessment_rec VALUES"
                        " (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                        [day, resolved, position, *_rec_values(rec), assessment.ruleset],
                    )

    def _insert(self, model_name: str, columns: dict[str, str], source: str) -> None:
        """INSERT every concrete column of the model from a SELECT over `source`."""
        from django.db import models

        model = self.models[model_name]
        names, values = [], []
        for field in model._meta.concrete_fields:
            names.append(f'"{field.column}"')
            if field.column in columns:
                values.append(columns[field.column])
            elif isinstance(field, models.BooleanField):
                values.append("false")
            elif field.null:
                values.append("NULL")
            elif isinstance(field, models.DateTimeField):
                values.append("now()")
            elif isinstance(field, models.CharField | models.TextField):
                # A default (the escalation's priority) applies; INSERT ... SELECT skips them.
                default = field.default if isinstance(field.default, str) else ""
                values.append("'" + default.replace("'", "''") + "'")
            elif isinstance(field, models.JSONField):
                values.append("'[]'::jsonb")
            elif field.primary_key:
                names.pop()
            else:
                raise SystemExit(f"bench_scale: no seed value for {model_name}.{field.name}")
        self._sql(
            f"INSERT INTO {model._meta.db_table} ({', '.join(names)}) "
            f"SELECT {', '.join(values)} FROM {source}"
        )
        self._sql(
            f"SELECT setval(pg_get_serial_sequence('{model._meta.db_table}', 'id'),"
            f" (SELECT coalesce(max(id), 0) + 1 FROM {model._meta.db_table}), false)"
        )

    def _patients(self) -> None:
        self._insert(
            "Patient",
            {
                "id": "g",
                "mrn": "'MRN-' || lpad(g::text, 7, '0')",
                "given_name": "(ARRAY['Ana','Ben','Chidi','Dana','Emre','Fatima','Goran'])"
                "[1 + g % 7] || g % 97",
                "family_name": "'Family' || lpad(g::text, 6, '0')",
                "date_of_birth": "date '1945-01-01' + (g * 37) % 20000",
                "sex": "(ARRAY['female','male'])[1 + g % 2]",
                "created_at": "now() - interval '6 years'",
                "updated_at": "now() - interval '6 years'",
            },
            f"generate_series(1, {self.spec['patients']}) AS g",
        )

    def _encounters(self) -> None:
        from django.db import models

        from triage.guideline import INTAKE_KEYS

        encounters = self.spec["encounters"]
        nurse, clinician = self.users["Nurse"].pk, self.users["Clinician"].pk
        model = self.models["Encounter"]
        columns = {}
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField) and field.name in INTAKE_KEYS:
                # A named fact (the relaxant's name): blank when the facts hold none.
                columns[field.column] = f"coalesce(c.facts->>'{field.name}', '')"
            elif field.name in INTAKE_KEYS:
                sql_type = "boolean" if isinstance(field, models.BooleanField) else "int"
                value = f"(c.facts->>'{field.name}')::{sql_type}"
                if isinstance(field, models.BooleanField) and not field.null:
                    value = f"coalesce({value}, false)"  # a question these facts do not ask
                columns[field.column] = value
        # Waiting for sign-off: the last three days, one in 300 older ones, and at least the
        # newest 100 intakes (ids count back from now), so that the review queue fills its
        # 50-row page at both sizes and the two are compared page for page (the small clinic
        # had 9 waiting against the large one's 1,135).
        awaiting = (
            "(c.needs_review AND (s.at > now() - interval '3 days' OR s.g % 300 = 0 OR s.g <= 100))"
        )
        columns |= {
            "id": "s.g",
            "patient_id": f"1 + (s.g - 1) % {self.spec['patients']}",
            "occurred_at": "s.at",
            "recorded_by_id": str(nurse),
            "status": "'submitted'",
            "intake_token": "gen_random_uuid()",
            "age_years": "(c.facts->>'age')::int",
            "onset_date": "s.at::date - (c.facts->>'days_since_onset')::int",
            "pain_location": "(ARRAY['neck','upper_back','both'])[1 + s.g % 3]",
            "muscle_relaxant_start": ("s.at::date - (c.facts->>'muscle_relaxant_days')::int"),
            "pathway": "c.pathway",
            "episode_status": "CASE WHEN c.pathway = 'urgent' THEN 'escalated' ELSE 'active' END",
            "needs_review": "c.needs_review",
            "reviewed_at": f"CASE WHEN c.needs_review AND NOT {awaiting}"
            " THEN s.at + interval '1 day' END",
            "reviewed_by_id": f"CASE WHEN c.needs_review AND NOT {awaiting} THEN {clinician} END",
            "voided_at": "CASE WHEN s.g % 500 = 0 THEN s.at + interval '1 hour' END",
            "voided_by_id": f"CASE WHEN s.g % 500 = 0 THEN {nurse} END",
            "void_reason": "CASE WHEN s.g % 500 = 0 THEN 'Entered for the wrong patient.'"
            " ELSE '' END",
            "created_at": "s.at",
            "updated_at": "s.at",
        }
        seconds = SPAN_DAYS * 86400.0 / encounters
        self._insert(
            "Encounter",
            columns,
            f"(SELECT g, now() - interval '2 hours' - make_interval(secs => (g - 1) * {seconds})"
            f" AS at FROM generate_series(1, {encounters}) AS g) AS s"
            f" JOIN bench_combo c ON c.k = s.g % {self.combos}",
        )

    def _care_plans(self) -> None:
        encounter = self._table("Encounter")
        self._insert(
            "CarePlan",
            {
                "id": "e.id",
                "encounter_id": "e.id",
                "ruleset": "c.ruleset",
                "pathway": "c.pathway",
                "red_flags": "c.red_flags",
                "input_facts": "c.facts || jsonb_build_object('encounter_date',"
                " to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'))",
                "created_at": "e.occurred_at",
            },
            f"{encounter} e JOIN bench_combo c ON c.k = e.id % {self.combos}",
        )
        self._insert(
            "Recommendation",
            {
                "care_plan_id": "p.id",
                "visit_id": "NULL",
                **_rec_columns("r"),
            },
            f"{self._table('CarePlan')} p JOIN bench_combo_rec r ON r.k = p.id % {self.combos}",
        )

    def _follow_ups(self) -> None:
        """The plan's visits, and an unscheduled day-7 visit in a third of the episodes.

        An episode resolves at day 14 (20 %), 42 (35 %), 56 (25 %) or not by day 56 (20 %);
        visits after the resolution are cancelled. 15 % of the others are missed; 10 % of
        those due in the last four weeks and 1 % of older ones are still open (overdue).
        """
        encounter = self._table("Encounter")
        nurse = self.users["Nurse"].pk
        due = "(e.occurred_at::date + v.day)"
        age = f"(current_date - {due})"
        hashed = "abs(hashtext(e.id::text || '-' || v.day)) % 1000"
        resolves = (
            "(CASE WHEN e.id % 100 < 20 THEN 14 WHEN e.id % 100 < 55 THEN 42"
            " WHEN e.id % 100 < 80 THEN 56 ELSE 999 END)"
        )
        open_visit = f"({age} <= 0 OR ({age} <= 28 AND {hashed} < 100) OR {hashed} < 10)"
        status = (
            f"CASE WHEN {open_visit} THEN 'scheduled' WHEN v.day > {resolves} THEN 'cancelled'"
            f" WHEN {hashed} < 150 THEN 'missed' ELSE 'completed' END"
        )
        reason = (
            f"CASE WHEN {open_visit} THEN '' WHEN v.day > {resolves} THEN 'resolved'"
            f" WHEN {hashed} < 150 THEN 'Did not attend' ELSE '' END"
        )
        closed = f"NOT {open_visit}"
        common = {
            "encounter_id": "e.id",
            "due_date": due,
            "recorded_by_id": f"CASE WHEN {closed} THEN {nurse} END",
            "recorded_at": f"CASE WHEN {closed} THEN {due} + time '10:00' END",
            "version": f"CASE WHEN {closed} THEN 2 ELSE 1 END",
            "created_at": "e.occurred_at",
            "updated_at": f"CASE WHEN {closed} THEN {due} + time '10:00' ELSE e.occurred_at END",
        }
        live = f"{encounter} e JOIN bench_combo_visit v ON v.k = e.id % {self.combos}"
        self._insert(
            "FollowUp",
            common
            | {
                "plan_day": "v.day",
                "purpose": "v.purpose",
                "status": status,
                "status_reason": reason,
            },
            live,
        )
        self._insert(
            "FollowUp",
            common
            | {
                "plan_day": "NULL",
                "purpose": "'Unscheduled visit'",
                "status": "'completed'",
                "recorded_by_id": str(nurse),
                "recorded_at": f"{due} + time '10:00'",
                "version": "1",
            },
            f"{encounter} e CROSS JOIN (VALUES (7)) AS v(day)"
            f" WHERE e.pathway = 'conservative' AND e.id % 3 = 0 AND {age} > 0",
        )

    def _visits(self) -> None:
        """A visit record, in the engine's snapshot format, for every completed follow-up."""
        follow_up, encounter = self._table("FollowUp"), self._table("Encounter")
        nurse = self.users["Nurse"].pk
        resolves = (
            "(CASE WHEN e.id % 100 < 20 THEN 14 WHEN e.id % 100 < 55 THEN 42"
            " WHEN e.id % 100 < 80 THEN 56 ELSE 999 END)"
        )
        self._insert(
            "VisitRecord",
            {
                "follow_up_id": "f.id",
                "visit_date": "f.due_date",
                "day": "a.day",
                "pain_score": "a.pain",
                "global_change": "a.change",
                "outcome_status": "a.status",
                "ruleset": "a.ruleset",
                "input_facts": "a.facts",
                "red_flags": "a.red_flags",
                "recorded_by_id": str(nurse),
                "recorded_at": "f.recorded_at",
            },
            f"{follow_up} f JOIN {encounter} e ON e.id = f.encounter_id"
            " JOIN bench_assessment a ON a.day = coalesce(f.plan_day, 7)"
            f" AND a.resolved = (coalesce(f.plan_day, 7) = {resolves})"
            " WHERE f.status = 'completed'",
        )
        visit = self._table("VisitRecord")
        self._insert(
            "Recommendation",
            {"care_plan_id": "NULL", "visit_id": "v.id", **_rec_columns("r")},
            f"{visit} v JOIN bench_assessment_rec r ON r.day = v.day"
            " AND r.resolved = (v.outcome_status = 'resolved')",
        )
        # The episode stands where its latest recorded visit left it.
        self._sql(
            f"UPDATE {encounter} e SET episode_status = last.outcome_status FROM"
            f" (SELECT DISTINCT ON (f.encounter_id) f.encounter_id, v.outcome_status"
            f"  FROM {visit} v JOIN {follow_up} f ON f.id = v.follow_up_id"
            "  ORDER BY f.encounter_id, v.day DESC) AS last"
            " WHERE last.encounter_id = e.id AND e.pathway = 'conservative'"
        )

    def _escalations_and_openings(self) -> None:
        encounter = self._table("Encounter")
        clinician = self.users["Clinician"].pk
        still_open = "(e.occurred_at > now() - interval '7 days' OR e.id % 33 = 0)"
        self._insert(
            "Escalation",
            {
                "encounter_id": "e.id",
                "red_flags": "p.red_flags",
                "opened_at": "e.occurred_at",
                "outcome": f"CASE WHEN {still_open} THEN '' ELSE 'serious_cause_excluded' END",
                "outcome_note": f"CASE WHEN {still_open} THEN '' ELSE 'Bloods and MRI normal.' END",
                "closed_by_id": f"CASE WHEN {still_open} THEN NULL ELSE {clinician} END",
                "closed_at": f"CASE WHEN {still_open} THEN NULL"
                " ELSE e.occurred_at + interval '1 day' END",
            },
            f"{encounter} e JOIN {self._table('CarePlan')} p ON p.encounter_id = e.id"
            " WHERE e.pathway = 'urgent'",
        )
        self._insert(
            "ChartAccess",
            {
                "user_id": str(self.users["Nurse"].pk),
                "patient_id": "e.patient_id",
                "accessed_at": "e.occurred_at",
            },
            f"{encounter} e",
        )

    # -- what one run uses -------------------------------------------------------------------

    def run_items(self) -> dict:
        """Sessions, the pages' paths, and fresh drafts and visits for the POSTs."""
        from django.conf import settings
        from django.contrib import admin
        from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
        from django.urls import reverse
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from accounts.sessions import SessionStore

        sessions = {}
        for role, user in self.users.items():
            store = SessionStore()
            store[SESSION_KEY] = str(user.pk)
            store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
            store[HASH_SESSION_KEY] = user.get_session_auth_hash()
            # The second factor given, as after the code page (an authenticator for the user).
            device, _ = TOTPDevice.objects.get_or_create(
                user=user, confirmed=True, defaults={"name": "benchmark"}
            )
            store[DEVICE_ID_SESSION_KEY] = device.persistent_id
            store.set_expiry(24 * 3600)
            store.create()
            sessions[role] = (
                f"{settings.SESSION_COOKIE_NAME}={store.session_key}; "
                f"{settings.CSRF_COOKIE_NAME}={CSRF_SECRET}"
            )

        patients = self.spec["patients"]
        drafts = self._drafts(count=POST_THROUGHPUT_ITEMS + SAMPLES + WARM_UP + 1)
        reserved_draft = drafts.pop()
        visits = self._visits_to_record(count=POST_THROUGHPUT_ITEMS + SAMPLES + WARM_UP + 1)
        reserved_visit = visits.pop()
        encounter_model, follow_up_model = self.models["Encounter"], self.models["FollowUp"]
        recent_plan = (
            encounter_model.objects.filter(pathway="conservative", voided_at__isnull=True)
            .order_by("-occurred_at")
            .values_list("pk", flat=True)[20]
        )
        completed = (
            follow_up_model.objects.filter(status="completed", plan_day=14)
            .order_by("-due_date")
            .values_list("pk", flat=True)[5]
        )
        chart = _first_url("triage:patient_chart", "patients:chart", args=[patients // 2])

        def step(name):
            return reverse("triage:intake_step", args=[reserved_draft["token"], name])

        nurse_pages = {
            "worklist (home)": reverse("triage:home"),
            "patient chart": chart,
            "care plan": reverse("triage:care_plan", args=[recent_plan]),
            "visit form": reverse("triage:followup_record", args=[reserved_visit["pk"]]),
            "follow-up detail": reverse("triage:followup_detail", args=[completed]),
            "intake: patient search": reverse("triage:intake_new")
            + f"?q=family{patients // 3:06d}",
            "intake: pain step": step("pain"),
            "intake: red-flag step": step("red_flags"),
            "intake: history step": step("history"),
            "intake: review": reverse("triage:intake_review", args=[reserved_draft["token"]]),
            "patient search": reverse("patients:list") + f"?q=family{patients // 3:06d}",
            "patient list": reverse("patients:list"),
        }
        pages = [
            {"name": name, "path": path, "role": "Nurse", "nurse": True}
            for name, path in nurse_pages.items()
        ]
        pages.append({"name": "outcomes", "path": reverse("triage:outcomes"), "role": "Clinician"})
        for model in admin.site._registry:
            if model._meta.app_label in ("patients", "triage"):
                meta = model._meta
                pages.append(
                    {
                        "name": f"admin: {meta.verbose_name_plural}",
                        "path": reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"),
                        "role": "Administrator",
                    }
                )
        return {
            "sessions": sessions,
            "pages": pages,
            "hello": "/bench/hello/",
            "hello_anonymous": "/bench/hello/anonymous/",
            "posts": {
                "intake submit": [
                    {
                        "path": reverse("triage:intake_submit", args=[draft["token"]]),
                        "body": {"reviewed": draft["digest"]},
                        "expect": "/care-plan/",
                    }
                    for draft in drafts
                ],
                "visit POST": [
                    {
                        "path": reverse("triage:followup_record", args=[visit["pk"]]),
                        "body": _visit_body(visit["visit_date"]),
                        "expect": "/follow-ups/",
                    }
                    for visit in visits
                ],
            },
        }

    def _drafts(self, *, count: int) -> list[dict]:
        """Complete intake drafts of the nurse, each for a different patient, ready to submit."""
        from django.utils import timezone

        from triage.guideline import HISTORY_KEYS, RED_FLAG_KEYS

        services = _import_first("triage.intake.services", "triage.intake_services")
        reads = _import_first("triage.intake.selectors", "triage.intake_services")
        nurse = self.users["Nurse"]
        today = timezone.localdate()
        if "next_step" in inspect.signature(services.save_step).parameters:
            answers_module = _import_first("triage.intake.answers")
            routing = {"next_step": answers_module.step_router(today=today)}
        else:
            routing = {"today": today}
        pain = {
            "onset_date": (today - datetime.timedelta(days=5)).isoformat(),
            "pain_location": "neck",
            "pain_score": "6",
            "muscle_spasm": "yes",
            "neuropathic_features": "no",
            "declines_neck_manipulation": "no",
            "takes_muscle_relaxant": "no",
            "muscle_relaxant_start": "",
        }
        red_flags = dict.fromkeys(RED_FLAG_KEYS, "no")
        history = {key: "no" for key in HISTORY_KEYS if key != "pregnancy_weeks"}
        history |= {"pregnant": "no", "pregnancy_weeks": ""}
        first = self.spec["patients"] // 4
        patient_model = self.models["Patient"]
        drafts = []
        for patient in patient_model.objects.filter(pk__gte=first).order_by("pk")[:count]:
            draft = services.save_step(
                owner=nurse, draft=None, step="pain", answers=pain, patient=patient, **routing
            )
            for step, answers in (("red_flags", red_flags), ("history", history)):
                draft = services.save_step(
                    owner=nurse, draft=draft, step=step, answers=answers, **routing
                )
            drafts.append({"token": str(draft.token), "digest": reads.answers_digest(draft)})
        return drafts

    def _visits_to_record(self, *, count: int) -> list[dict]:
        """New scheduled visits on day VISIT_DAY of recent conservative episodes.

        Each visit falls on the same day of its course at both sizes, so the engine assesses
        alike and the POSTs compare like with like: the most recent episodes of the small
        clinic go back months, those of the large one a day or two, and the engine adds cards
        (one more statement) later in a course."""
        from django.utils import timezone

        follow_up_model = self.models["FollowUp"]
        episodes = (
            self.models["Encounter"]
            .objects.filter(
                pathway="conservative",
                voided_at__isnull=True,
                occurred_at__lt=timezone.now() - datetime.timedelta(days=VISIT_DAY + 1),
            )
            .exclude(episode_status="resolved")
            .order_by("-occurred_at")
            .values_list("pk", "occurred_at")[:count]
        )
        created = follow_up_model.objects.bulk_create(
            follow_up_model(
                encounter_id=pk,
                due_date=timezone.localdate(occurred_at) + datetime.timedelta(days=VISIT_DAY),
                purpose="Benchmark visit",
                status="scheduled",
            )
            for pk, occurred_at in episodes
        )
        if len(created) < count:
            raise SystemExit(f"bench_scale: only {len(created)} episodes for the visit POSTs")
        return [
            {"pk": follow_up.pk, "visit_date": follow_up.due_date.isoformat()}
            for follow_up in created
        ]


def _rec_values(rec) -> list:
    return [
        rec.code,
        str(rec.indicator),
        str(rec.category),
        rec.summary,
        rec.detail,
        json.dumps(list(rec.sources)),
        rec.evidence or "",
    ]


def _rec_columns(alias: str) -> dict[str, str]:
    return {
        name: f"{alias}.{name}"
        for name in (
            "position",
            "code",
            "indicator",
            "category",
            "summary",
            "detail",
            "sources",
            "evidence",
            "ruleset",
        )
    }


def _visit_body(visit_date: str) -> dict:
    from triage.guideline import RED_FLAG_KEYS

    body = {
        "version": "1",
        "visit_date": visit_date,
        "pain_score": "4",
        "muscle_relaxant_days": "",
        "global_change": "1",
        "note": "",
    }
    for slot in (1, 2, 3):
        body[f"activity_{slot}_name"] = ""
        body[f"activity_{slot}_score"] = ""
    return body | dict.fromkeys(RED_FLAG_KEYS, "no")


def _import_first(*names: str):
    import importlib

    for name in names:
        try:
            return importlib.import_module(name)
        except ModuleNotFoundError:
            continue
    raise SystemExit(f"bench_scale: none of {names} can be imported")


def _first_url(*names: str, args) -> str:
    from django.urls import NoReverseMatch, reverse

    for name in names:
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    raise SystemExit(f"bench_scale: none of the URL names {names} exists")


# --------------------------------------------------------------------------------------------
# The run (no Django in this process: it only starts servers and sends requests).
# --------------------------------------------------------------------------------------------


def _admin_connection():
    return psycopg.connect(f"{SERVER}/postgres", autocommit=True)


def _code_migrations() -> set[tuple[str, str]]:
    return {
        (path.parent.parent.name, path.stem)
        for path in ROOT.glob("*/migrations/0*.py")
        if path.parent.parent.name != "benchmarks"
    }


def _ensure_database(name: str) -> None:
    """Create the database; drop it first when it holds migrations the code no longer has."""
    with _admin_connection() as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists:
            recorded = []
            with psycopg.connect(f"{SERVER}/{name}") as conn:
                if conn.execute("SELECT to_regclass('django_migrations')").fetchone()[0]:
                    recorded = conn.execute(
                        "SELECT app, name FROM django_migrations"
                        " WHERE app IN ('accounts', 'patients', 'triage')"
                    ).fetchall()
            stale = set(recorded) - _code_migrations()
            if not stale:
                return
            print(f"  {name}: migrations rebuilt in the code; recreating the database", flush=True)
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def _environment(database: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"{SERVER}/{database}",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "bench-scale-local-key"),
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_LOG_LEVEL": "WARNING",
        "UPRIGHT_BENCHMARK": "1",
    }


def _prepare_all() -> dict[str, dict]:
    items = {}
    for size, spec in SIZES.items():
        _ensure_database(spec["database"])
        output = ROOT / ".benchmarks" / f"bench_scale_{size}.json"
        output.parent.mkdir(exist_ok=True)
        subprocess.run(
            [PYTHON, __file__, "prepare", size, str(output)],
            check=True,
            cwd=ROOT,
            env=_environment(spec["database"]) | {"DATABASE_POOL": "0"},
        )
        items[size] = json.loads(output.read_text())
    return items


def _start_servers() -> dict[str, tuple[subprocess.Popen, int]]:
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "--verbosity=0"],
        check=True,
        cwd=ROOT,
        env=_environment(SIZES["small"]["database"]),
    )
    servers = {}
    for offset, (size, spec) in enumerate(SIZES.items()):
        port = FIRST_PORT + offset
        command = [
            str(Path(PYTHON).parent / "gunicorn"),
            # The production recipe's settings: workers (2 x cores + 1, or GUNICORN_WORKERS),
            # recycling. Access log lines are formatted as in production but
            # written to /dev/null instead of the journal.
            "--config=deploy/gunicorn.conf.py",
            "--log-level=warning",
            "config.wsgi",
        ]
        env = _environment(spec["database"]) | {
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_ACCESS_LOG": "/dev/null",
            # As the systemd unit runs it: the app loaded once and every worker forked from it.
            "GUNICORN_PRELOAD": os.environ.get("GUNICORN_PRELOAD", "1"),
        }
        activate = shutil.which("systemd-socket-activate")
        if activate:
            # ... and its port held by systemd (deploy/systemd/upright@.socket), which hands the
            # socket to gunicorn; only the variables named with --setenv are passed on.
            command = [
                activate,
                f"--listen=127.0.0.1:{port}",
                *(f"--setenv={n}" for n in env),
                *command,
            ]
        process = subprocess.Popen(command, cwd=ROOT, env=env)
        servers[size] = (process, port)
    for size, (_process, port) in servers.items():
        for _ in range(100):
            try:
                status, _, _ = _request(port, "GET", "/bench/hello/anonymous/")
            except OSError:
                time.sleep(0.2)
                continue
            if status == 200:
                break
        else:
            raise SystemExit(f"bench_scale: the {size} server did not start on port {port}")
    return servers


def _request(port: int, method: str, path: str, cookie: str = "", body: dict | None = None):
    """One request; returns (status, server milliseconds, headers)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Host": "127.0.0.1"}
    if cookie:
        headers["Cookie"] = cookie
    payload = None
    if body is not None:
        payload = urllib.parse.urlencode({**body, "csrfmiddlewaretoken": CSRF_SECRET})
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body=payload, headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    timing = response.getheader("Server-Timing", "app;dur=nan")
    server_ms = float(timing.partition("dur=")[2])
    return response.status, server_ms, response


def _wrk(port: int, path: str, cookie: str) -> float:
    """Requests per second for WRK_SECONDS of GET `path` (two threads, four connections)."""
    command = ["wrk", "-t2", "-c4", f"-d{WRK_SECONDS}s"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    result = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
    )
    failures = re.search(r"Non-2xx or 3xx responses: (\d+)", result.stdout)
    if failures:
        print(f"    ! {failures.group(1)} responses were errors for {path}", flush=True)
    return float(re.search(r"Requests/sec:\s+([\d.]+)", result.stdout).group(1))


def _throughput_against_hello(port: int, hello_cookie: str, hello: str, drive) -> tuple:
    """(page requests/s, hello requests/s) over alternating rounds."""
    page_rates, hello_rates = [], []
    for _ in range(WRK_ROUNDS):
        hello_rates.append(_wrk(port, hello, hello_cookie))
        page_rates.append(drive())
    return statistics.mean(page_rates), statistics.mean(hello_rates)


def _percentiles(samples: list[float]) -> tuple[float, float]:
    return statistics.median(samples), statistics.quantiles(samples, n=100, method="inclusive")[94]


def _warm_every_worker(servers, items, page) -> None:
    """Send `page` to every worker of both app servers before its single requests are timed.

    The throughput runs before a page's samples pass thousands of requests, so gunicorn has just
    replaced most workers (each after 1,000-1,100 requests), and one-at-a-time requests tend to
    go to the same few workers. A replaced worker's first requests cost several times a later
    one's (a new database connection, whose server process starts with empty caches; its own
    copy of the memory it writes): in production that is a request or two in a thousand a worker,
    in the samples it was up to one in eight. Rounds of one request per worker, sent at once,
    reach them all. What a new worker's first requests cost is measured on its own (README).
    """
    for size in SIZES:
        spec = items[size]["pages"][page]
        cookie = items[size]["sessions"][spec["role"]]
        status = _to_every_worker(servers[size][1], spec["path"], cookie)
        if status != 200:
            raise SystemExit(f"bench_scale: {spec['name']} answered {status} ({size})")


def _to_every_worker(port: int, path: str, cookie: str) -> int:
    """GET `path` in rounds of one request per worker, sent at once; the worst status seen."""
    requests = [(port, "GET", path, cookie)] * WORKERS
    with concurrent.futures.ThreadPoolExecutor(WORKERS) as pool:
        return max(
            status
            for _ in range(WARM_ROUNDS)
            for status, _ms, _response in pool.map(lambda r: _request(*r), requests)
        )


def _time_get(servers, items, page) -> dict:
    """Single-request server time and query counts, alternating large and small."""
    samples = {"large": [], "small": []}
    queries = {"large": set(), "small": set()}
    order = ["small", "large"]
    _warm_every_worker(servers, items, page)
    started = time.perf_counter()
    for number in range(WARM_UP + SAMPLES):
        if number > 2 * WARM_UP and time.perf_counter() - started > PAGE_SECONDS:
            break  # a slow page gets fewer samples, so the run ends in reasonable time
        order.reverse()
        for size in order:
            spec = items[size]["pages"][page]
            cookie = items[size]["sessions"][spec["role"]]
            status, server_ms, response = _request(servers[size][1], "GET", spec["path"], cookie)
            if status != 200:
                raise SystemExit(f"bench_scale: {spec['name']} answered {status} ({size})")
            if number >= WARM_UP:
                samples[size].append(server_ms)
                if not _refreshed_session(response, cookie):
                    queries[size].add(int(response.getheader("X-Query-Count")))
    return {"samples": samples, "queries": queries}


def _refreshed_session(response, cookie: str) -> bool:
    """Whether this request also wrote the session's "last seen" time (once a minute, whatever
    the page: one more UPDATE, answered with a new session cookie). It is timed like any other,
    but its query count is the session's, not the page's, so it is left out of the count."""
    session_cookie = cookie.partition("=")[0]
    return any(
        header.startswith(f"{session_cookie}=")
        for header in response.headers.get_all("Set-Cookie") or []
    )


def _time_posts(servers, items, name, throughput_items) -> dict:
    samples = {"large": [], "small": []}
    queries = {"large": set(), "small": set()}
    order = ["small", "large"]
    pending = {size: list(items[size]["posts"][name]) for size in SIZES}
    _warm_every_worker(servers, items, POST_PAGES[name])
    for number in range(WARM_UP + SAMPLES):
        order.reverse()
        for size in order:
            post = pending[size].pop()
            _status, server_ms, response = _post(servers[size][1], items[size], post)
            if number >= WARM_UP:
                samples[size].append(server_ms)
                if not _refreshed_session(response, items[size]["sessions"]["Nurse"]):
                    queries[size].add(int(response.getheader("X-Query-Count")))
    throughput_items.extend(pending["large"])
    return {"samples": samples, "queries": queries}


def _post(port: int, size_items: dict, post: dict):
    cookie = size_items["sessions"]["Nurse"]
    status, server_ms, response = _request(port, "POST", post["path"], cookie, post["body"])
    location = response.getheader("Location", "")
    if status != 302 or post["expect"] not in location:
        raise SystemExit(f"bench_scale: POST {post['path']} answered {status} {location}")
    return status, server_ms, response


def _post_rate(port: int, size_items: dict, posts: list[dict]) -> float:
    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(POST_CLIENTS) as pool:
        list(pool.map(lambda post: _post(port, size_items, post), posts))
    return len(posts) / (time.perf_counter() - started)


def _workers(master: int) -> set[int]:
    """The gunicorn master's child processes (its workers), read from /proc."""
    workers = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue  # ended meanwhile
        if int(fields[1]) == master:
            workers.add(int(stat.parent.name))
    return workers


def _replace_workers(master: int) -> None:
    """End every worker and wait until they have gone; the master forks new ones, which take
    the next requests (a request sent before they are up waits in the socket's queue)."""
    old = _workers(master)
    for pid in old:
        # One may have ended meanwhile (a worker that had served its share of requests).
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 30
    while old & _workers(master):
        if time.monotonic() > deadline:
            raise SystemExit("bench_scale: gunicorn's workers did not stop")
        time.sleep(0.01)


def _warm_p50(port: int, path: str, cookie: str, count: int = 20) -> float:
    """p50 server time of `path` once every worker has served it (for the hello view, which has
    no row of its own)."""
    _to_every_worker(port, path, cookie)
    return statistics.median(_request(port, "GET", path, cookie)[1] for _ in range(count))


def _fresh_worker_first_requests(servers, paths) -> list[tuple[str, float, float]]:
    """(name, p50, max) of the first request a just-forked worker serves, per page, at 100,000
    patients: what gunicorn's recycling costs the one request that meets a new worker."""
    process, port = servers["large"]
    results = []
    for name, path, cookie in paths:
        times = []
        for _ in range(FRESH_TRIALS):
            _replace_workers(process.pid)
            status, server_ms, _response = _request(port, "GET", path, cookie)
            if status != 200:
                raise SystemExit(f"bench_scale: {name} answered {status} from a new worker")
            times.append(server_ms)
        results.append((name, statistics.median(times), max(times)))
    return results


def _row(name, rate, hello_rate, timed, nurse) -> dict:
    large_p50, large_p95 = _percentiles(timed["samples"]["large"])
    small_p50, small_p95 = _percentiles(timed["samples"]["small"])
    share = rate / hello_rate if rate is not None else None
    row = {
        "name": name,
        "rate": rate,
        "share": share,
        "p50": large_p50,
        "p95": large_p95,
        "small_p50": small_p50,
        "small_p95": small_p95,
        "big_small": large_p95 / small_p95,
        "queries": sorted(timed["queries"]["large"]),
        "small_queries": sorted(timed["queries"]["small"]),
    }
    misses = []
    if large_p95 >= TARGET_P95_MS:
        misses.append("p95")
    if row["big_small"] > TARGET_BIG_SMALL:
        misses.append("big/small")
    if nurse and share is not None and share < TARGET_NURSE_SHARE:
        misses.append("share")
    if row["queries"] != row["small_queries"] or len(row["queries"]) > 1:
        misses.append("queries")
    row["misses"] = misses
    return row


def _print_row(row: dict) -> None:
    rate = f"{row['rate']:8.1f}" if row["rate"] is not None else f"{'-':>8}"
    share = f"{100 * row['share']:5.0f} %" if row["share"] is not None else f"{'-':>7}"
    queries = "/".join(str(q) for q in row["queries"])
    small_queries = "/".join(str(q) for q in row["small_queries"])
    print(
        f"| {row['name']:<34} | {rate} | {share} | {row['p50']:7.1f} | {row['p95']:7.1f} "
        f"| {row['small_p95']:7.1f} | {row['big_small']:5.2f} | {queries:>5} / {small_queries:<5} "
        f"| {', '.join(row['misses']) or 'ok'} |",
        flush=True,
    )


def run() -> None:
    started = time.perf_counter()
    print("Preparing the clinics (seeding only when missing):", flush=True)
    items = _prepare_all()
    for size in SIZES:
        items[size]["pages"] = {page["name"]: page for page in items[size]["pages"]}
    servers = _start_servers()
    large_port = servers["large"][1]
    large = items["large"]
    nurse_cookie = large["sessions"]["Nurse"]
    chosen = os.environ.get("BENCH_SCALE_PAGES")
    try:
        print(
            f"\nUpright at scale, {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, "
            f"{os.cpu_count()} cores; wrk {WRK_ROUNDS}x{WRK_SECONDS} s per page alternating "
            f"with the signed-in hello view; {SAMPLES} single requests per page and size.\n",
            flush=True,
        )
        signed_in, anonymous = _throughput_against_hello(
            large_port,
            "",
            large["hello_anonymous"],
            lambda: _wrk(large_port, large["hello"], nurse_cookie),
        )
        print(
            f"hello view: signed in {signed_in:.0f} req/s, anonymous {anonymous:.0f} req/s: "
            f"{100 * signed_in / anonymous:.0f} % (target {100 * TARGET_SIGNED_IN_SHARE:.0f} %)\n",
            flush=True,
        )
        print(
            "| page (100,000 patients vs 1,000) | req/s | x hello | p50 ms | p95 ms "
            "| small p95 | big/small | queries big / small | misses |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---|---|")
        rows = []
        for name, page in large["pages"].items():
            if chosen and name not in chosen.split(","):
                continue
            cookie = large["sessions"][page["role"]]
            timed = _time_get(servers, items, name)
            rate, hello_rate = _throughput_against_hello(
                large_port,
                nurse_cookie,
                large["hello"],
                lambda page=page, cookie=cookie: _wrk(large_port, page["path"], cookie),
            )
            rows.append(_row(name, rate, hello_rate, timed, page.get("nurse", False)))
            _print_row(rows[-1])
        for name in ("intake submit", "visit POST"):
            if chosen and name not in chosen.split(","):
                continue
            throughput_items: list[dict] = []
            timed = _time_posts(servers, items, name, throughput_items)
            batches = [throughput_items[i::WRK_ROUNDS] for i in range(WRK_ROUNDS)]
            rate, hello_rate = _throughput_against_hello(
                large_port,
                nurse_cookie,
                large["hello"],
                lambda batches=batches: _post_rate(large_port, large, batches.pop()),
            )
            rows.append(_row(name, rate, hello_rate, timed, nurse=True))
            _print_row(rows[-1])
        if FRESH_TRIALS:
            chosen_fresh = [
                (name, page["path"], large["sessions"][page["role"]])
                for name, page in large["pages"].items()
                if name in FRESH_PAGES and (not chosen or name in chosen.split(","))
            ]
            fresh = _fresh_worker_first_requests(
                servers, [("hello (signed in)", large["hello"], nurse_cookie), *chosen_fresh]
            )
            warm = {row["name"]: row["p50"] for row in rows}
            warm["hello (signed in)"] = _warm_p50(large_port, large["hello"], nurse_cookie)
            print(
                f"\nA new worker's first request at 100,000 patients (all workers replaced before "
                f"each of {FRESH_TRIALS}; not a target): p50 / max ms, against the page's p50 above"
            )
            for name, p50, longest in fresh:
                print(f"  {name:<34} {p50:7.1f} / {longest:7.1f}   (p50 {warm[name]:.1f})")
        misses = [f"{row['name']} ({', '.join(row['misses'])})" for row in rows if row["misses"]]
        if signed_in < TARGET_SIGNED_IN_SHARE * anonymous:
            share = 100 * signed_in / anonymous
            misses.insert(0, f"signed-in hello view ({share:.0f} % of anonymous)")
        print(
            f"\ntargets: p95 < {TARGET_P95_MS:.0f} ms; big/small p95 <= {TARGET_BIG_SMALL:.2f}; "
            f"nurse pages >= {100 * TARGET_NURSE_SHARE:.0f} % of hello; one query count at "
            f"both sizes. Missed: {'; '.join(misses) or 'none'}"
        )
        print(f"total time {time.perf_counter() - started:.0f} s")
    finally:
        for process, _ in servers.values():
            process.terminate()
        for process, _ in servers.values():
            process.wait(timeout=30)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "prepare":
        prepare(sys.argv[2], Path(sys.argv[3]))
    else:
        run()
