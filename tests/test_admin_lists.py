"""Big admin lists: counts that stop at a cap (then estimated), filters that need no query."""

import re
from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.admin import ModelAdmin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import admin_lists
from patients.models import ChartAccess
from tests.factories import (
    CarePlanFactory,
    ChartAccessFactory,
    EncounterFactory,
    EscalationFactory,
    FollowUpFactory,
    PatientFactory,
    UrgentEncounterFactory,
    VisitRecordFactory,
)
from triage.models import FollowUp

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


@pytest.mark.skipif(connection.vendor != "postgresql", reason="estimates are PostgreSQL's")
def test_an_unfiltered_list_estimated_past_the_cap_is_not_counted(admin_client_role, monkeypatch):
    """Past the cap an unfiltered list shows the table's estimate, so it does not count at all:
    rows gone since the last ANALYZE still show in the estimate (a count would see them go)."""
    monkeypatch.setattr(admin_lists, "COUNT_CAP", 2)
    ChartAccessFactory.create_batch(6)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE patients_chartaccess")
    ChartAccess.objects.filter(pk__in=ChartAccess.objects.values("pk")[:5]).delete()
    unfiltered = admin_client_role.get(CHART_ACCESSES)
    assert unfiltered.context["cl"].result_count == 6
    # Estimated at or under the cap, the list is counted: exactly, as before.
    monkeypatch.setattr(admin_lists, "COUNT_CAP", 6)
    assert admin_client_role.get(CHART_ACCESSES).context["cl"].result_count == 1


@pytest.mark.parametrize(
    ("model", "factory"),
    [(ChartAccess, ChartAccessFactory), (FollowUp, FollowUpFactory)],
    ids=["chart access", "follow-up"],
)
def test_each_rows_checkbox_is_the_html_django_would_write(admin_client, model, factory):
    """The lists write the selection checkbox directly; Django draws it through a widget
    template. The page must carry exactly Django's markup, so the actions keep working."""
    record = factory()
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    response = admin_client.get(url, {"due": "all"} if model is FollowUp else {})
    assert response.status_code == 200
    page = response.content.decode()
    djangos = ModelAdmin.action_checkbox(admin.site._registry[model], record)
    assert djangos.startswith('<input type="checkbox" name="_selected_action"')
    assert djangos in page


def test_encounter_list_filters_by_date_range_without_a_date_drill_down(clinician_client):
    response = clinician_client.get(reverse("admin:triage_encounter_changelist"))
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["cl"].date_hierarchy is None
    assert "occurred_at__gte" in html  # the date-range filter's links


CLINICAL_APPS = {"patients", "triage", "fhir", "cdshooks"}


@pytest.mark.parametrize(
    "model",
    sorted(
        (model for model in admin.site._registry if model._meta.app_label in CLINICAL_APPS),
        key=lambda model: model._meta.label,
    ),
    ids=lambda model: model._meta.label,
)
def test_no_clinical_list_reads_a_whole_table_for_its_sidebar(admin_client, model):
    """Sidebar filters and date drill-downs must not run SELECT DISTINCT over a table that grows
    with the clinic (Django's default for a text column or a related field's column)."""
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(url)  # a superuser: every list, whatever the role matrix
    assert response.status_code == 200
    distinct = [query["sql"] for query in queries if "DISTINCT" in query["sql"].upper()]
    assert distinct == []


def _varied_clinic(user) -> None:
    """Rows down every branch the lists' columns take: signed off, voided, awaiting review,
    escalations opened at intake and at a visit, open and closed, visits done and not."""
    today = timezone.localdate()
    signed = UrgentEncounterFactory(reviewed_at=timezone.now(), reviewed_by=user)
    CarePlanFactory(encounter=signed, red_flags=["fever", "night_pain"])
    voided = EncounterFactory(voided_at=timezone.now(), voided_by=user, void_reason="wrong")
    waiting = UrgentEncounterFactory()
    for encounter, days in ((signed, 3), (voided, 0), (waiting, -2)):
        follow_up = FollowUpFactory(encounter=encounter, due_date=today - timedelta(days))
        visit = VisitRecordFactory(follow_up__encounter=encounter, recorded_by=user)
        EscalationFactory(encounter=encounter, visit=visit, opened_at=timezone.now())
        FollowUpFactory(
            encounter=encounter, voided_at=timezone.now(), voided_by=user, void_reason="dup"
        )
        assert follow_up.pk
    CarePlanFactory(encounter=UrgentEncounterFactory(pathway="emergency"), red_flags=["fever"])
    UrgentEncounterFactory()  # no stored plan
    EscalationFactory(
        encounter=waiting,
        outcome="serious_cause_excluded",
        closed_by=user,
        closed_at=timezone.now(),
    )


# What differs between any two requests: the form token and the session's countdown.
TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value|data-idle-left|data-absolute-left)="[^"]+"')
LIST_ONLY = sorted(
    (
        pytest.param(model, query, id=f"{model._meta.label} {query}")
        for model, model_admin in admin.site._registry.items()
        if getattr(model_admin, "list_only", ())
        for query in ({}, {"due": "all"}, {"o": "-1"}, {"due": "all", "o": "3"})
        if model is FollowUp or "due" not in query
    ),
    key=lambda param: param.id,
)


@pytest.mark.parametrize(("model", "query"), LIST_ONLY)
def test_a_list_reading_only_its_columns_shows_the_same_page_with_no_more_queries(
    admin_client, admin_user, monkeypatch, model, query
):
    """`list_only` loads only the columns the rows show: the page must be the one the whole
    rows give, and no row may go back to the database for a column it left out."""
    _varied_clinic(admin_user)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    admin_client.get(url, query)  # once first: caches warm for both counts
    with CaptureQueriesContext(connection) as narrow:
        ours = admin_client.get(url, query)
    assert ours.context["cl"].result_list, "no rows to compare"
    monkeypatch.setattr(admin.site._registry[model], "list_only", ())
    with CaptureQueriesContext(connection) as whole:
        theirs = admin_client.get(url, query)
    assert len(narrow) == len(whole), "\n".join(q["sql"] for q in narrow.captured_queries)
    assert TOKEN.sub("", ours.content.decode()) == TOKEN.sub("", theirs.content.decode())
