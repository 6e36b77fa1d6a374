"""Encounters' intake facts, patients and the chart log are read-only in the admin, and no
clinical record can be deleted there, superusers included."""

import pytest
from django.contrib import admin
from django.urls import reverse

from patients.models import ChartAccess, Patient
from tests.factories import ChartAccessFactory, PatientFactory, UrgentEncounterFactory, UserFactory
from triage.models import Encounter, EncounterAwaitingReview

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_every_encounter_column_is_read_only_in_the_admin():
    model_admin = admin.site._registry[Encounter]
    columns = {field.name for field in Encounter._meta.concrete_fields} - {"id", "intake_token"}
    assert columns <= set(model_admin.readonly_fields)


@pytest.mark.parametrize("who", ["clinician_client", "superuser_client"])
def test_posting_a_change_to_an_encounters_facts_fails(request, who):
    client = request.getfixturevalue(who)
    encounter = UrgentEncounterFactory(pain_score=8)
    url = reverse("admin:triage_encounter_change", args=[encounter.pk])
    response = client.post(url, {"pain_score": "2", "fever": "", "pathway": "conservative"})
    assert response.status_code == 403
    encounter.refresh_from_db()
    assert (encounter.pain_score, encounter.fever, encounter.pathway) == (8, True, "urgent")


@pytest.mark.parametrize(
    ("model", "make"),
    [
        (Patient, PatientFactory),
        (Encounter, UrgentEncounterFactory),
        (EncounterAwaitingReview, UrgentEncounterFactory),
        (ChartAccess, ChartAccessFactory),
    ],
)
def test_superuser_cannot_add_change_or_delete(superuser_client, model, make):
    record = make()
    info = model._meta.app_label, model._meta.model_name
    change = reverse("admin:{}_{}_change".format(*info), args=[record.pk])
    assert superuser_client.post(change, {}).status_code == 403
    assert superuser_client.get(reverse("admin:{}_{}_add".format(*info))).status_code == 403
    delete = reverse("admin:{}_{}_delete".format(*info), args=[record.pk])
    assert superuser_client.post(delete, {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=record.pk).exists()


@pytest.mark.parametrize("model", [Patient, Encounter, EncounterAwaitingReview, ChartAccess])
def test_no_delete_selected_action(superuser_client, model):
    UrgentEncounterFactory()
    ChartAccessFactory()
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    response = superuser_client.get(url)
    model_admin = response.context["cl"].model_admin
    assert "delete_selected" not in model_admin.get_actions(response.wsgi_request)


def test_bulk_delete_post_deletes_nothing(superuser_client):
    encounter = UrgentEncounterFactory()
    superuser_client.post(
        reverse("admin:triage_encounter_changelist"),
        {"action": "delete_selected", "_selected_action": [encounter.pk], "post": "yes"},
    )
    assert Encounter.objects.filter(pk=encounter.pk).exists()


def test_patient_admin_searches_record_number_and_names(clinician_client):
    wanted = PatientFactory(mrn="MRN-4242", family_name="Okafor", given_name="Chidi")
    PatientFactory(mrn="MRN-1111", family_name="Smith", given_name="Anna")
    url = reverse("admin:patients_patient_changelist")
    for term in ("mrn-4242", "okaf", "Chidi Okafor"):
        response = clinician_client.get(url, {"q": term})
        assert [p.pk for p in response.context["cl"].result_list] == [wanted.pk], term


def test_patient_admin_lists_the_encounters_inline(clinician_client):
    encounter = UrgentEncounterFactory()
    response = clinician_client.get(
        reverse("admin:patients_patient_change", args=[encounter.patient.pk])
    )
    assert reverse("admin:triage_encounter_change", args=[encounter.pk]) in (
        response.content.decode()
    )
    assert "Urgent – awaiting sign-off" in response.content.decode()
