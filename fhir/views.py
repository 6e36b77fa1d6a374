"""The read-only FHIR R4 API under /fhir/: each view reads, maps and answers JSON."""

from __future__ import annotations

import datetime
import functools

from django.urls import reverse
from django.utils import timezone

from patients.models import Patient
from patients.services import record_chart_access
from triage.intake.answers import STEP_FORMS
from triage.intake.steps import STEPS

from . import selectors
from .auth import fhir_view
from .mapping.audit_event import audit_event_resource
from .mapping.bundle import patient_resources, searchset
from .mapping.capability import capability_statement
from .mapping.code_systems import CODE_SYSTEMS
from .mapping.common import mrn_system
from .mapping.patient import patient_resource
from .mapping.plan_definition import PLAN_DEFINITION_ID
from .mapping.questionnaire import QUESTIONNAIRE_ID, intake_questionnaire
from .responses import BadParameterError, NotFoundError, fhir_response

# Everything a patient's record shows; the same permissions the chart and care-plan pages need.
PATIENT_RECORD = (
    "patients.view_patient",
    "triage.view_encounter",
    "triage.view_careplan",
    "triage.view_recommendation",
    "triage.view_followup",
    "triage.view_visitrecord",
    "triage.view_escalation",
    "triage.view_intakedraft",
)
FORMAT_VALUES = {"json", "application/json", "application/fhir+json"}


def _check_parameters(request, *, allowed: tuple[str, ...] = ()) -> None:
    unknown = sorted(set(request.GET) - {"_format", *allowed})
    if unknown:
        raise BadParameterError(f"Unsupported parameter: {', '.join(unknown)}.")
    if "_format" in request.GET and request.GET["_format"] not in FORMAT_VALUES:
        raise BadParameterError("Only JSON is offered (_format=json).")


def _base_url(request) -> str:
    return request.build_absolute_uri(reverse("fhir:metadata")).rsplit("/", 1)[0]


def _patient(resource_id: str) -> Patient:
    if not resource_id.isdigit():
        raise NotFoundError(f"Patient/{resource_id} is not known.")
    patient = Patient.objects.filter(pk=int(resource_id)).first()
    if patient is None:
        raise NotFoundError(f"Patient/{resource_id} is not known.")
    return patient


def _questionnaire() -> dict:
    return _questionnaire_on(timezone.localdate())


@functools.lru_cache(maxsize=2)
def _questionnaire_on(today: datetime.date) -> dict:
    """The intake Questionnaire, built once a day per process from the step forms (it changes
    only with the code and the date limits; $everything maps every response through it)."""
    return intake_questionnaire(STEPS, STEP_FORMS, today=today)


@fhir_view(public=True)
def metadata(request):
    _check_parameters(request)
    return fhir_response(capability_statement(base_url=_base_url(request), now=timezone.now()))


@fhir_view(permissions=("patients.view_patient",))
def patient_read(request, resource_id: str):
    _check_parameters(request)
    patient = _patient(resource_id)
    record_chart_access(user=request.user, patient=patient, page="FHIR patient")
    return fhir_response(patient_resource(patient))


@fhir_view(permissions=("patients.view_patient",))
def patient_search(request):
    _check_parameters(request, allowed=("identifier",))
    raw = request.GET.get("identifier", "").strip()
    if not raw:
        raise BadParameterError(
            "Search patients by identifier: Patient?identifier=<record number>."
        )
    system, _, value = raw.rpartition("|")
    if not value or (system and system != mrn_system()):
        raise BadParameterError(f"Give a record number, optionally as {mrn_system()}|<number>.")
    patient = selectors.patient_by_identifier(value)
    found = []
    if patient is not None:
        record_chart_access(user=request.user, patient=patient, page="FHIR search")
        found = [patient_resource(patient)]
    return fhir_response(searchset(found, base_url=_base_url(request), now=timezone.now()))


@fhir_view(permissions=PATIENT_RECORD, methods=("GET", "POST"))
def patient_everything(request, resource_id: str):
    """Everything about one patient; POST (the chart's button) downloads it as a file."""
    _check_parameters(request)
    patient = _patient(resource_id)
    record_chart_access(user=request.user, patient=patient, page="FHIR everything")
    records = selectors.patient_records(patient)
    bundle = searchset(
        patient_resources(records, _questionnaire()),
        base_url=_base_url(request),
        now=timezone.now(),
    )
    response = fhir_response(bundle)
    if request.method == "POST":
        # The file name carries the internal id only: record numbers stay out of file names.
        response["Content-Disposition"] = f'attachment; filename="patient-{patient.pk}.fhir.json"'
    return response


@fhir_view(permissions=("patients.view_chartaccess",))
def audit_event_search(request):
    """Who read a patient's record, newest first: administrators only, as in the admin."""
    _check_parameters(request, allowed=("patient",))
    raw = request.GET.get("patient", "").strip().removeprefix("Patient/")
    if not raw.isdigit():
        raise BadParameterError("Search audit events by patient: AuditEvent?patient=<id>.")
    patient = _patient(raw)
    events = [audit_event_resource(access) for access in selectors.chart_accesses(patient.pk)]
    return fhir_response(searchset(events, base_url=_base_url(request), now=timezone.now()))


@fhir_view()
def questionnaire_read(request, resource_id: str):
    _check_parameters(request)
    if resource_id != QUESTIONNAIRE_ID:
        raise NotFoundError(f"Questionnaire/{resource_id} is not known.")
    return fhir_response(_questionnaire())


@fhir_view()
def plan_definition_read(request, resource_id: str):
    _check_parameters(request, allowed=("version",))
    if resource_id != PLAN_DEFINITION_ID:
        raise NotFoundError(f"PlanDefinition/{resource_id} is not known.")
    version = request.GET.get("version")
    if version is not None and not version.strip():
        raise BadParameterError("Give a rule-set version, e.g. ?version=2026.11-1.")
    plan_definition = selectors.plan_definition(version)
    if plan_definition is None:
        raise NotFoundError(f"Rule-set version {version} was never published here.")
    return fhir_response(plan_definition)


@fhir_view()
def code_system_read(request, resource_id: str):
    _check_parameters(request)
    if resource_id not in CODE_SYSTEMS:
        raise NotFoundError(f"CodeSystem/{resource_id} is not known.")
    return fhir_response(CODE_SYSTEMS[resource_id]())


@fhir_view()
def unknown(request, rest: str = ""):
    raise NotFoundError("No such resource type or operation; see /fhir/metadata.")
