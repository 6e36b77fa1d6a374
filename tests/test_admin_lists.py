"""Big admin lists: counts that stop at a cap (then estimated), filters that need no query."""

import pytest
from django.db import connection
from django.urls import reverse

from accounts import admin_lists
from tests.factories import ChartAccessFactory, PatientFactory

pytestmark = pytest.mark.django_db

CHART_ACCESSES = reverse("admin:patients_chartaccess_changelist")


def test_small_lists_are_counted_exactly(admin_client_role):
    ChartAccessFactory.create_batch(3)
    response = admin_client_role.get(CHART_ACCESSES)
    assert response.context["cl"].result_count == 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="estimates are PostgreSQL's")
def test_past_the_cap_an_unfiltered_list_shows_the_tables_estimate(admin_client_role, monkeypatch):
    monkeypatch.setattr(admin_lists, "COUNT_CAP", 2)
    patient = PatientFactory()
    ChartAccessFactory.create_batch(4, patient=patient)
    ChartAccessFactory.create_batch(2)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE patients_chartaccess")
    unfiltered = admin_client_role.get(CHART_ACCESSES)
    assert unfiltered.context["cl"].result_count == 6
    searched = admin_client_role.get(CHART_ACCESSES, {"q": patient.mrn})
    # Filtered and past the cap: the count stops there (cap + 1) instead of reading on.
    assert searched.context["cl"].result_count == 3


def test_encounter_list_filters_by_date_range_without_a_date_drill_down(clinician_client):
    response = clinician_client.get(reverse("admin:triage_encounter_changelist"))
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["cl"].date_hierarchy is None
    assert "occurred_at__gte" in html  # the date-range filter's links
