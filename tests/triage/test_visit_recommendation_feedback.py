"""A clinician marks a visit's recommendations followed or overridden on the visit page, as on
the care plan; the marks are counted in the per-rule report as Upright's own."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cdshooks.report import APP, rule_report
from tests.factories import make_conservative_episode, visit_findings
from triage.followup.services import record_visit
from triage.models import FollowUp, Recommendation, RecommendationFeedback
from triage.review.services import record_recommendation_feedback, void_follow_up

pytestmark = pytest.mark.django_db

# The session with its user (1), the clinician's permissions (1: user and group in one query),
# the follow-up with its encounter, patient, plan, visit and who recorded them (1), the
# visit's recommendations with their feedback and who marked it (1), the episode's visits (1),
# the chart access: its patient and the insert (2). Whatever is marked, however many
# recommendations.
VISIT_PAGE_QUERIES = 7


def _visited(nurse, *, pain_score: int = 6) -> FollowUp:
    """A conservative episode whose day-56 visit (pain still 6) brought new recommendations."""
    encounter = make_conservative_episode(
        occurred_at=timezone.now() - datetime.timedelta(days=56), pain_score=7
    )
    follow_up = encounter.follow_ups.order_by("due_date").last()
    record_visit(
        follow_up=follow_up,
        version=follow_up.version,
        findings=visit_findings(follow_up.due_date, pain_score=pain_score),
        user=nurse,
        now=timezone.now(),
    )
    return follow_up


def _page(follow_up) -> str:
    return reverse("triage:followup_detail", args=[follow_up.pk])


def _post(client, item, **fields):
    data = {f"feedback-{item.pk}-{name}": value for name, value in fields.items()}
    return client.post(reverse("triage:recommendation_feedback", args=[item.pk]), data)


def _items(follow_up) -> list[Recommendation]:
    return list(Recommendation.objects.filter(visit__follow_up=follow_up).order_by("position"))


@pytest.fixture
def visited(nurse):
    follow_up = _visited(nurse)
    assert _items(follow_up), "the visit brought recommendations to mark"
    return follow_up


def test_the_visit_page_shows_a_form_for_each_recommendation(clinician_client, visited):
    html = clinician_client.get(_page(visited)).content.decode()

    for item in _items(visited):
        assert f'id="recommendation-{item.pk}"' in html
        assert f'action="{reverse("triage:recommendation_feedback", args=[item.pk])}"' in html
        # Accessible: the decision is a fieldset with a legend, each field has its label.
        assert f'<label class="form-label small mb-1" for="feedback-{item.pk}-reason">' in html
        assert f'for="feedback-{item.pk}-outcome-overridden"' in html
    assert html.count("<legend") == len(_items(visited))
    # Strict CSP: no inline script or style (the page's only scripts are files).
    assert "<script>" not in html
    assert 'style="' not in html


def test_an_override_returns_to_the_recommendation_on_the_visit_page(
    clinician_client, clinician, visited
):
    item = _items(visited)[0]
    before = Recommendation.objects.filter(pk=item.pk).values().get()

    response = _post(clinician_client, item, outcome="overridden", reason="patient_declines")

    assert response.status_code == 302
    assert response["Location"] == f"{_page(visited)}#recommendation-{item.pk}"
    feedback = RecommendationFeedback.objects.get()
    assert (feedback.recommendation, feedback.outcome, feedback.reason) == (
        item,
        "overridden",
        "patient_declines",
    )
    assert (feedback.recorded_by, feedback.recorded_at is not None) == (clinician, True)
    assert Recommendation.objects.filter(pk=item.pk).values().get() == before, "snapshot kept"
    html = clinician_client.get(response["Location"]).content.decode()
    assert "Recorded: overridden." in html
    assert "Overridden</strong>: patient declines · marked by clinician1" in html
    assert '<option value="patient_declines" selected>' in html


def test_other_needs_words_and_the_visit_page_says_so(clinician_client, visited):
    item = _items(visited)[0]

    response = _post(clinician_client, item, outcome="overridden", reason="other")

    assert response["Location"] == f"{_page(visited)}#recommendation-{item.pk}"
    html = clinician_client.get(response["Location"]).content.decode()
    assert "Say in words why it was overridden." in html
    assert not RecommendationFeedback.objects.exists()


def test_nurses_see_the_mark_but_no_form(nurse, clinician, visited):
    item = _items(visited)[0]
    record_recommendation_feedback(
        recommendation=item, user=clinician, outcome="followed", now=timezone.now()
    )
    client = Client()
    client.force_login(nurse)

    html = client.get(_page(visited)).content.decode()

    assert "<strong>Followed</strong> · marked by clinician1" in html
    assert "Save decision" not in html
    assert _post(client, item, outcome="overridden", reason="already_done").status_code == 403
    assert RecommendationFeedback.objects.get().outcome == "followed"


def test_a_voided_visit_cannot_be_marked(clinician_client, clinician, visited):
    item = _items(visited)[0]
    void_follow_up(follow_up=visited, user=clinician, reason="Wrong patient", now=timezone.now())

    _post(clinician_client, item, outcome="followed")

    assert not RecommendationFeedback.objects.exists()


def test_the_visit_page_costs_a_fixed_number_of_queries(
    clinician_client, clinician, nurse, visited, django_assert_num_queries
):
    url = _page(visited)
    clinician_client.get(url)  # warm the session and permission caches
    with CaptureQueriesContext(connection) as unmarked:
        response = clinician_client.get(url)
    assert response.status_code == 200
    why = "the visit page must not query per recommendation or per mark (N+1)"
    sql = "\n".join(query["sql"] for query in unmarked.captured_queries)
    assert len(unmarked.captured_queries) == VISIT_PAGE_QUERIES, f"{why}:\n{sql}"
    items = _items(visited)
    for item in items:
        record_recommendation_feedback(
            recommendation=item, user=clinician, outcome="followed", now=timezone.now()
        )

    with django_assert_num_queries(VISIT_PAGE_QUERIES):
        response = clinician_client.get(url)

    assert response.content.decode().count("<strong>Followed</strong>") == len(items)


def test_marks_on_the_visit_page_count_in_the_rule_report(
    clinician_client, clinician, nurse, visited
):
    # A code only visits give: the app's row counts this visit's card alone.
    item = _items(visited)[0]
    assert not Recommendation.objects.filter(care_plan__isnull=False, code=item.code).exists()
    other = _visited(nurse)
    (voided_later,) = [other_item for other_item in _items(other) if other_item.code == item.code]
    _post(clinician_client, item, outcome="overridden", reason="already_done")
    _post(clinician_client, voided_later, outcome="followed")
    void_follow_up(follow_up=other, user=clinician, reason="Wrong patient", now=timezone.now())

    rows = [row for row in rule_report() if row.code == item.code]

    assert [row.source for row in rows] == [APP], "no card was sent to an EHR"
    assert (rows[0].shown, rows[0].followed, rows[0].overridden) == (1, 0, 1)
    assert rows[0].by_reason["already_done"] == 1
    page = clinician_client.get(reverse("cdshooks:rule_feedback")).content.decode()
    assert item.code in page


def test_the_admin_shows_the_mark_on_the_visit(admin_client_role, clinician, visited):
    item = _items(visited)[0]
    record_recommendation_feedback(
        recommendation=item,
        user=clinician,
        outcome="overridden",
        reason="other",
        reason_text="Seen by the pain team",
        now=timezone.now(),
    )

    page = admin_client_role.get(
        reverse("admin:triage_visitrecord_change", args=[visited.visit.pk])
    )

    assert page.status_code == 200
    assert "Overridden: other (Seen by the pain team), by clinician1" in page.content.decode()
