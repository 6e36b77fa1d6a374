"""CapabilityStatement: exactly what this server offers, and nothing more."""

from __future__ import annotations

from .common import instant
from .plan_definition import PLAN_DEFINITION_ID
from .questionnaire import QUESTIONNAIRE_ID

# The resources are written to FHIR R4 (4.0.1); the tests check them with the R4B models of
# fhir.resources, which agree with R4 for every resource type served here.
FHIR_VERSION = "4.0.1"


def _read(resource_type: str, documentation: str, **more) -> dict:
    return {
        "type": resource_type,
        "interaction": [{"code": "read"}],
        "documentation": documentation,
        **more,
    }


def capability_statement(*, base_url: str, now) -> dict:
    return {
        "resourceType": "CapabilityStatement",
        "id": "upright",
        "name": "UprightFhirServer",
        "title": "Upright FHIR API (read-only)",
        "status": "active",
        "date": instant(now),
        "publisher": "Upright",
        "kind": "instance",
        "software": {"name": "Upright"},
        "implementation": {"description": "Upright read-only FHIR API", "url": base_url},
        "fhirVersion": FHIR_VERSION,
        "format": ["application/fhir+json", "json"],
        "rest": [
            {
                "mode": "server",
                "documentation": (
                    "Read-only. Authenticate with the staff session or an API token an "
                    "administrator issues ('Authorization: Bearer <token>'). Every read of a "
                    "patient's data is logged as a chart access."
                ),
                "security": {
                    "description": "Bearer API token per user, or the staff sign-in session."
                },
                "resource": [
                    _read(
                        "Patient",
                        "Read by id, search by record number, and $everything.",
                        searchParam=[
                            {
                                "name": "identifier",
                                "type": "token",
                                "documentation": "The record number (system|value or value).",
                            }
                        ],
                        operation=[
                            {
                                "name": "everything",
                                "definition": (
                                    "http://hl7.org/fhir/OperationDefinition/Patient-everything"
                                ),
                            }
                        ],
                        interaction=[{"code": "read"}, {"code": "search-type"}],
                    ),
                    {
                        "type": "AuditEvent",
                        "interaction": [{"code": "search-type"}],
                        "searchParam": [{"name": "patient", "type": "reference"}],
                        "documentation": (
                            "Who read a patient's record, newest 100 first (administrators)."
                        ),
                    },
                    _read("Questionnaire", f"Only '{QUESTIONNAIRE_ID}': the intake."),
                    _read(
                        "PlanDefinition",
                        f"Only '{PLAN_DEFINITION_ID}': the rule set; ?version= for any "
                        "version ever published here.",
                    ),
                    _read(
                        "CodeSystem",
                        "'upright-observation' and 'upright-recommendation': local codes.",
                    ),
                ],
            }
        ],
    }
