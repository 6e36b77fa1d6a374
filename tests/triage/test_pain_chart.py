"""The pain chart: geometry from points alone, and the patient chart that shows it."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory, make_conservative_episode, visit_findings
from triage.followup import services as followup_services
from triage.followup.pain_chart import PainPoint, build_pain_chart
from triage.review import services as review


def _points(*pairs):
    return [PainPoint(day=day, pain=pain, label=f"day {day}") for day, pain in pairs]


def test_points_are_placed_by_day_and_pain_with_markers_at_day_56_and_pain_1():
    chart = build_pain_chart(_points((0, 7), (14, 5), (42, 2)), chart_id="c")

    # Plot area: x 48..624 for days 0..56; y 236..16 for pain 0..10.
    assert [(p.x, p.y) for p in chart.points] == [(48.0, 82.0), (192.0, 126.0), (480.0, 192.0)]
    assert chart.polyline == "48.0,82.0 192.0,126.0 480.0,192.0"
    assert chart.max_day == 56
    assert chart.milestone_x == 624.0
    assert chart.threshold_y == 214.0
    assert [tick.label for tick in chart.x_ticks] == [str(day) for day in range(0, 57, 7)]
    assert [tick.label for tick in chart.y_ticks] == ["0", "2", "4", "6", "8", "10"]


def test_axis_stretches_past_day_56_in_whole_steps():
    chart = build_pain_chart(_points((0, 6), (80, 3)), chart_id="c")
    assert chart.max_day == 84
    assert [tick.label for tick in chart.x_ticks] == [str(day) for day in range(0, 85, 14)]
    assert chart.milestone_x < chart.points[-1].x


def test_points_are_drawn_in_day_order_and_described_in_words():
    chart = build_pain_chart(_points((42, 1), (0, 8), (14, 4)), chart_id="c")
    assert [p.day for p in chart.points] == [0, 14, 42]
    assert "8 at intake; 4 on day 14; 1 on day 42" in chart.description
    assert "at or below the resolution threshold" in chart.description
    assert "day 56" in chart.description


def test_a_chart_with_only_the_intake_still_has_its_markers():
    chart = build_pain_chart(_points((0, 5)), chart_id="c")
    assert len(chart.points) == 1
    assert chart.max_day == 56
    assert "above the resolution threshold" in chart.description


def _episode_with_visits(days_ago, pains, *, staff, intake_pain=7, **fields):
    encounter = make_conservative_episode(
        occurred_at=timezone.now() - datetime.timedelta(days=days_ago),
        pain_score=intake_pain,
        recorded_by=staff,
        **fields,
    )
    intake_day = timezone.localdate(encounter.occurred_at)
    for follow_up, pain in zip(encounter.follow_ups.order_by("due_date"), pains, strict=False):
        followup_services.record_visit(
            follow_up=follow_up,
            version=follow_up.version,
            findings=visit_findings(follow_up.due_date, pain_score=pain),
            user=staff,
            now=timezone.now(),
        )
    return encounter, intake_day


@pytest.mark.django_db
def test_patient_chart_draws_the_pain_chart_with_its_text_alternative(nurse_client):
    staff = UserFactory()
    encounter, _ = _episode_with_visits(60, [5, 3], staff=staff)

    html = nurse_client.get(
        reverse("triage:patient_chart", args=[encounter.patient_id])
    ).content.decode()

    svg = html[html.index("<svg") : html.index("</svg>")]
    assert 'role="img"' in svg
    assert (
        f'aria-labelledby="pain-chart-{encounter.pk}-title pain-chart-{encounter.pk}-desc"' in svg
    )
    assert "7 at intake; 5 on day 14; 3 on day 42" in svg
    circles = re.findall(r'<circle class="point" cx="([\d.]+)" cy="([\d.]+)"', svg)
    assert circles == [("48.0", "82.0"), ("192.0", "126.0"), ("480.0", "170.0")]
    assert 'class="milestone"' in svg
    assert 'class="threshold"' in svg
    assert "style=" not in svg
    table = html[html.index("Pain scores by day since the intake</caption>") :]
    assert "<td>42</td><td>Visit on day 42</td><td>3</td>" in table


@pytest.mark.django_db
def test_patient_chart_shows_the_timeline_of_the_episode(nurse_client):
    staff = UserFactory()
    encounter, _intake_day = _episode_with_visits(20, [2], staff=staff)
    follow_ups = encounter.follow_ups.order_by("due_date")
    followup_services.record_missed(
        follow_up=follow_ups[1],
        version=1,
        reason="Travelling",
        user=staff,
        # A visit is marked missed on or after its due date (day 42, 22 days from now).
        now=timezone.now() + datetime.timedelta(days=22),
    )

    html = nurse_client.get(
        reverse("triage:patient_chart", args=[encounter.patient_id])
    ).content.decode()

    section = html[html.index("Episodes and follow-up") :]
    assert section.index("Intake") < section.index("Visit, day 14") < section.index("Missed")
    assert "Improving" in section
    assert "Travelling" in section
    assert reverse("triage:followup_record", args=[follow_ups[2].pk]) in section


@pytest.mark.django_db
def test_patient_chart_query_count_does_not_grow_with_visits(
    nurse_client, django_assert_num_queries
):
    staff = UserFactory()
    encounter, _ = _episode_with_visits(60, [5], staff=staff)
    url = reverse("triage:patient_chart", args=[encounter.patient_id])
    # Includes the session, read with its user in one query, and the permissions (one query).
    with django_assert_num_queries(9):
        few = nurse_client.get(url)
    assert few.content.decode().count('<svg class="chart-svg"') == 1
    for _ in range(4):
        _episode_with_visits(60, [5, 4, 3], staff=staff, patient=encounter.patient)
    with django_assert_num_queries(9):
        response = nurse_client.get(url)
    assert response.content.decode().count('<svg class="chart-svg"') == 5


@pytest.mark.django_db
def test_a_voided_visit_stays_on_the_timeline_marked_but_leaves_the_chart(nurse_client, clinician):
    encounter, _ = _episode_with_visits(60, [5, 3], staff=UserFactory())
    day_42 = encounter.follow_ups.get(plan_day=42)
    review.void_follow_up(
        follow_up=day_42, user=clinician, reason="Recorded on the wrong patient", now=timezone.now()
    )

    html = nurse_client.get(
        reverse("triage:patient_chart", args=[encounter.patient_id])
    ).content.decode()

    section = html[html.index("Episodes and follow-up") :]
    assert "Visit, day 42 (voided)" in section
    assert "Recorded on the wrong patient" in section
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert "7 at intake; 5 on day 14" in svg
    assert "on day 42" not in svg
