"""Follow-ups, escalations and snapshots in the admin: the filters clinicians use, and lists
whose query count stays fixed however many rows there are."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    CarePlanFactory,
    EncounterFactory,
    EscalationFactory,
    FollowUpFactory,
    PatientFactory,
    RecommendationFactory,
    VisitRecordFactory,
)

pytestmark = pytest.mark.django_db

FOLLOW_UPS = reverse("admin:triage_followup_changelist")
ESCALATIONS = reverse("admin:triage_escalation_changelist")
# Each includes the session read with its user (one query); since issue 11 a
# list that names patients adds one INSERT: the chart-access records of the patients on the
# page (the recommendations list names none).
LIST_BOUNDS = {
    "admin:triage_followup_changelist": 5,
    # Fewer since issue 12: no date drill-down (escalations), and filters whose choices come
    # from code instead of SELECT DISTINCT over the table (care plans, visits, recommendations).
    "admin:triage_escalation_changelist": 5,
    "admin:triage_careplan_changelist": 5,
    "admin:triage_visitrecord_changelist": 5,
    "admin:triage_recommendation_changelist": 4,
}


def _due_in(days: int, **kwargs):
    return FollowUpFactory(due_date=timezone.localdate() + datetime.timedelta(days), **kwargs)


def _shown(client, url, **params) -> list[int]:
    return sorted(row.pk for row in client.get(url, params).context["cl"].result_list)


def test_due_filter_sorts_open_visits_into_overdue_today_and_this_week(clinician_client):
    overdue = _due_in(-3)
    today = _due_in(0)
    this_week = _due_in(7)
    _due_in(8)  # later
    _due_in(-5, status="cancelled", status_reason="resolved")
    _due_in(-4, voided_at=timezone.now(), void_reason="dup")
    _due_in(-2, encounter=EncounterFactory(voided_at=timezone.now(), void_reason="dup"))
    assert _shown(clinician_client, FOLLOW_UPS, due="overdue") == [overdue.pk]
    assert _shown(clinician_client, FOLLOW_UPS, due="today") == [today.pk]
    assert _shown(clinician_client, FOLLOW_UPS, due="week") == [this_week.pk]


def test_follow_up_list_opens_on_overdue_visits_and_can_show_all(clinician_client):
    overdue = _due_in(-3)
    later = _due_in(8)
    done = _due_in(-9, status="cancelled", status_reason="resolved")
    response = clinician_client.get(FOLLOW_UPS)
    assert sorted(row.pk for row in response.context["cl"].result_list) == [overdue.pk]
    assert "?due=all" in response.content.decode()
    assert _shown(clinician_client, FOLLOW_UPS, due="all") == sorted(
        [overdue.pk, later.pk, done.pk]
    )


def test_the_default_list_shows_the_longest_overdue_first_a_page_of_fifty_at_a_time(
    clinician_client,
):
    encounter = EncounterFactory()
    overdue = [_due_in(-days, encounter=encounter) for days in range(60, 9, -1)]  # 51 visits
    _due_in(-70, encounter=EncounterFactory(voided_at=timezone.now(), void_reason="dup"))
    _due_in(-80, status="cancelled", status_reason="resolved")
    first = clinician_client.get(FOLLOW_UPS)
    change_list = first.context["cl"]
    assert [row.pk for row in change_list.result_list] == [visit.pk for visit in overdue[:50]]
    assert change_list.result_count == 51  # the voided encounter's visit is not counted
    second = clinician_client.get(FOLLOW_UPS, {"p": 2})
    assert [row.pk for row in second.context["cl"].result_list] == [overdue[50].pk]


def test_overdue_visits_show_how_many_days(clinician_client):
    _due_in(-3)
    assert "3 days overdue" in clinician_client.get(FOLLOW_UPS).content.decode()


def test_escalation_filter_shows_open_ones_with_a_link_to_record_the_outcome(
    clinician_client, clinician
):
    still_open = EscalationFactory()
    closed = EscalationFactory(outcome="referred", closed_at=timezone.now(), closed_by=clinician)
    EscalationFactory(encounter__voided_at=timezone.now(), encounter__void_reason="dup")
    assert _shown(clinician_client, ESCALATIONS, state="open") == [still_open.pk]
    assert _shown(clinician_client, ESCALATIONS, state="closed") == [closed.pk]
    page = clinician_client.get(ESCALATIONS, {"state": "open"}).content.decode()
    assert reverse("triage:escalation_close", args=[still_open.pk]) in page
    assert reverse("triage:escalation_close", args=[closed.pk]) not in page


def test_recommendations_can_be_found_by_code(clinician_client):
    withheld = RecommendationFactory(code="NSAID_WITHHELD", indicator="warning")
    RecommendationFactory(code="EXERCISE_THERAPY")
    url = reverse("admin:triage_recommendation_changelist")
    assert _shown(clinician_client, url, code="NSAID_WITHHELD") == [withheld.pk]


def _clinic(rows: int, user) -> None:
    for _ in range(rows):
        encounter = EncounterFactory(recorded_by=user, patient=PatientFactory())
        RecommendationFactory(care_plan=CarePlanFactory(encounter=encounter))
        VisitRecordFactory(follow_up__encounter=encounter, recorded_by=user)
        FollowUpFactory(encounter=encounter)
        EscalationFactory(encounter__recorded_by=user, closed_by=user)


@pytest.mark.parametrize(("url_name", "bound"), LIST_BOUNDS.items())
def test_list_query_count_does_not_grow_with_rows(
    clinician_client, clinician, django_assert_num_queries, url_name, bound
):
    url = reverse(url_name)
    params = {"due": "all"} if url == FOLLOW_UPS else {}  # the list opens on overdue visits
    _clinic(2, clinician)
    with django_assert_num_queries(bound):
        assert clinician_client.get(url, params).status_code == 200
    _clinic(48, clinician)
    with django_assert_num_queries(bound):
        response = clinician_client.get(url, params)
    assert len(response.context["cl"].result_list) > 2
