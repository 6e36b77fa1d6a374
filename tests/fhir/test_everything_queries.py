"""$everything costs the same number of queries however many episodes a patient has."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import PatientFactory

from .episodes import build_clinic_record

pytestmark = pytest.mark.django_db

# The session with its user (1; the second factor is in the session), permissions (own and
# groups', 1), the patient (1), the chart-access insert (1), the record: encounters, care plans,
# their recommendations, follow-ups with visits, visits' escalation cards, escalations, drafts
# (7).
# The session is saved at most once a minute, not here.
EVERYTHING_QUERIES = 11


def _count(client, patient) -> tuple[int, list[str], int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("fhir:everything", args=[patient.pk]))
    assert response.status_code == 200
    return len(captured), [query["sql"] for query in captured], len(response.json()["entry"])


def test_the_query_count_is_fixed_whatever_the_number_of_episodes(nurse_client, nurse, clinician):
    one = PatientFactory()
    many = PatientFactory()
    build_clinic_record(one, nurse=nurse, clinician=clinician)
    for _ in range(3):
        build_clinic_record(many, nurse=nurse, clinician=clinician)
    few, few_sql, few_entries = _count(nurse_client, one)
    lots, lots_sql, lots_entries = _count(nurse_client, many)
    assert lots_entries > 2 * few_entries > 80
    why = "$everything must not query per episode, visit or recommendation (N+1)"
    assert few == EVERYTHING_QUERIES, f"{why}:\n" + "\n".join(few_sql)
    assert lots == EVERYTHING_QUERIES, f"{why}:\n" + "\n".join(lots_sql)


def test_with_a_token_the_count_is_fixed_too(client, nurse, clinician, django_assert_num_queries):
    from fhir.services import issue_token

    patient = PatientFactory()
    build_clinic_record(patient, nurse=nurse, clinician=clinician)
    _, secret = issue_token(user=nurse, name="warehouse", issued_by=clinician)
    # Token with its user (1), last use noted (1), permissions (1), patient (1), chart access (1),
    # the record (7); no session, so no second-factor device either.
    with django_assert_num_queries(12):
        response = client.get(
            reverse("fhir:everything", args=[patient.pk]), HTTP_AUTHORIZATION=f"Bearer {secret}"
        )
    assert response.status_code == 200
    assert response.json()["entry"][0]["resource"]["resourceType"] == "Patient"
