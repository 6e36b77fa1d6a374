"""Every page of patient data writes a chart-access record (the role matrix proves coverage);
administrators list them per user and per patient, and export them as CSV."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from patients.chart_access import record_patients_shown
from patients.models import ChartAccess, Patient
from tests.factories import (
    CarePlanFactory,
    ChartAccessFactory,
    EncounterFactory,
    EscalationFactory,
    FollowUpFactory,
    IntakeDraftFactory,
    PatientFactory,
    RecommendationFactory,
)

pytestmark = pytest.mark.django_db


def test_care_plan_and_handout_are_logged_with_their_page(nurse_client, nurse):
    encounter = EncounterFactory()
    CarePlanFactory(encounter=encounter)
    assert nurse_client.get(reverse("triage:care_plan", args=[encounter.pk])).status_code == 200
    assert nurse_client.get(reverse("triage:handout", args=[encounter.pk])).status_code == 200
    pages = set(
        ChartAccess.objects.filter(user=nurse, patient=encounter.patient).values_list(
            "page", flat=True
        )
    )
    assert pages == {"care plan", "handout"}


def test_search_results_log_each_patient_shown(nurse_client, nurse):
    shown = [PatientFactory(family_name=f"Haddad{n}") for n in range(3)]
    PatientFactory(family_name="Other")
    assert nurse_client.get(reverse("patients:list"), {"q": "haddad"}).status_code == 200
    logged = ChartAccess.objects.filter(user=nurse, page="search results")
    assert sorted(logged.values_list("patient_id", flat=True)) == sorted(p.pk for p in shown)


def test_a_refused_page_logs_nothing(nurse_client):
    escalation_patient = PatientFactory()
    assert nurse_client.get(reverse("triage:patient_chart", args=[999999])).status_code == 404
    assert not ChartAccess.objects.filter(patient=escalation_patient).exists()


def test_administrators_list_accesses_per_user_and_per_patient(admin_client_role, nurse):
    mine = ChartAccessFactory(user=nurse, page="care plan")
    other = ChartAccessFactory(page="chart")
    url = reverse("admin:patients_chartaccess_changelist")
    by_user = admin_client_role.get(url, {"q": nurse.username}).content.decode()
    assert mine.patient.mrn in by_user
    assert other.patient.mrn not in by_user
    by_patient = admin_client_role.get(url, {"q": other.patient.mrn}).content.decode()
    assert other.patient.mrn in by_patient
    assert mine.patient.mrn not in by_patient


def test_administrators_export_the_filtered_list_as_csv(admin_client_role, nurse):
    first = ChartAccessFactory(user=nurse, page="care plan")
    ChartAccessFactory(user=nurse, page="chart")
    ChartAccessFactory(page="handout")
    # "Select all" across the filtered list (the admin sends one ticked row with it).
    response = admin_client_role.post(
        reverse("admin:patients_chartaccess_changelist") + f"?q={nurse.username}",
        {
            "action": "export_csv",
            "select_across": "1",
            "index": "0",
            "_selected_action": [first.pk],
        },
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["accessed_at", "user", "patient_record_number", "page"]
    assert sorted(row[3] for row in rows[1:]) == ["care plan", "chart"]
    assert {row[1] for row in rows[1:]} == {nurse.username}


def test_clinicians_cannot_read_or_export_the_log(clinician_client):
    ChartAccessFactory()
    url = reverse("admin:patients_chartaccess_changelist")
    assert clinician_client.get(url).status_code == 403
    response = clinician_client.post(
        url, {"action": "export_csv", "select_across": "1", "index": "0"}
    )
    assert response.status_code == 403


def _logged(user, page: str) -> list[int]:
    rows = ChartAccess.objects.filter(user=user, page=page)
    return sorted(rows.values_list("patient_id", flat=True))


def test_the_worklist_logs_each_patient_it_shows_once(nurse_client, nurse):
    escalated = EscalationFactory().encounter.patient
    # The same patient twice on the page: an open escalation and one of the nurse's drafts.
    IntakeDraftFactory(owner=nurse, patient=escalated)
    drafted = IntakeDraftFactory(owner=nurse).patient
    not_shown = FollowUpFactory().encounter.patient  # due in two weeks: not on the worklist
    assert nurse_client.get(reverse("triage:home")).status_code == 200
    assert _logged(nurse, "worklist") == sorted([escalated.pk, drafted.pk])
    assert not ChartAccess.objects.filter(patient=not_shown).exists()


def test_a_long_list_logs_each_patient_once_at_one_time(nurse):
    # More rows than SQLite takes in one statement: written in batches, all or nothing.
    ids = [patient.pk for patient in Patient.objects.bulk_create(PatientFactory.build_batch(600))]
    before = timezone.now()
    record_patients_shown(user=nurse, patient_ids=[*ids, ids[0], None], page="search results")
    logged = ChartAccess.objects.filter(user=nurse)
    assert sorted(logged.values_list("patient_id", flat=True)) == sorted(ids)
    assert set(logged.values_list("page", flat=True)) == {"search results"}
    [accessed_at] = set(logged.values_list("accessed_at", flat=True))
    assert before <= accessed_at <= timezone.now()


def test_a_worklist_with_nobody_on_it_logs_nothing(nurse_client, nurse):
    PatientFactory()
    assert nurse_client.get(reverse("triage:home")).status_code == 200
    assert not ChartAccess.objects.exists()


def test_the_unfinished_intakes_page_logs_its_patients(nurse_client, nurse):
    mine = IntakeDraftFactory(owner=nurse).patient
    IntakeDraftFactory(owner=nurse, patient=None, answers={}, current_step="patient")
    colleagues = IntakeDraftFactory().patient
    assert nurse_client.get(reverse("triage:intake_drafts")).status_code == 200
    assert _logged(nurse, "unfinished intakes") == [mine.pk]
    assert not ChartAccess.objects.filter(patient=colleagues).exists()


def test_an_admin_list_logs_the_patients_of_the_rows_it_shows(clinician_client, clinician):
    shown = [EscalationFactory().encounter.patient for _ in range(3)]
    response = clinician_client.get(reverse("admin:triage_escalation_changelist"))
    assert response.status_code == 200
    assert _logged(clinician, "admin escalation list") == sorted(p.pk for p in shown)


def test_an_admin_list_logs_only_the_rows_it_shows(clinician_client, clinician):
    patients = PatientFactory.create_batch(3)
    url = reverse("admin:patients_patient_changelist")
    response = clinician_client.get(url)
    assert response.status_code == 200
    assert len(_logged(clinician, "admin patient list")) == len(patients)
    ChartAccess.objects.all().delete()
    # A search narrows the page, and the log with it.
    assert clinician_client.get(url, {"q": patients[0].mrn}).status_code == 200
    assert _logged(clinician, "admin patient list") == [patients[0].pk]


def test_the_recommendations_list_names_no_patient_and_logs_none(clinician_client):
    item = RecommendationFactory()
    response = clinician_client.get(reverse("admin:triage_recommendation_changelist"))
    assert response.status_code == 200
    assert item.care_plan.encounter.patient.mrn not in response.content.decode()
    assert not ChartAccess.objects.exists()


def test_the_bulk_void_page_logs_the_patients_it_names(clinician_client, clinician):
    escalated = [EscalationFactory().encounter for _ in range(2)]
    response = clinician_client.post(
        reverse("admin:triage_encounter_changelist"),
        {"action": "void_selected", "_selected_action": [e.pk for e in escalated]},
    )
    assert response.status_code == 200
    assert escalated[0].patient.mrn in response.content.decode()
    assert _logged(clinician, "admin encounter void") == sorted(e.patient_id for e in escalated)


def test_a_possible_duplicate_named_on_the_registration_form_is_logged(nurse_client, nurse):
    existing = PatientFactory(
        family_name="Lovelace", given_name="Ada", date_of_birth=datetime.date(1985, 12, 10)
    )
    typed = {
        "mrn": "MRN-9001",
        "family_name": "Lovelace",
        "given_name": "Ada",
        "date_of_birth": "1985-12-10",
        "sex": "female",
        "phone": "",
    }
    for url, data in (
        (reverse("patients:create"), typed),
        (
            reverse("triage:intake_new"),
            {"action": "register", **{f"new-{key}": value for key, value in typed.items()}},
        ),
    ):
        response = nurse_client.post(url, data)
        assert response.status_code == 200
        assert existing.mrn in response.content.decode()
    assert _logged(nurse, "possible duplicate") == [existing.pk, existing.pk]


def test_the_discard_question_logs_the_drafts_patient(nurse_client, nurse):
    draft = IntakeDraftFactory(owner=nurse)
    url = reverse("triage:intake_discard", args=[draft.token])
    assert nurse_client.get(url).status_code == 200
    assert _logged(nurse, "discard intake") == [draft.patient_id]
    assert nurse_client.post(url).status_code == 302
    assert _logged(nurse, "discard intake") == [draft.patient_id]


@pytest.mark.django_db(transaction=True)
def test_a_list_page_logs_its_patients_in_one_statement(nurse):
    """Outside a test's transaction, as on a served page: PostgreSQL gets one INSERT and no
    BEGIN or COMMIT around it (the statement is all or nothing by itself); other databases
    write their batches in one transaction."""
    patients = PatientFactory.create_batch(3)
    with CaptureQueriesContext(connection) as written:
        record_patients_shown(user=nurse, patients=patients, page="search results")
    statements = [query["sql"].split()[0] for query in written.captured_queries]
    if connection.vendor == "postgresql":
        assert statements == ["INSERT"]
    else:
        assert statements == ["BEGIN", "INSERT", "COMMIT"]
    assert ChartAccess.objects.filter(user=nurse, page="search results").count() == 3
