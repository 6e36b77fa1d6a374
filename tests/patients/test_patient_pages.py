"""Patient pages through HTTP: search, register, edit, chart, and bad input."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from patients.models import ChartAccess, Patient
from tests.factories import EncounterFactory, PatientFactory

pytestmark = pytest.mark.django_db

VALID = {
    "mrn": " mrn-2001 ",
    "family_name": "Lovelace",
    "given_name": "Ada",
    "date_of_birth": "1985-12-10",
    "sex": "female",
    "phone": "",
}


def test_search_matches_record_number_and_names_ignoring_case(nurse_client):
    PatientFactory(mrn="MRN-777", family_name="Okafor", given_name="Chidi")
    PatientFactory(mrn="MRN-123", family_name="Smith", given_name="Anna")
    url = reverse("patients:list")
    for term in ("mrn-777", "okaFOR", "chid", "Chidi Okafor"):
        response = nurse_client.get(url, {"q": term})
        assert [p.mrn for p in response.context["page"].object_list] == ["MRN-777"], term
    response = nurse_client.get(url, {"q": "nobody"})
    assert list(response.context["page"].object_list) == []
    assert "No patient matches" in response.content.decode()


def _patient_page_queries(queries) -> list[str]:
    """The statements that fetched the page's patients (not the count, not the log's insert)."""
    return [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith('SELECT "patients_patient"."id"')
    ]


def test_search_asks_for_a_whole_page_even_when_fewer_patients_match(nurse_client):
    # Asked for exactly the one row found (LIMIT 1), PostgreSQL walks the name-order index
    # expecting a match early and read a third of a 100,000-patient registry for it; a whole
    # page lets it use the trigram indexes (patients/paging.py). Same rows either way.
    PatientFactory(mrn="MRN-777", family_name="Okafor", given_name="Chidi")
    PatientFactory.create_batch(3)
    with CaptureQueriesContext(connection) as queries:
        response = nurse_client.get(reverse("patients:list"), {"q": "okafor"})
    assert [p.mrn for p in response.context["page"].object_list] == ["MRN-777"]
    assert response.context["page"].paginator.count == 1
    [page_query] = _patient_page_queries(queries)
    assert page_query.endswith("LIMIT 25")


def test_the_last_page_of_a_search_holds_only_what_remains(nurse_client):
    PatientFactory.create_batch(27, family_name="Okafor")
    PatientFactory(family_name="Smith")
    url = reverse("patients:list")
    with CaptureQueriesContext(connection) as queries:
        response = nurse_client.get(url, {"q": "okafor", "page": 2})
    page = response.context["page"]
    assert (page.number, len(page.object_list), page.paginator.num_pages) == (2, 2, 2)
    assert (page.start_index(), page.end_index(), page.has_next()) == (26, 27, False)
    assert _patient_page_queries(queries)[0].endswith("LIMIT 25 OFFSET 25")


def test_a_search_that_finds_nobody_fetches_no_rows(nurse_client):
    PatientFactory()
    with CaptureQueriesContext(connection) as queries:
        response = nurse_client.get(reverse("patients:list"), {"q": "nobody"})
    assert "No patient matches" in response.content.decode()
    assert _patient_page_queries(queries) == []


def test_list_is_paginated(nurse_client):
    PatientFactory.create_batch(30)
    response = nurse_client.get(reverse("patients:list"), {"page": 2})
    assert response.context["page"].number == 2
    assert len(response.context["page"].object_list) == 5


def test_the_whole_registry_is_paged_in_name_order_without_counting_it(nurse_client):
    for number in range(27):
        PatientFactory(family_name=f"Family{number:02}", given_name="Ana")
    url = reverse("patients:list")
    with CaptureQueriesContext(connection) as queries:
        first = nurse_client.get(url)
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    html = first.content.decode()
    names = [p.family_name for p in first.context["page"].object_list]
    assert names == [f"Family{number:02}" for number in range(25)]
    assert "Page 1</span>" in html
    assert "Page 1 of" not in html
    assert 'href="?page=2">Next</a>' in html
    assert "Previous</a>" not in html
    assert "Patients, page 1</caption>" in html
    second = nurse_client.get(url, {"page": 2})
    assert [p.family_name for p in second.context["page"].object_list] == ["Family25", "Family26"]
    html = second.content.decode()
    assert 'href="?page=1">Previous</a>' in html
    assert "Next</a>" not in html


def test_a_search_still_says_how_many_pages_it_found(nurse_client):
    PatientFactory.create_batch(27, family_name="Okafor")
    html = nurse_client.get(reverse("patients:list"), {"q": "okafor"}).content.decode()
    assert "Page 1 of 2</span>" in html
    assert 'href="?q=okafor&amp;page=2">Next</a>' in html


def test_a_page_past_the_end_of_the_registry_says_so_and_leads_back(nurse_client):
    PatientFactory.create_batch(3)
    for page in ("2", "99"):
        html = nurse_client.get(reverse("patients:list"), {"page": page}).content.decode()
        assert f"The list of patients ends before page {page}." in html
        assert f'<a href="{reverse("patients:list")}">Go to the first page</a>' in html
        assert "No patients are registered yet" not in html
    for nonsense in ("0", "-3", "two"):
        response = nurse_client.get(reverse("patients:list"), {"page": nonsense})
        assert response.context["page"].number == 1
        assert len(response.context["page"].object_list) == 3


def test_an_empty_registry_says_so(nurse_client):
    html = nurse_client.get(reverse("patients:list")).content.decode()
    assert "No patients are registered yet." in html


def test_list_query_count_does_not_grow_with_patients(nurse_client, django_assert_num_queries):
    # Includes one insert (the chart-access records of the patients the page shows) and the
    # session read with its user, and the permissions (own and groups', one query). The whole
    # registry is not counted; a search is (one more).
    PatientFactory.create_batch(3)
    with django_assert_num_queries(4):
        few = nurse_client.get(reverse("patients:list"))
    assert len(few.context["page"].object_list) == 3
    PatientFactory.create_batch(40)
    with django_assert_num_queries(4):
        many = nurse_client.get(reverse("patients:list"))
    assert len(many.context["page"].object_list) == 25
    with django_assert_num_queries(4):
        last = nurse_client.get(reverse("patients:list"), {"page": 2})
    assert len(last.context["page"].object_list) == 18
    with django_assert_num_queries(5):
        found = nurse_client.get(reverse("patients:list"), {"q": "Family"})
    assert found.status_code == 200
    assert found.context["page"].paginator.count == 43


def test_register_trims_and_upper_cases_record_number(nurse_client):
    response = nurse_client.post(reverse("patients:create"), VALID)
    patient = Patient.objects.get()
    assert patient.mrn == "MRN-2001"
    assert response.status_code == 302
    assert response["Location"] == reverse("triage:patient_chart", args=[patient.pk])


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("date_of_birth", "2999-01-01", "cannot be in the future"),
        ("date_of_birth", "1890-01-01", "before 1900"),
        ("date_of_birth", "not-a-date", "Enter a valid date"),
        ("family_name", "   ", "This field is required"),
        ("given_name", "", "This field is required"),
        ("mrn", "MRN 12", "letters, digits and single dashes"),
        ("mrn", "MRN--12", "letters, digits and single dashes"),
        ("mrn", "", "This field is required"),
        ("sex", "alien", "Select a valid choice"),
        ("phone", "call me", "Use digits"),
    ],
)
def test_bad_input_is_explained_next_to_the_field_and_saves_nothing(
    nurse_client, field, value, message
):
    response = nurse_client.post(reverse("patients:create"), {**VALID, field: value})
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert 'id="error-summary"' in response.content.decode()
    assert not Patient.objects.exists()


def test_duplicate_record_number_is_refused(nurse_client):
    PatientFactory(mrn="MRN-2001")
    response = nurse_client.post(reverse("patients:create"), VALID)
    assert "already has this record number" in response.context["form"].errors["mrn"][0]
    assert Patient.objects.count() == 1


def test_same_name_and_birth_date_warns_with_a_link_and_can_be_overridden(nurse_client):
    existing = PatientFactory(
        mrn="MRN-1",
        family_name="LOVELACE",
        given_name="ada",
        date_of_birth=datetime.date(1985, 12, 10),
    )
    response = nurse_client.post(reverse("patients:create"), VALID)
    assert response.status_code == 200
    assert reverse("triage:patient_chart", args=[existing.pk]) in response.content.decode()
    assert Patient.objects.count() == 1

    response = nurse_client.post(
        reverse("patients:create"), {**VALID, "confirm_not_duplicate": "on"}
    )
    assert response.status_code == 302
    assert Patient.objects.count() == 2


def test_edit_changes_demographics_and_keeps_record_number_unique(nurse_client):
    patient = PatientFactory(mrn="MRN-1")
    PatientFactory(mrn="MRN-2")
    url = reverse("patients:edit", args=[patient.pk])
    response = nurse_client.post(url, {**VALID, "mrn": "MRN-2"})
    assert "already has this record number" in response.context["form"].errors["mrn"][0]
    response = nurse_client.post(url, {**VALID, "mrn": "MRN-1", "phone": "020 7946 0000"})
    assert response.status_code == 302
    patient.refresh_from_db()
    assert (patient.family_name, patient.phone) == ("Lovelace", "020 7946 0000")


def test_edit_refuses_a_future_birth_date(nurse_client):
    patient = PatientFactory()
    future = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = nurse_client.post(
        reverse("patients:edit", args=[patient.pk]), {**VALID, "date_of_birth": future}
    )
    assert response.status_code == 200
    patient.refresh_from_db()
    assert patient.date_of_birth == datetime.date(1980, 5, 17)


def test_chart_lists_encounters_newest_first_and_logs_the_opening(nurse_client, nurse):
    patient = PatientFactory()
    now = timezone.now()
    older = EncounterFactory(patient=patient, occurred_at=now - datetime.timedelta(days=9))
    newer = EncounterFactory(patient=patient, occurred_at=now)
    response = nurse_client.get(reverse("triage:patient_chart", args=[patient.pk]))
    assert list(response.context["encounters"]) == [newer, older]
    assert ChartAccess.objects.filter(user=nurse, patient=patient).count() == 1


def test_missing_patient_is_404(nurse_client):
    assert nurse_client.get(reverse("triage:patient_chart", args=[999])).status_code == 404


def test_user_without_a_role_cannot_see_patients(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("nobody", password="x-long-pass"))
    assert client.get(reverse("patients:list")).status_code == 403


def test_search_accepts_the_name_as_the_list_shows_it(nurse_client):
    PatientFactory(mrn="MRN-777", family_name="Okafor", given_name="Chidi")
    response = nurse_client.get(reverse("patients:list"), {"q": "OKAFOR, Chidi"})
    assert [p.mrn for p in response.context["page"].object_list] == ["MRN-777"]


def test_over_long_search_is_refused_with_a_message_not_the_whole_list(nurse_client):
    PatientFactory()
    response = nurse_client.get(reverse("patients:list"), {"q": "x" * 101})
    assert list(response.context["page"].object_list) == []
    text = response.content.decode()
    assert "at most 100 characters" in text
    assert "No patients are registered" not in text


def test_duplicate_confirmation_is_only_asked_once_a_duplicate_is_found(nurse_client):
    blank = nurse_client.get(reverse("patients:create")).content.decode()
    assert 'type="checkbox"' not in blank
    PatientFactory(
        family_name="Lovelace", given_name="Ada", date_of_birth=datetime.date(1985, 12, 10)
    )
    warned = nurse_client.post(reverse("patients:create"), VALID).content.decode()
    assert 'type="checkbox" name="confirm_not_duplicate"' in warned
    assert "Possible duplicate: A patient with the same name" in warned


def test_the_patients_name_links_to_the_chart(nurse_client):
    patient = PatientFactory(family_name="Okafor", given_name="Chidi")
    response = nurse_client.get(reverse("patients:list"))
    chart = reverse("triage:patient_chart", args=[patient.pk])
    assert f'<a href="{chart}">OKAFOR, Chidi</a>' in response.content.decode()
