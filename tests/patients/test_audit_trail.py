"""The audit trail: every change is recorded with who, when and what; it is visible from the
admin and cannot be rewritten there; every chart opening is logged and listed for admins."""

import pytest
from django.urls import reverse
from django.utils import timezone

from patients.models import ChartAccess
from tests.factories import (
    ChartAccessFactory,
    EscalationFactory,
    FollowUpFactory,
    PatientFactory,
    UrgentEncounterFactory,
    UserFactory,
)
from triage.review import services as review

pytestmark = pytest.mark.django_db


def test_editing_a_patient_records_who_when_and_what(nurse_client, nurse):
    patient = PatientFactory(phone="")
    response = nurse_client.post(
        reverse("patients:edit", args=[patient.pk]),
        {
            "mrn": patient.mrn,
            "family_name": patient.family_name,
            "given_name": patient.given_name,
            "date_of_birth": "1980-05-17",
            "sex": patient.sex,
            "phone": "020 7946 0000",
        },
    )
    assert response.status_code == 302
    latest = patient.history.latest()
    assert latest.history_user == nurse
    assert latest.history_type == "~"
    changes = latest.diff_against(latest.prev_record).changes
    assert [(c.field, c.old, c.new) for c in changes] == [("phone", "", "020 7946 0000")]


def test_history_page_in_the_admin_shows_the_change_and_who_made_it(nurse_client, nurse, client):
    patient = PatientFactory(phone="")
    form = {
        "mrn": patient.mrn,
        "family_name": patient.family_name,
        "given_name": patient.given_name,
        "date_of_birth": "1980-05-17",
        "sex": patient.sex,
        "phone": "020 7946 0000",
    }
    nurse_client.post(reverse("patients:edit", args=[patient.pk]), form)
    client.force_login(UserFactory(username="reviewer", is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:patients_patient_history", args=[patient.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "nurse1" in text
    assert "020 7946 0000" in text
    assert "Revert" not in text


def test_sign_off_and_void_are_in_the_history_with_their_reason(clinician):
    encounter = UrgentEncounterFactory()
    review.sign_off_encounter(encounter=encounter, user=clinician, now=timezone.now())
    signed = encounter.history.latest()
    assert (signed.history_user, signed.history_change_reason) == (
        clinician,
        "Signed off after review",
    )
    review.void_encounter(
        encounter=encounter, user=clinician, reason="Duplicate", now=timezone.now()
    )
    voided = encounter.history.latest()
    assert (voided.history_user, voided.history_change_reason) == (clinician, "Voided: Duplicate")
    assert encounter.history.count() == 3


def test_follow_up_and_escalation_changes_are_recorded(clinician):
    visit = FollowUpFactory()
    escalation = EscalationFactory()
    review.void_follow_up(follow_up=visit, user=clinician, reason="dup", now=timezone.now())
    assert visit.history.latest().history_user == clinician
    escalation.outcome, escalation.closed_at, escalation.closed_by = (
        "referred",
        timezone.now(),
        clinician,
    )
    escalation.save()
    assert escalation.history.count() == 2


@pytest.mark.parametrize(
    ("url_name", "make"),
    [
        ("admin:patients_patient_simple_history", PatientFactory),
        ("admin:triage_encounter_simple_history", UrgentEncounterFactory),
        ("admin:triage_followup_simple_history", FollowUpFactory),
        ("admin:triage_escalation_simple_history", EscalationFactory),
    ],
)
def test_a_past_version_can_be_read_but_not_restored(client, url_name, make):
    record = make()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    version = record.history.earliest()
    url = reverse(url_name, args=[record.pk, version.history_id])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.post(url, {"_save": "Revert"}).status_code == 403
    assert record.history.count() == 1


def test_opening_a_chart_is_logged(nurse_client, nurse):
    patient = PatientFactory()
    nurse_client.get(reverse("triage:patient_chart", args=[patient.pk]))
    access = ChartAccess.objects.get()
    assert (access.user, access.patient) == (nurse, patient)
    assert access.accessed_at is not None


def test_opening_a_patient_in_the_admin_is_logged_too(clinician_client, clinician):
    patient = PatientFactory()
    clinician_client.get(reverse("admin:patients_patient_change", args=[patient.pk]))
    assert ChartAccess.objects.filter(user=clinician, patient=patient).count() == 1


def test_administrator_lists_and_filters_the_chart_log(admin_client_role, nurse, clinician):
    patient = PatientFactory(mrn="MRN-777")
    by_nurse = ChartAccessFactory(user=nurse, patient=patient)
    ChartAccessFactory(user=clinician)
    url = reverse("admin:patients_chartaccess_changelist")
    everyone = admin_client_role.get(url)
    assert everyone.status_code == 200
    assert everyone.context["cl"].result_count == 2
    only_nurse = admin_client_role.get(url, {"user__id__exact": nurse.pk})
    assert [a.pk for a in only_nurse.context["cl"].result_list] == [by_nurse.pk]
    by_record = admin_client_role.get(url, {"q": "MRN-777"})
    assert [a.pk for a in by_record.context["cl"].result_list] == [by_nurse.pk]


def test_clinicians_and_nurses_cannot_read_the_chart_log(clinician_client, client, nurse):
    url = reverse("admin:patients_chartaccess_changelist")
    assert clinician_client.get(url).status_code == 403
    client.force_login(nurse)
    assert client.get(url)["Location"].startswith("/admin/login/")


def test_chart_log_cannot_be_changed_or_deleted_by_anyone(client):
    access = ChartAccessFactory()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    change = reverse("admin:patients_chartaccess_change", args=[access.pk])
    assert client.post(change, {"user": access.user.pk}).status_code == 403
    delete = reverse("admin:patients_chartaccess_delete", args=[access.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert ChartAccess.objects.filter(pk=access.pk).exists()
