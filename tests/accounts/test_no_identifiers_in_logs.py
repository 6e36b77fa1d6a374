"""No patient identifiers in the logs: request lines lose their query strings, database errors
lose their details, and a race on a new record number is answered on the form, not with 500."""

import io
import logging

import pytest
from django.core.servers.basehttp import WSGIRequestHandler
from django.db import IntegrityError, transaction
from django.urls import reverse

from config.log_filters import DropQueryStrings
from patients.forms import PatientForm
from patients.models import Patient
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

NAME, GIVEN, MRN = "Haddad", "Samira", "MRN-770077"


@pytest.fixture
def log_output():
    """What our configured handler writes (the same handler production logs through)."""
    handlers = {
        handler
        for logger in (logging.getLogger(), logging.getLogger("django"))
        for handler in logger.handlers
        if any(isinstance(each, DropQueryStrings) for each in handler.filters)
    }
    assert handlers, "the filtered console handler is not configured"
    output = io.StringIO()
    previous = {handler: handler.setStream(output) for handler in handlers}
    yield output
    for handler, stream in previous.items():
        handler.setStream(stream)


def _assert_no_identifiers(text: str) -> None:
    for identifier in (NAME, NAME.lower(), GIVEN, MRN, MRN.lower()):
        assert identifier not in text, f"{identifier!r} reached the log:\n{text}"


def _runserver_logs(request_line: str, status: str) -> None:
    # The development server's own request logging, as it runs for every request.
    handler = WSGIRequestHandler.__new__(WSGIRequestHandler)
    handler.request = None
    handler.log_message('"%s" %s %s', request_line, status, "512")


def test_request_lines_keep_the_path_but_not_the_search_terms(log_output, nurse_client):
    for term in (NAME, MRN):
        assert nurse_client.get(reverse("patients:list"), {"q": term}).status_code == 200
        _runserver_logs(f"GET /patients/?q={term}&page=2 HTTP/1.1", "200")
    _runserver_logs(f"GET /patients/999999/?q={NAME} HTTP/1.1", "404")
    nurse_client.get("/patients/999999/", {"q": NAME})
    text = log_output.getvalue()
    assert '"GET /patients/ HTTP/1.1" 200' in text
    assert "Not Found: /patients/999999/" in text
    _assert_no_identifiers(text)


def test_database_error_details_are_withheld(log_output):
    PatientFactory(mrn=MRN, family_name=NAME, given_name=GIVEN)
    try:
        with transaction.atomic():
            Patient.objects.create(
                mrn=MRN, family_name=NAME, given_name=GIVEN, date_of_birth="1980-01-01"
            )
    except IntegrityError:
        logging.getLogger("django.request").exception("Internal Server Error: %s", "/patients/")
    text = log_output.getvalue()
    assert "IntegrityError" in text
    assert "details withheld" in text
    _assert_no_identifiers(text)


@pytest.fixture
def colleague_registers_first(monkeypatch):
    """Between the form's uniqueness check and our save, a colleague registers the number."""
    checked = PatientForm.validate_unique

    def then_a_colleague_saves(form):
        checked(form)
        if not Patient.objects.filter(mrn=MRN).exists():
            PatientFactory(mrn=MRN, family_name="Other", given_name="Person")

    monkeypatch.setattr(PatientForm, "validate_unique", then_a_colleague_saves)


def _registration():
    return {
        "mrn": MRN.lower(),
        "family_name": NAME,
        "given_name": GIVEN,
        "date_of_birth": "1975-04-02",
        "sex": "female",
        "phone": "",
    }


def test_a_race_on_a_new_record_number_answers_the_form(
    log_output, nurse_client, colleague_registers_first
):
    response = nurse_client.post(reverse("patients:create"), _registration())
    assert response.status_code == 200
    page = response.content.decode()
    assert "This record number was just registered" in page
    taken = Patient.objects.get(mrn=MRN)
    assert reverse("triage:patient_chart", args=[taken.pk]) in page
    assert not Patient.objects.filter(family_name=NAME).exists()
    _assert_no_identifiers(log_output.getvalue())


def test_a_race_during_intake_registration_answers_the_form(
    log_output, nurse_client, colleague_registers_first
):
    data = {"action": "register"} | {f"new-{key}": value for key, value in _registration().items()}
    response = nurse_client.post(reverse("triage:intake_new"), data)
    assert response.status_code == 200
    assert "This record number was just registered" in response.content.decode()
    assert not Patient.objects.filter(family_name=NAME).exists()
    _assert_no_identifiers(log_output.getvalue())
