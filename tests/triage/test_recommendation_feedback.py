"""A clinician marks a recommendation followed, or overridden with a coded reason, beside it."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import RecommendationFactory, VisitRecordFactory, make_conservative_episode
from triage.models import Recommendation, RecommendationFeedback
from triage.review.services import ReviewError, record_recommendation_feedback

pytestmark = pytest.mark.django_db


@pytest.fixture
def item():
    return make_conservative_episode().care_plan.recommendations.order_by("position").first()


def _post(client, item, **fields):
    data = {f"feedback-{item.pk}-{name}": value for name, value in fields.items()}
    return client.post(reverse("triage:recommendation_feedback", args=[item.pk]), data)


def _snapshot(item) -> tuple:
    stored = Recommendation.objects.get(pk=item.pk)
    return (stored.code, stored.summary, stored.detail, stored.sources, stored.ruleset)


def test_it_records_an_override_with_who_and_when(clinician, item):
    before = _snapshot(item)
    now = timezone.now()

    feedback = record_recommendation_feedback(
        recommendation=item,
        user=clinician,
        outcome="overridden",
        reason="patient_declines",
        now=now,
    )

    assert (feedback.outcome, feedback.reason, feedback.recorded_by, feedback.recorded_at) == (
        "overridden",
        "patient_declines",
        clinician,
        now,
    )
    assert _snapshot(item) == before


def test_a_changed_mind_replaces_the_mark_and_the_history_keeps_both(clinician, item):
    record_recommendation_feedback(
        recommendation=item,
        user=clinician,
        outcome="overridden",
        reason="already_done",
        now=timezone.now(),
    )
    record_recommendation_feedback(
        recommendation=item,
        user=clinician,
        outcome="followed",
        reason="already_done",
        reason_text="ignored",
        now=timezone.now(),
    )

    feedback = RecommendationFeedback.objects.get()
    assert (feedback.outcome, feedback.reason, feedback.reason_text) == ("followed", "", "")
    assert [version.outcome for version in feedback.history.order_by("history_date")] == [
        "overridden",
        "followed",
    ]
    assert feedback.history.latest().history_user == clinician


@pytest.mark.parametrize(
    ("outcome", "reason", "text", "message"),
    [
        ("overridden", "", "", "Choose why"),
        ("overridden", "not-a-reason", "", "Choose why"),
        ("overridden", "other", "  ", "in words"),
        ("ignored", "", "", "followed or overridden"),
    ],
)
def test_it_refuses_an_incomplete_mark(clinician, item, outcome, reason, text, message):
    with pytest.raises(ReviewError, match=message):
        record_recommendation_feedback(
            recommendation=item,
            user=clinician,
            outcome=outcome,
            reason=reason,
            reason_text=text,
            now=timezone.now(),
        )
    assert not RecommendationFeedback.objects.exists()


def test_other_needs_words_in_the_database_too(clinician, item):
    with pytest.raises(IntegrityError):
        RecommendationFeedback.objects.create(
            recommendation=item,
            outcome="overridden",
            reason="other",
            recorded_by=clinician,
            recorded_at=timezone.now(),
        )


def test_a_nurse_cannot_mark(nurse, item):
    with pytest.raises(PermissionDenied):
        record_recommendation_feedback(
            recommendation=item, user=nurse, outcome="followed", now=timezone.now()
        )


def test_advice_of_a_voided_encounter_cannot_be_marked(clinician, item):
    encounter = item.care_plan.encounter
    encounter.voided_at, encounter.void_reason = timezone.now(), "Wrong patient"
    encounter.save()

    with pytest.raises(ReviewError, match="voided"):
        record_recommendation_feedback(
            recommendation=item, user=clinician, outcome="followed", now=timezone.now()
        )


def test_a_visit_recommendation_can_be_marked_too(clinician):
    visit = VisitRecordFactory()
    item = RecommendationFactory(care_plan=None, visit=visit, code="REASSESS")

    feedback = record_recommendation_feedback(
        recommendation=item, user=clinician, outcome="followed", now=timezone.now()
    )

    assert feedback.recommendation == item


def test_the_page_form_records_and_returns_to_the_recommendation(clinician_client, item):
    response = _post(
        clinician_client,
        item,
        outcome="overridden",
        reason="other",
        reason_text="Seen by physiotherapy last week",
    )

    plan_url = reverse("triage:care_plan", args=[item.care_plan.encounter_id])
    assert response.status_code == 302
    assert response["Location"] == f"{plan_url}#recommendation-{item.pk}"
    feedback = RecommendationFeedback.objects.get()
    assert (feedback.reason, feedback.reason_text) == ("other", "Seen by physiotherapy last week")


def test_the_page_form_explains_a_missing_reason(clinician_client, item):
    response = _post(clinician_client, item, outcome="overridden")

    assert response.status_code == 302
    page = clinician_client.get(response["Location"])
    assert "Choose why the recommendation was overridden." in page.content.decode()
    assert not RecommendationFeedback.objects.exists()


def test_a_nurse_is_refused_by_the_page(nurse_client, item):
    assert _post(nurse_client, item, outcome="followed").status_code == 403
    assert not RecommendationFeedback.objects.exists()


def test_the_page_answers_only_post(clinician_client, item):
    url = reverse("triage:recommendation_feedback", args=[item.pk])

    assert clinician_client.get(url).status_code == 405


def test_the_care_plan_shows_the_mark_and_the_form_to_clinicians(clinician_client, clinician, item):
    record_recommendation_feedback(
        recommendation=item,
        user=clinician,
        outcome="overridden",
        reason="clinical_judgement",
        now=timezone.now(),
    )

    page = clinician_client.get(reverse("triage:care_plan", args=[item.care_plan.encounter_id]))

    text = page.content.decode()
    assert "Overridden</strong>: clinical judgement · marked by clinician1" in text
    assert f'action="{reverse("triage:recommendation_feedback", args=[item.pk])}"' in text


def test_nurses_see_the_mark_but_no_form(nurse_client, clinician, item):
    record_recommendation_feedback(
        recommendation=item, user=clinician, outcome="followed", now=timezone.now()
    )

    page = nurse_client.get(reverse("triage:care_plan", args=[item.care_plan.encounter_id]))

    text = page.content.decode()
    assert "<strong>Followed</strong>" in text
    assert "Save decision" not in text


def test_the_care_plan_page_costs_the_same_queries_with_feedback(
    clinician_client, clinician, django_assert_num_queries
):
    encounter = make_conservative_episode()
    url = reverse("triage:care_plan", args=[encounter.pk])
    clinician_client.get(url)  # warm the session and permission caches
    with CaptureQueriesContext(connection) as unmarked:
        clinician_client.get(url)
    for item in encounter.care_plan.recommendations.all():
        record_recommendation_feedback(
            recommendation=item, user=clinician, outcome="followed", now=timezone.now()
        )

    with django_assert_num_queries(len(unmarked.captured_queries)):
        response = clinician_client.get(url)

    assert response.content.decode().count("<strong>Followed</strong>") == (
        encounter.care_plan.recommendations.count()
    )


def test_the_admin_shows_the_mark(admin_client_role, clinician, item):
    record_recommendation_feedback(
        recommendation=item,
        user=clinician,
        outcome="overridden",
        reason="patient_declines",
        now=timezone.now(),
    )

    listing = admin_client_role.get(reverse("admin:triage_recommendation_changelist"))
    feedback_list = admin_client_role.get(reverse("admin:triage_recommendationfeedback_changelist"))

    assert "Overridden: patient declines, by clinician1" in listing.content.decode()
    assert feedback_list.status_code == 200
    assert "Patient declines" in feedback_list.content.decode()
