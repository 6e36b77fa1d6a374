"""The admin's patient-side lists and the encounter page run a fixed number of queries,
however many rows there are."""

import pytest
from django.urls import reverse

from tests.factories import (
    CarePlanFactory,
    ChartAccessFactory,
    EscalationFactory,
    FollowUpFactory,
    PatientFactory,
    RecommendationFactory,
    UrgentEncounterFactory,
    VisitRecordFactory,
)

pytestmark = pytest.mark.django_db

# Exact: the session read with its user (one query; the second factor is taken from the
# session, accounts/middleware.py), permissions (one statement, the user's and the groups'),
# the count(s), the page, the filters' own
# look-ups (the session is saved at most once a minute, not on every request). A change here
# means a page now runs a different number of queries: check it does not grow with rows.
# The lists that name patients add one INSERT since issue 11: the chart-access records of
# the patients on the page (one statement however many rows).
LIST_BOUNDS = {
    "admin:patients_patient_changelist": 5,
    "admin:triage_encounter_changelist": 5,  # a date range since issue 12 (no drill-down)
    "admin:triage_encounterawaitingreview_changelist": 5,
    "admin:patients_chartaccess_changelist": 5,
    "admin:auth_user_changelist": 6,
    "admin:index": 3,
}


def _clinic(rows: int, user) -> None:
    """`rows` urgent encounters, each with a plan, escalation, visit and chart openings."""
    for _ in range(rows):
        encounter = UrgentEncounterFactory(recorded_by=user, patient=PatientFactory())
        plan = CarePlanFactory(encounter=encounter, red_flags=["fever", "significant_trauma"])
        RecommendationFactory(care_plan=plan)
        EscalationFactory(encounter=encounter)
        FollowUpFactory(encounter=encounter)
        ChartAccessFactory(user=user, patient=encounter.patient)
        ChartAccessFactory(patient=encounter.patient)  # by a colleague: one more user


@pytest.mark.parametrize(("url_name", "bound"), LIST_BOUNDS.items())
def test_list_query_count_does_not_grow_with_rows(
    admin_client_role, administrator, django_assert_num_queries, url_name, bound
):
    url = reverse(url_name)
    _clinic(2, administrator)
    with django_assert_num_queries(bound):
        assert admin_client_role.get(url).status_code == 200
    _clinic(48, administrator)
    with django_assert_num_queries(bound):
        response = admin_client_role.get(url)
    assert response.status_code == 200
    if "cl" in response.context:
        assert len(response.context["cl"].result_list) > 2


def test_record_pages_query_count_does_not_grow_with_visits_or_recommendations(
    clinician_client, clinician, django_assert_num_queries
):
    encounter = UrgentEncounterFactory(recorded_by=clinician)
    plan = CarePlanFactory(encounter=encounter, red_flags=["fever"])
    RecommendationFactory(care_plan=plan)
    VisitRecordFactory(follow_up__encounter=encounter, recorded_by=clinician)
    EscalationFactory(encounter=encounter)
    pages = {
        # Each includes the chart-access record (its patient look-up and the insert) and the
        # session read with its user; the encounter comes with its patient, recorder and care plan
        # in one query.
        reverse("admin:triage_encounter_change", args=[encounter.pk]): 9,
        reverse("admin:patients_patient_change", args=[encounter.patient.pk]): 6,
    }
    for url, queries in pages.items():
        clinician_client.get(url)  # once first: the content-type cache is then warm
        with django_assert_num_queries(queries):
            assert clinician_client.get(url).status_code == 200
    RecommendationFactory.create_batch(12, care_plan=plan)
    for _ in range(8):
        VisitRecordFactory(follow_up__encounter=encounter, recorded_by=clinician)
        EscalationFactory(encounter=encounter, closed_by=clinician)
        UrgentEncounterFactory(patient=encounter.patient, recorded_by=clinician)
    for url, queries in pages.items():
        with django_assert_num_queries(queries):
            assert clinician_client.get(url).status_code == 200
