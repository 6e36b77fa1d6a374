"""Outcome figures: the arithmetic on a known set, the episodes it reads, and the page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory, make_conservative_episode, visit_findings
from triage.followup import services as services
from triage.followup.selectors.outcomes import Share, clinic_outcomes, default_intake_from


def test_figures_of_no_episodes_divide_by_nothing(db):
    figures = clinic_outcomes(today=timezone.localdate())
    assert figures.episodes == 0
    assert figures.resolved_by_milestone.percent is None
    assert figures.median_days_to_resolution is None
    assert figures.visits_missed == Share(0, 0)


def _episode(days_ago: int, visits: list, *, staff, **fields):
    """An episode with its plan's visits recorded in order: a pain score, a dict, or 'missed'."""
    encounter = make_conservative_episode(
        occurred_at=timezone.now() - datetime.timedelta(days=days_ago),
        pain_score=6,
        recorded_by=staff,
        **fields,
    )
    for follow_up, outcome in zip(encounter.follow_ups.order_by("due_date"), visits, strict=False):
        args = {"follow_up": follow_up, "version": 1, "user": staff, "now": timezone.now()}
        if outcome == "missed":
            services.record_missed(reason="Did not attend", **args)
        else:
            extra = outcome if isinstance(outcome, dict) else {"pain_score": outcome}
            services.record_visit(findings=visit_findings(follow_up.due_date, **extra), **args)
    return encounter


@pytest.fixture
def known_clinic(db):
    staff = UserFactory()
    _episode(100, [1], staff=staff)  # resolved on day 14
    _episode(60, [5, "missed", 4], staff=staff)  # persistent at day 56
    _episode(70, [{"fever": True}], staff=staff)  # escalated on day 14
    _episode(200, [5, 0], staff=staff)  # resolved on day 42
    _episode(30, [1], staff=staff)  # too recent
    _episode(90, [1], staff=staff, voided_at=timezone.now(), void_reason="Wrong patient")


def test_clinic_figures_on_a_known_set(known_clinic):
    figures = clinic_outcomes(today=timezone.localdate())

    assert figures.episodes == 4
    assert figures.resolved_by_milestone == Share(2, 4)
    assert figures.persistent == Share(1, 4)
    assert figures.escalated == Share(1, 4)
    assert figures.median_days_to_resolution == 28
    # Closed visits: 1 (then 2 cancelled) + 3 + 1 + 2; one of them missed.
    assert figures.visits_missed == Share(1, 7)


def test_clinic_figures_filtered_by_intake_date(known_clinic):
    today = timezone.localdate()
    recent = clinic_outcomes(today=today, intake_from=today - datetime.timedelta(days=150))
    assert recent.episodes == 3
    assert recent.median_days_to_resolution == 14

    older = clinic_outcomes(today=today, intake_to=today - datetime.timedelta(days=80))
    assert older.episodes == 2
    assert older.resolved_by_milestone == Share(2, 2)


def test_outcomes_page_for_clinicians_only(known_clinic, nurse_client):
    assert nurse_client.get(reverse("triage:outcomes")).status_code == 403


def test_outcomes_page_shows_figures_beside_the_expectation(known_clinic, clinician_client):
    html = clinician_client.get(reverse("triage:outcomes")).content.decode()
    assert "50% (2 of 4)" in html
    assert "Most episodes settle within about two months" in html
    assert "Close to half of people keep some pain" in html
    assert "28 days" in html


def test_outcomes_page_refuses_a_backwards_range(known_clinic, clinician_client):
    response = clinician_client.get(
        reverse("triage:outcomes"), {"intake_from": "2026-05-01", "intake_to": "2026-04-01"}
    )
    html = response.content.decode()
    assert "The end of the range must not be before its start." in html
    assert response.context["figures"].episodes == 4


def test_median_of_an_odd_number_is_the_middle_day(known_clinic):
    staff = UserFactory()
    _episode(120, [5, 1], staff=staff)  # resolved on day 42: days 14, 42, 42
    figures = clinic_outcomes(today=timezone.localdate())
    assert figures.median_days_to_resolution == 42
    assert figures.resolved_ever == 3


def test_outcomes_page_shows_the_last_twelve_months_unless_asked(known_clinic, clinician_client):
    staff = UserFactory()
    _episode(400, [1], staff=staff)  # resolved, but intake over a year ago
    url = reverse("triage:outcomes")

    default = clinician_client.get(url)
    assert default.context["figures"].episodes == 4
    expected_from = default_intake_from(timezone.localdate()).isoformat()
    assert f'value="{expected_from}"' in default.content.decode()

    every_intake = clinician_client.get(url, {"intake_from": "", "intake_to": ""})
    assert every_intake.context["figures"].episodes == 5


def test_outcomes_page_costs_the_same_queries_for_any_number_of_episodes(
    known_clinic, clinician_client, django_assert_num_queries
):
    # The session with its user, the permissions (one statement), one statement
    # for every figure (the session is saved at most once a minute, not on every request).
    with django_assert_num_queries(3):
        response = clinician_client.get(reverse("triage:outcomes"))
    assert response.context["figures"].episodes == 4
    staff = UserFactory()
    for days_ago in (70, 80, 90):
        _episode(days_ago, [5, 1], staff=staff)
    with django_assert_num_queries(3):
        response = clinician_client.get(reverse("triage:outcomes"))
    assert response.context["figures"].episodes == 7
