"""A database outage answers 503 with Retry-After and says the saved draft is safe; other
failures keep the plain 500 page; nothing is half-written (tests/triage/test_intake_submit.py)."""

import pytest
from django.db import OperationalError, ProgrammingError, connection
from django.test import Client
from django.urls import reverse

from tests.factories import IntakeDraftFactory
from triage.models import IntakeDraft

pytestmark = pytest.mark.django_db


def _failing_with(error):
    def execute(execute, sql, params, many, context):
        raise error("server closed the connection unexpectedly")

    return execute


@pytest.fixture
def client_seeing_errors(nurse):
    client = Client(raise_request_exception=False)
    client.force_login(nurse)
    return client


def test_a_database_outage_answers_503_with_a_retry_hint(client_seeing_errors):
    with connection.execute_wrapper(_failing_with(OperationalError)):
        response = client_seeing_errors.get(reverse("triage:home"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "Your saved draft is safe" in page
    assert "Try again in 30 seconds" in page


def test_an_outage_during_a_step_keeps_the_saved_draft(client_seeing_errors, nurse):
    draft = IntakeDraftFactory(owner=nurse, answers={"patient": {"patient": "1"}})
    url = reverse("triage:intake_step", args=[draft.token, "pain"])
    with connection.execute_wrapper(_failing_with(OperationalError)):
        response = client_seeing_errors.post(url, {"onset_days": "3"})
    assert response.status_code == 503
    draft.refresh_from_db()
    assert draft.answers == {"patient": {"patient": "1"}}
    assert IntakeDraft.objects.filter(pk=draft.pk).exists()


def test_other_failures_keep_the_plain_500_page(client_seeing_errors):
    with connection.execute_wrapper(_failing_with(ProgrammingError)):
        response = client_seeing_errors.get(reverse("triage:home"))
    assert response.status_code == 500
    assert "Retry-After" not in response
    assert "Something went wrong" in response.content.decode()
