"""Intake speed on PostgreSQL with 10,000 patients: p50/p95 server time of the steps and submit.

Targets (issue 4): p95 under 30 ms to render or save a step, under 100 ms for the final submit.
Each request goes through the real URLs, middleware, views, templates and database via Django's
test client, minus the client's copying of every template context for test assertions (which a
server never does, and which would dominate the figures).

Run (prints the figures; fails if a p95 misses its target):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
      make test PYTEST_ARGS="benchmarks/bench_intake.py -s"
"""

import datetime
import os
import statistics
import time

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from signed_in import sign_in

from accounts import roles
from patients.models import Patient, Sex
from tests.conftest import make_user
from tests.triage.intake_answers import history_answers, pain_answers, red_flag_answers
from triage.intake import selectors as intake_selectors
from triage.intake import services as intake_services
from triage.intake.answers import step_router
from triage.models import Encounter, EncounterStatus

PATIENTS = 10_000
PAST_ENCOUNTERS = 2_000
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "200"))
WARM_UP = 10
STEP_TARGET_MS = 30
SUBMIT_TARGET_MS = 100

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # As in the test suite: the manifest storage would need `collectstatic` first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


class ServerTimeClient(Client):
    """The test client without its per-template context capture: what the server itself does."""

    def request(self, **request):
        response = self.handler(self._base_environ(**request))
        if response.cookies:
            self.cookies.update(response.cookies)
        return response


def _seed(nurse) -> list[Patient]:
    """10,000 patients (and some past encounters) written with bulk_create."""
    sexes = [Sex.FEMALE, Sex.MALE, Sex.FEMALE, Sex.INTERSEX]
    Patient.objects.bulk_create(
        Patient(
            mrn=f"BENCH-{number:06d}",
            given_name=f"Given{number % 997}",
            family_name=f"Family{number % 4999}",
            date_of_birth=datetime.date(1940 + number % 60, 1 + number % 12, 1 + number % 28),
            sex=sexes[number % len(sexes)],
        )
        for number in range(PATIENTS)
    )
    patients = list(Patient.objects.order_by("pk"))
    Encounter.objects.bulk_create(
        Encounter(
            patient=patients[number],
            recorded_by=nurse,
            occurred_at=timezone.now() - datetime.timedelta(days=number % 300),
            status=EncounterStatus.SUBMITTED,
            age_years=40,
            days_since_onset=3,
            pain_score=5,
            pathway="conservative",
        )
        for number in range(PAST_ENCOUNTERS)
    )
    assert Patient.objects.count() >= PATIENTS
    return patients


def _complete_draft(nurse, patient):
    today = timezone.localdate()
    draft = intake_services.save_step(
        owner=nurse,
        draft=None,
        step="pain",
        answers=pain_answers(),
        next_step=step_router(today=today),
        patient=patient,
    )
    for step, answers in (("red_flags", red_flag_answers()), ("history", history_answers())):
        draft = intake_services.save_step(
            owner=nurse, draft=draft, step=step, answers=answers, next_step=step_router(today=today)
        )
    return draft


def _time_ms(call) -> float:
    started = time.perf_counter()
    response = call()
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code in (200, 302), response.status_code
    return elapsed


def _percentiles(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return statistics.median(samples), cuts[94]


def test_intake_speed_with_ten_thousand_patients():
    if connection.vendor != "postgresql" and not os.environ.get("BENCH_ALLOW_SQLITE"):
        pytest.skip("the intake benchmark runs on PostgreSQL (set DATABASE_URL)")
    nurse = make_user(roles.NURSE, username="bench-nurse")
    patients = _seed(nurse)
    client = ServerTimeClient()
    sign_in(client, nurse)
    subjects = patients[PAST_ENCOUNTERS : PAST_ENCOUNTERS + ROUNDS + WARM_UP]
    drafts = [_complete_draft(nurse, patient) for patient in subjects]
    token = drafts[0].token

    def step(name):
        return reverse("triage:intake_step", args=[token, name])

    measured = {
        "GET patient step (search 'family12')": lambda: client.get(
            reverse("triage:intake_new"), {"q": "family12"}
        ),
        "GET patient registration form": lambda: client.get(
            reverse("triage:intake_new"), {"register": "1"}
        ),
        "GET pain step": lambda: client.get(step("pain")),
        "GET red-flag step": lambda: client.get(step("red_flags")),
        "GET history step": lambda: client.get(step("history")),
        "POST red-flag step (save)": lambda: client.post(step("red_flags"), red_flag_answers()),
        "GET review": lambda: client.get(reverse("triage:intake_review", args=[token])),
    }
    results = {}
    for label, call in measured.items():
        for _ in range(WARM_UP):
            call()
        results[label] = [_time_ms(call) for _ in range(ROUNDS)]

    submit_samples = []
    for number, draft in enumerate(drafts):
        digest = intake_selectors.answers_digest(draft)
        url = reverse("triage:intake_submit", args=[draft.token])
        elapsed = _time_ms(lambda url=url, digest=digest: client.post(url, {"reviewed": digest}))
        if number >= WARM_UP:
            submit_samples.append(elapsed)
    results["POST submit (encounter + plan + visits)"] = submit_samples

    print(f"\nIntake on {connection.vendor} with {Patient.objects.count():,} patients, ", end="")
    print(f"{ROUNDS} rounds each (ms):")
    print(f"  {'request':<42} {'p50':>7} {'p95':>7} {'target p95':>11}")
    misses = []
    for label, samples in results.items():
        p50, p95 = _percentiles(samples)
        target = SUBMIT_TARGET_MS if "submit" in label else STEP_TARGET_MS
        print(f"  {label:<42} {p50:7.1f} {p95:7.1f} {target:>8} ms")
        if p95 >= target:
            misses.append(f"{label}: p95 {p95:.1f} ms >= {target} ms")
    assert Encounter.objects.filter(intake_token__isnull=False).count() == len(drafts)
    assert not misses, misses
