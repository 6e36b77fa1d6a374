"""Administrators read one user's activity: everything they changed (every record history and
the admin's log) or viewed (chart accesses), newest first, with dates, a page at a time."""

import datetime
import re

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from patients.models import ChartAccess, Patient
from patients.selectors import ACTIVITY_PAGE_SIZE
from tests.factories import ChartAccessFactory, EncounterFactory, PatientFactory, UserFactory

pytestmark = pytest.mark.django_db


def _activity_url(user) -> str:
    return reverse("admin:auth_user_activity", args=[user.pk])


def _rows(response) -> list:
    return [activity for activity, _link in response.context["rows"]]


def test_it_lists_changes_and_views_across_records_newest_first(admin_client_role, nurse):
    patient = PatientFactory(mrn="MRN-0042")
    # Changed: a patient's record (its history names the user), and an encounter.
    patient.history.update(history_user=nurse)
    encounter = EncounterFactory(patient=patient)
    encounter.history.update(history_user=nurse)
    # Viewed: the patient's chart, an hour later.
    viewed = ChartAccessFactory(user=nurse, patient=patient, page="care plan")
    ChartAccess.objects.filter(pk=viewed.pk).update(
        accessed_at=timezone.now() + datetime.timedelta(hours=1)
    )
    LogEntry.objects.create(
        user=nurse,
        content_type=ContentType.objects.get_for_model(Patient),
        object_id=str(patient.pk),
        object_repr=str(patient),
        action_flag=CHANGE,
        change_message="[]",
    )
    # Someone else's doings are not hers.
    ChartAccessFactory(patient=patient)

    response = admin_client_role.get(_activity_url(nurse))
    assert response.status_code == 200
    rows = _rows(response)
    assert (rows[0].source, rows[0].model_name) == ("viewed", "patient")
    assert sorted((row.source, row.model_name, row.verb) for row in rows) == [
        ("admin", "patient", "Changed in the admin"),
        ("history", "encounter", "Created"),
        ("history", "patient", "Created"),
        ("viewed", "patient", "Viewed"),
    ]
    assert [row.at for row in rows] == sorted((row.at for row in rows), reverse=True)
    page = response.content.decode()
    assert "MRN-0042, page: care plan" in page
    assert reverse("admin:triage_encounter_history", args=[encounter.pk]) in page
    assert reverse("admin:patients_patient_change", args=[patient.pk]) in page
    # Reading the activity opens no chart.
    assert not ChartAccess.objects.filter(user__username="admin1").exists()


def test_its_url_names_the_user_only(admin_client_role, nurse):
    url = _activity_url(nurse)
    assert re.fullmatch(r"/admin/auth/user/\d+/activity/", url)


def test_the_user_page_links_to_the_activity_and_the_chart_accesses(admin_client_role, nurse):
    page = admin_client_role.get(reverse("admin:auth_user_change", args=[nurse.pk]))
    html = page.content.decode()
    assert _activity_url(nurse) in html
    assert f"?user__id__exact={nurse.pk}" in html


def test_the_per_user_and_per_patient_chart_access_links_narrow_the_log(admin_client_role, nurse):
    mine = ChartAccessFactory(user=nurse)
    other = ChartAccessFactory()
    url = reverse("admin:patients_chartaccess_changelist")
    by_user = admin_client_role.get(url, {"user__id__exact": nurse.pk})
    assert list(by_user.context["cl"].result_list) == [mine]
    by_patient = admin_client_role.get(url, {"patient__id__exact": other.patient.pk})
    assert list(by_patient.context["cl"].result_list) == [other]
    patient_page = admin_client_role.get(
        reverse("admin:patients_patient_change", args=[other.patient.pk])
    ).content.decode()
    assert f"?patient__id__exact={other.patient.pk}" in patient_page


def test_clinicians_see_no_activity_nor_its_links(clinician_client, clinician, nurse):
    assert clinician_client.get(_activity_url(nurse)).status_code == 403
    patient = PatientFactory()
    page = clinician_client.get(reverse("admin:patients_patient_change", args=[patient.pk]))
    assert "patient__id__exact" not in page.content.decode()


def test_nurses_are_refused(nurse_client, nurse):
    response = nurse_client.get(_activity_url(nurse))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_an_unknown_user_is_not_found(admin_client_role):
    url = reverse("admin:auth_user_activity", args=[999999])
    assert admin_client_role.get(url).status_code == 404


def test_it_pages_newest_first(admin_client_role, nurse):
    patients = PatientFactory.create_batch(3)
    now = timezone.now()
    ChartAccess.objects.bulk_create(
        ChartAccess(user=nurse, patient=patients[n % 3], page=f"page {n}")
        for n in range(ACTIVITY_PAGE_SIZE + 5)
    )
    # Spread the times out: the newest is "page 0".
    for n, access in enumerate(ChartAccess.objects.filter(user=nurse).order_by("pk")):
        ChartAccess.objects.filter(pk=access.pk).update(
            accessed_at=now - datetime.timedelta(minutes=n)
        )
    first = admin_client_role.get(_activity_url(nurse))
    assert len(_rows(first)) == ACTIVITY_PAGE_SIZE
    assert _rows(first)[0].action == "page 0"
    assert first.context["page"].has_next
    second = admin_client_role.get(_activity_url(nurse), {"page": "2"})
    assert [row.action for row in _rows(second)] == [
        f"page {n}" for n in range(ACTIVITY_PAGE_SIZE, ACTIVITY_PAGE_SIZE + 5)
    ]
    assert not second.context["page"].has_next
    assert admin_client_role.get(_activity_url(nurse), {"page": "x"}).status_code == 200


def test_the_query_count_does_not_grow_with_activity(
    admin_client_role, administrator, django_assert_num_queries
):
    """Session, the signed-in user, their permissions (their own and their groups'), the user
    whose activity it is, and one UNION ALL over every source for the page."""
    subject = UserFactory()
    url = _activity_url(subject)

    def busy(rows: int) -> None:
        for _ in range(rows):
            patient = PatientFactory()
            patient.history.update(history_user=subject)
            ChartAccessFactory(user=subject, patient=patient)

    busy(2)
    admin_client_role.get(url)  # the content-type cache is then warm
    # The session with its user (1), permissions (own and groups', 1), the page of rows, and
    # the counts.
    with django_assert_num_queries(4):
        few = admin_client_role.get(url)
    assert len(_rows(few)) == 4
    busy(40)
    with django_assert_num_queries(4):
        many = admin_client_role.get(url)
    assert len(_rows(many)) == ACTIVITY_PAGE_SIZE
