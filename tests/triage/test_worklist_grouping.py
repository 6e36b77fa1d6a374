"""The worklist (home page): its groups, their order, the filters, and a fixed query count."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    EncounterFactory,
    EscalationFactory,
    FollowUpFactory,
    PatientFactory,
    UserFactory,
    VisitRecordFactory,
)
from triage.followup.selectors import worklist

pytestmark = pytest.mark.django_db


TODAY = datetime.date(2026, 3, 10)


def _due(days_from_today: int, *, today=TODAY, **fields):
    return FollowUpFactory(due_date=today + datetime.timedelta(days=days_from_today), **fields)


def _voided_encounter():
    return EncounterFactory(voided_at=timezone.now(), void_reason="Entered in error")


def _groups(today=TODAY, **kwargs):
    return {group.key: group for group in worklist.build_worklist(today=today, **kwargs)}


def test_groups_hold_the_right_visits_in_due_date_order():
    late_10 = _due(-10)
    late_1 = _due(-1)
    today = _due(0)
    tomorrow = _due(1)
    in_7 = _due(7)
    _due(8)  # beyond the week
    _due(-3, status="completed")
    _due(-4, status="missed", status_reason="Did not attend")
    _due(2, status="cancelled", status_reason="resolved")
    _due(-2, voided_at=timezone.now(), void_reason="Duplicate", voided_by=UserFactory())
    _due(0, encounter=_voided_encounter())

    groups = _groups()

    assert [row.pk for row in groups["overdue"].rows] == [late_10.pk, late_1.pk]
    assert [row.days_overdue for row in groups["overdue"].rows] == [10, 1]
    assert [row.pk for row in groups["today"].rows] == [today.pk]
    assert [row.pk for row in groups["week"].rows] == [tomorrow.pk, in_7.pk]
    # The missed visit is a day-14 one: its medicine review is still to do.
    assert [group.total for group in groups.values()] == [0, 2, 1, 1, 2]


def test_open_escalations_come_first_oldest_first():
    now = timezone.now()
    newer = EscalationFactory(opened_at=now - datetime.timedelta(hours=1))
    older = EscalationFactory(opened_at=now - datetime.timedelta(days=2))
    EscalationFactory(
        closed_at=now, closed_by=UserFactory(), outcome="referred", outcome_note="Referred."
    )
    EscalationFactory(encounter=_voided_encounter())

    groups = worklist.build_worklist(today=TODAY)

    assert groups[0].key == "escalations"
    assert [row.pk for row in groups[0].rows] == [older.pk, newer.pk]
    assert groups[0].rows[0].what == "Red flags at intake: Fever"


def test_emergency_escalations_come_before_older_urgent_ones():
    now = timezone.now()
    urgent = EscalationFactory(opened_at=now - datetime.timedelta(days=3))
    emergency = EscalationFactory(
        opened_at=now - datetime.timedelta(minutes=5),
        priority="emergency",
        red_flags=["progressive_neuro_deficit"],
    )

    rows = worklist.build_worklist(today=TODAY)[0].rows

    assert [row.pk for row in rows] == [emergency.pk, urgent.pk]
    assert [row.is_emergency for row in rows] == [True, False]
    [alone] = worklist.build_worklist(today=TODAY, group="escalations")
    assert [row.pk for row in alone.rows] == [emergency.pk, urgent.pk]


def test_home_page_marks_an_emergency_escalation(nurse_client):
    EscalationFactory(opened_at=timezone.now() - datetime.timedelta(days=1))
    EscalationFactory(priority="emergency", red_flags=["cervical_arterial_signs"])

    html = nurse_client.get(reverse("triage:home")).content.decode()

    marked = html.index('class="table-danger worklist-emergency"')
    assert marked < html.index(">Urgent</span>")
    assert html.index(">Emergency</span>") < html.index(">Urgent</span>")


def test_rows_carry_patient_record_number_purpose_and_due_date():
    patient = PatientFactory(mrn="MRN-42", family_name="Okafor", given_name="Chidi")
    visit = _due(-2, encounter=EncounterFactory(patient=patient), purpose="Six-week check")

    row = _groups()["overdue"].rows[0]

    assert (row.patient_name, row.mrn, row.what) == ("OKAFOR, Chidi", "MRN-42", "Six-week check")
    assert (row.pk, row.due_date, row.days_overdue) == (visit.pk, TODAY - datetime.timedelta(2), 2)


def test_home_page_shows_each_group_with_links_to_record(nurse_client):
    today = timezone.localdate()
    visit = _due(-3, today=today)
    EscalationFactory()

    html = nurse_client.get(reverse("triage:home")).content.decode()

    assert html.index("Open escalations") < html.index("Overdue visits") < html.index("Due today")
    assert html.index("Due today") < html.index("Due in the next 7 days")
    assert reverse("triage:followup_record", args=[visit.pk]) in html
    assert "3 days" in html
    assert "No visits due today." in html


def test_filter_shows_one_group_paginated(nurse_client):
    today = timezone.localdate()
    for days in range(1, worklist.PAGE_SIZE + 6):
        _due(-days, today=today)
    _due(0, today=today)

    response = nurse_client.get(reverse("triage:home"), {"show": "overdue", "page": "2"})

    (group,) = response.context["groups"]
    assert group.key == "overdue"
    assert group.total == worklist.PAGE_SIZE + 5
    assert len(group.rows) == 5
    assert (group.page.has_previous, group.page.has_next) == (True, False)
    assert "Due today" not in response.content.decode().split("</nav>", 2)[-1]


def test_combined_page_previews_each_group_and_links_to_the_rest(nurse_client):
    today = timezone.localdate()
    for days in range(1, worklist.PREVIEW_ROWS + 4):
        _due(-days, today=today)

    response = nurse_client.get(reverse("triage:home"))

    overdue = response.context["groups"][1]
    assert len(overdue.rows) == worklist.PREVIEW_ROWS
    assert overdue.total == worklist.PREVIEW_ROWS + 3
    assert f"Show all {worklist.PREVIEW_ROWS + 3}" in response.content.decode()


def test_counts_stop_at_the_cap(monkeypatch):
    monkeypatch.setattr(worklist, "COUNT_CAP", 3)
    for days in range(1, 6):
        _due(-days)
    group = _groups()["overdue"]
    assert (group.total, group.total_is_capped) == (3, True)


def _fill(today, count):
    staff = UserFactory()  # one author: hashing a password per row would be slow
    for index in range(count):
        for days in (-1 - index % 5, 0, 1 + index % 7):
            _due(days, today=today, encounter=EncounterFactory(recorded_by=staff))
        EscalationFactory(encounter__recorded_by=staff)
        _due(
            -20,
            today=today,
            encounter=EncounterFactory(recorded_by=staff),
            plan_day=14,
            status="missed",
            status_reason="Did not attend",
        )


@pytest.mark.parametrize(
    ("show", "queries"),
    # Each includes the session read with its user (one query), the permissions (own and
    # groups', one query), and one INSERT (issue 11): the chart-access records of the patients
    # shown. The combined page reads every group's first
    # rows and capped count in one statement (it took six, one a group and one counting them
    # all, until issue 12: each round trip cost as much as the read); a group's own page takes
    # two, its rows and its capped count.
    [("", 5), ("overdue", 6), ("escalations", 6), ("medicine_reviews", 6)],
)
def test_worklist_query_count_does_not_grow_with_rows(
    nurse_client, django_assert_num_queries, show, queries
):
    today = timezone.localdate()
    url = reverse("triage:home")
    _fill(today, 2)
    with django_assert_num_queries(queries):
        small = nurse_client.get(url, {"show": show})
    assert small.status_code == 200
    _fill(today, 30)
    with django_assert_num_queries(queries):
        large = nurse_client.get(url, {"show": show})
    assert large.status_code == 200

    def shown(response):
        return sum(len(group.rows) for group in response.context["groups"])

    assert shown(large) > shown(small) > 0


def test_the_combined_page_shows_each_groups_own_first_rows_and_count(monkeypatch):
    monkeypatch.setattr(worklist, "COUNT_CAP", 12)
    today = timezone.localdate()
    _fill(today, 14)
    EscalationFactory(priority="emergency", red_flags=["progressive_neuro_deficit"])
    visit = VisitRecordFactory(follow_up__due_date=today - datetime.timedelta(days=3))
    EscalationFactory(
        encounter=visit.follow_up.encounter,
        visit=visit,
        red_flags=["fever"],
        opened_at=timezone.now() - datetime.timedelta(days=30),  # the oldest: shown second
    )

    combined = _groups(today=today)

    for key, group in combined.items():
        [alone] = worklist.build_worklist(today=today, group=key)
        assert group.rows == alone.rows[: worklist.PREVIEW_ROWS], key
        assert len(group.rows) == worklist.PREVIEW_ROWS, key
    # Rows read through one statement keep their types: dates, times, the red flags' words.
    escalations = combined["escalations"].rows
    assert escalations[0].is_emergency
    assert escalations[0].what == "Red flags at intake: " + worklist.red_flag_labels(
        ["progressive_neuro_deficit"]
    )
    assert isinstance(escalations[0].opened_at, datetime.datetime)
    assert timezone.is_aware(escalations[0].opened_at)
    assert escalations[1].what == "Red flags at day 14 visit: Fever"
    assert combined["medicine_reviews"].rows[0].days_overdue == 20
    assert combined["week"].rows[0].due_date > today
    assert [(g.total, g.total_is_capped) for g in combined.values()] == [
        (12, True),  # 16 open escalations
        (12, True),  # 14 overdue visits
        (12, True),  # 14 missed medicine reviews
        (12, True),  # 14 due today
        (12, True),  # 14 in the week
    ]


def test_an_empty_group_counts_none_beside_full_ones():
    _due(-1)
    groups = _groups()
    assert [(group.total, len(group.rows)) for group in groups.values()] == [
        (0, 0),
        (1, 1),
        (0, 0),
        (0, 0),
        (0, 0),
    ]


def test_each_day_reads_its_own_groups():
    # The combined page's statement is built once a day per process: the next day's must be
    # its own, and rows added since must show.
    visit = _due(0)
    first = _groups()
    later = _due(1)
    next_day = _groups(today=TODAY + datetime.timedelta(days=1))
    again = _groups()

    assert [row.pk for row in first["today"].rows] == [visit.pk]
    assert [row.pk for row in next_day["overdue"].rows] == [visit.pk]
    assert [row.pk for row in next_day["today"].rows] == [later.pk]
    assert [row.pk for row in again["week"].rows] == [later.pk]
