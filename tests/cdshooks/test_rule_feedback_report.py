"""The per-rule report: shown, followed and overridden (by reason), from the app and from EHRs."""

import csv
import datetime
import io
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from cdshooks.cards import OVERRIDE_REASON_SYSTEM
from cdshooks.models import CardFeedback, EhrClient, IssuedCard
from cdshooks.report import APP, CDS_HOOKS, rule_report
from tests.factories import make_conservative_episode
from triage.review.services import record_recommendation_feedback

from . import ehr

pytestmark = pytest.mark.django_db
URL = reverse("cdshooks:rule_feedback")
CSV_URL = reverse("cdshooks:rule_feedback_csv")


def _mark(item, user, outcome, reason=""):
    record_recommendation_feedback(
        recommendation=item, user=user, outcome=outcome, reason=reason, now=timezone.now()
    )


def _card(client, code="NO_ROUTINE_IMAGING", ruleset="r2", issued_at=None):
    return IssuedCard.objects.create(
        uuid=uuid.uuid4(),
        client=client,
        service="upright-imaging",
        hook="order-select",
        code=code,
        ruleset=ruleset,
        indicator="info",
        summary="No scan is needed now.",
        issued_at=issued_at or timezone.now(),
    )


def _feedback(card, outcome, code="", system=OVERRIDE_REASON_SYSTEM):
    CardFeedback.objects.create(
        card=card,
        outcome=outcome,
        reason_code=code,
        reason_system=system if code else "",
        outcome_at=timezone.now(),
    )


@pytest.fixture
def world(clinician):
    """Two episodes marked in the app, three imaging cards sent with feedback from the EHR."""
    client = EhrClient.objects.create(name="EHR", issuer=ehr.ISSUER, jwks=ehr.public_jwks())
    first, second = make_conservative_episode(), make_conservative_episode()
    imaging = [e.care_plan.recommendations.get(code="NO_ROUTINE_IMAGING") for e in (first, second)]
    _mark(imaging[0], clinician, "followed")
    _mark(imaging[1], clinician, "overridden", "patient_declines")
    cards = [_card(client), _card(client), _card(client)]
    _feedback(cards[0], "accepted")
    _feedback(cards[1], "overridden", "clinical_judgement")
    _feedback(cards[2], "overridden", "ehr-own-code", system="https://ehr.example.org/reasons")
    _feedback(cards[2], "overridden", "ehr-own-code", system="https://ehr.example.org/reasons")
    return {"ruleset": imaging[0].ruleset, "codes": first.care_plan.recommendations.count()}


def _row(rows, code, source):
    (row,) = [row for row in rows if row.code == code and row.source == source]
    return row


def test_counts_from_both_sources(world):
    rows = rule_report()

    app = _row(rows, "NO_ROUTINE_IMAGING", APP)
    assert (app.ruleset, app.shown, app.followed, app.overridden) == (world["ruleset"], 2, 1, 1)
    assert app.by_reason["patient_declines"] == 1
    assert app.uncoded == 0
    assert app.override_percent == 50
    cds = _row(rows, "NO_ROUTINE_IMAGING", CDS_HOOKS)
    assert (cds.ruleset, cds.shown, cds.followed, cds.overridden) == ("r2", 3, 1, 2)
    assert cds.by_reason["clinical_judgement"] == 1
    assert cds.uncoded == 1  # the EHR's own code, reported twice for one card, counts once
    exercise = _row(rows, "EXERCISE_THERAPY", APP)
    assert (exercise.shown, exercise.followed, exercise.overridden) == (2, 0, 0)
    assert exercise.override_percent is None


def test_dates_filter_by_when_advice_was_shown(world):
    client = EhrClient.objects.get()
    _card(client, code="OLD_RULE", issued_at=timezone.now() - datetime.timedelta(days=40))
    today = timezone.localdate()

    recent = rule_report(date_from=today - datetime.timedelta(days=7), date_to=today)
    old = rule_report(date_to=today - datetime.timedelta(days=30))

    assert "OLD_RULE" not in {row.code for row in recent}
    assert [(row.code, row.shown) for row in old] == [("OLD_RULE", 1)]


def test_voided_episodes_are_left_out(world):
    voided = make_conservative_episode()
    voided.voided_at, voided.void_reason = timezone.now(), "Wrong patient"
    voided.save()

    assert _row(rule_report(), "NO_ROUTINE_IMAGING", APP).shown == 2


def test_the_page_runs_a_fixed_number_of_queries(
    clinician_client, clinician, world, django_assert_num_queries
):
    clinician_client.get(URL)
    # The session with its user (1; the second factor is in the session), the permission
    # check (user and group permissions in one query, 1), the report's three queries (plan
    # recommendations, visit recommendations, cards sent to EHRs). The session is saved at
    # most once a minute, not on every request.
    with django_assert_num_queries(5):
        response = clinician_client.get(URL)

    assert response.status_code == 200
    text = response.content.decode()
    assert "<code>NO_ROUTINE_IMAGING</code>" in text
    assert "CDS Hooks" in text
    for _ in range(3):
        make_conservative_episode()
    with django_assert_num_queries(5):
        assert clinician_client.get(URL).status_code == 200


def test_the_csv_export(clinician_client, world):
    response = clinician_client.get(CSV_URL, {"date_from": timezone.localdate().isoformat()})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    (cds,) = [
        r for r in rows if r["source"] == CDS_HOOKS and r["recommendation"] == "NO_ROUTINE_IMAGING"
    ]
    assert (cds["shown"], cds["followed"], cds["overridden"]) == ("3", "1", "2")
    assert cds["overridden: clinical judgement"] == "1"
    assert cds["overridden: no coded reason"] == "1"


def test_a_bad_date_is_explained_not_applied(clinician_client, world):
    response = clinician_client.get(URL, {"date_from": "31/02/2026"})

    assert response.status_code == 200
    assert "Enter a real date" in response.content.decode()


def test_nurses_cannot_see_the_report(nurse_client):
    assert nurse_client.get(URL).status_code == 403
    assert nurse_client.get(CSV_URL).status_code == 403
