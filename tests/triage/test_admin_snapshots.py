"""Stored care plans, visit assessments and recommendations are read-only for everyone, and
follow-ups and escalations cannot be deleted from the admin."""

import pytest
from django.urls import reverse

from tests.factories import (
    CarePlanFactory,
    EscalationFactory,
    FollowUpFactory,
    RecommendationFactory,
    UserFactory,
    VisitRecordFactory,
)
from triage.models import CarePlan, Escalation, FollowUp, Recommendation, VisitRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def _url(model, view: str, *args) -> str:
    return reverse(f"admin:triage_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("who", ["clinician_client", "admin_client_role", "superuser_client"])
def test_posting_a_change_to_a_stored_care_plan_fails(request, who):
    client = request.getfixturevalue(who)
    plan = CarePlanFactory(ruleset="2025.1", red_flags=[])
    item = RecommendationFactory(care_plan=plan, summary="As shown")
    response = client.post(
        _url(CarePlan, "change", plan.pk),
        {"ruleset": "tampered", "pathway": "urgent", "red_flags": '["fever"]'},
    )
    assert response.status_code == 403
    response = client.post(_url(Recommendation, "change", item.pk), {"summary": "tampered"})
    assert response.status_code == 403
    plan.refresh_from_db()
    item.refresh_from_db()
    assert (plan.ruleset, plan.pathway, plan.red_flags) == ("2025.1", "conservative", [])
    assert item.summary == "As shown"


@pytest.mark.parametrize("who", ["clinician_client", "superuser_client"])
def test_posting_a_change_to_a_visit_assessment_fails(request, who):
    client = request.getfixturevalue(who)
    visit = VisitRecordFactory(outcome_status="improving", pain_score=3)
    response = client.post(
        _url(VisitRecord, "change", visit.pk), {"outcome_status": "resolved", "pain_score": "0"}
    )
    assert response.status_code == 403
    visit.refresh_from_db()
    assert (visit.outcome_status, visit.pain_score) == ("improving", 3)


@pytest.mark.parametrize(
    ("model", "make"),
    [
        (CarePlan, CarePlanFactory),
        (Recommendation, RecommendationFactory),
        (VisitRecord, VisitRecordFactory),
        (FollowUp, FollowUpFactory),
        (Escalation, EscalationFactory),
    ],
)
def test_superuser_cannot_add_change_or_delete(superuser_client, model, make):
    record = make()
    assert superuser_client.get(_url(model, "add")).status_code == 403
    assert superuser_client.post(_url(model, "change", record.pk), {}).status_code == 403
    delete = _url(model, "delete", record.pk)
    assert superuser_client.post(delete, {"post": "yes"}).status_code == 403
    response = superuser_client.get(_url(model, "changelist"))
    model_admin = response.context["cl"].model_admin
    assert "delete_selected" not in model_admin.get_actions(response.wsgi_request)
    assert model.objects.filter(pk=record.pk).exists()


def test_care_plan_page_shows_the_facts_and_recommendations_as_stored(clinician_client):
    plan = CarePlanFactory(input_facts={"age": 46, "pain_score": 5, "fever": False})
    RecommendationFactory(care_plan=plan, code="AVOID_BED_REST", summary="Keep moving.")
    page = clinician_client.get(_url(CarePlan, "change", plan.pk)).content.decode()
    assert "AVOID_BED_REST" in page
    assert "Keep moving." in page
    assert "&quot;pain_score&quot;: 5" in page
