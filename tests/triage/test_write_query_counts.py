"""The two writes nurses make all day, the visit POST and the intake submit, cost a fixed number
of statements: none of them depends on how many episodes, visits or escalations the clinic
holds, and the visit's does not depend on whether its episode has an escalation open.

Counted through the test client. The test's own transaction turns each service's transaction
into a savepoint, so each count here is two more (SAVEPOINT, RELEASE) than a real request runs.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import EscalationFactory, PatientFactory, make_conservative_episode
from tests.triage.intake_answers import fill_intake, step_url
from tests.triage.test_followup_pages import _post_data
from triage.models import Encounter, EpisodeStatus, VisitRecord

pytestmark = pytest.mark.django_db

# The session with its user, the permissions (one statement); the follow-up with its episode, the
# relaxant's last start (the form); the episode locked with its plan and patient, the follow-up
# locked with whether an escalation is open; the visit record; the follow-up saved and its
# history row; the episode's status and its history row; the episode's missed medicine reviews
# marked; the episode's outcome block made and locked, its tallies deleted, and counted afresh
# into new rows (one INSERT ... SELECT).
VISIT_POST_QUERIES = 15 + 2
# The engine's cards for the visit, when it gives any, are one INSERT more (however many).
VISIT_CARDS_INSERT = 1
# A visit that opens an escalation writes it and its history row.
VISIT_ESCALATION_INSERTS = 2
# The session with its user, the permissions (one statement); the draft with its patient, the
# patient step's check of its patient; the draft locked with its patient; the encounter in its own
# savepoint (SAVEPOINT, INSERT, history row, RELEASE); the plan, its cards, its visits and their
# history rows; the episode's outcome block made and locked, its tallies deleted, and counted
# afresh into new rows; the draft's kept steps and the draft deleted. (An earlier submit of the
# token is looked for only when the draft is gone.)
INTAKE_SUBMIT_QUERIES = 18 + 2


def _explained(captured, expected: int, why: str) -> str:
    sql = "\n".join(f"{n:2d}. {query['sql'][:300]}" for n, query in enumerate(captured, 1))
    return f"{why}: expected {expected} statements, ran {len(captured)}:\n{sql}"


def _record_visit(client, follow_up, **answers):
    url = reverse("triage:followup_record", args=[follow_up.pk])
    data = _post_data(follow_up, pain_score="4", **answers)
    with CaptureQueriesContext(connection) as captured:
        response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse("triage:followup_detail", args=[follow_up.pk])
    return captured.captured_queries


def _due_visit(*, days_ago: int) -> tuple[Encounter, object]:
    episode = make_conservative_episode(
        occurred_at=timezone.now() - datetime.timedelta(days=days_ago), pain_score=8
    )
    return episode, episode.follow_ups.order_by("due_date").last()


@pytest.mark.parametrize("escalation_open", [False, True], ids=["calm", "escalation-open"])
def test_a_visit_costs_the_same_with_or_without_an_open_escalation(nurse_client, escalation_open):
    episode, follow_up = _due_visit(days_ago=5)
    if escalation_open:
        EscalationFactory(encounter=episode)
    nurse_client.get(reverse("triage:home"))  # the session and permission caches warmed

    captured = _record_visit(nurse_client, follow_up)

    why = "the visit POST must not read more when the episode has an open escalation"
    assert len(captured) == VISIT_POST_QUERIES, _explained(captured, VISIT_POST_QUERIES, why)
    visit = VisitRecord.objects.get(follow_up=follow_up)
    assert not visit.recommendations.exists()  # an early visit: the engine gives no card
    episode.refresh_from_db()
    assert episode.episode_status == (
        EpisodeStatus.ESCALATED if escalation_open else EpisodeStatus.IMPROVING
    )


def test_a_visit_with_cards_stores_them_in_one_more_statement(nurse_client):
    episode, follow_up = _due_visit(days_ago=60)
    nurse_client.get(reverse("triage:home"))

    captured = _record_visit(nurse_client, follow_up)

    expected = VISIT_POST_QUERIES + VISIT_CARDS_INSERT
    why = "the engine's cards are stored in one INSERT, however many there are"
    assert len(captured) == expected, _explained(captured, expected, why)
    assert VisitRecord.objects.get(follow_up=follow_up).recommendations.exists()
    episode.refresh_from_db()
    assert episode.episode_status == EpisodeStatus.PERSISTENT


def test_a_visit_that_opens_an_escalation_writes_it_and_its_cards(nurse_client):
    episode, follow_up = _due_visit(days_ago=5)
    nurse_client.get(reverse("triage:home"))

    captured = _record_visit(nurse_client, follow_up, fever="yes")

    expected = VISIT_POST_QUERIES + VISIT_CARDS_INSERT + VISIT_ESCALATION_INSERTS
    why = "an escalating visit writes only its escalation and cards beyond an ordinary visit"
    assert len(captured) == expected, _explained(captured, expected, why)
    assert episode.escalations.get().visit.follow_up == follow_up


def test_an_intake_submit_costs_a_fixed_number_of_queries(nurse_client):
    # Another episode the same day, in the same block: the recount is one statement.
    make_conservative_episode(occurred_at=timezone.now())
    token = fill_intake(nurse_client, PatientFactory())
    digest = nurse_client.get(step_url(token, "review")).context["digest"]

    with CaptureQueriesContext(connection) as captured:
        response = nurse_client.post(
            reverse("triage:intake_submit", args=[token]), {"reviewed": digest}
        )

    encounter = Encounter.objects.get(intake_token=token)
    assert response.status_code == 302
    assert response["Location"] == reverse("triage:care_plan", args=[encounter.pk])
    queries = captured.captured_queries
    why = "the intake submit must not read what it already holds"
    assert len(queries) == INTAKE_SUBMIT_QUERIES, _explained(queries, INTAKE_SUBMIT_QUERIES, why)
