"""FHIR JSON responses, and OperationOutcome for every error (never an HTML page)."""

from __future__ import annotations

from django.http import JsonResponse

FHIR_JSON = "application/fhir+json"


class FhirError(Exception):
    """An error answered as an OperationOutcome with this status and FHIR issue code."""

    status = 400
    code = "invalid"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadParameterError(FhirError):
    status, code = 400, "invalid"


class NotAuthenticatedError(FhirError):
    status, code = 401, "login"


class ForbiddenError(FhirError):
    status, code = 403, "forbidden"


class NotFoundError(FhirError):
    status, code = 404, "not-found"


class MethodNotAllowedError(FhirError):
    status, code = 405, "not-supported"


def fhir_response(resource: dict, *, status: int = 200) -> JsonResponse:
    response = JsonResponse(resource, status=status, content_type=FHIR_JSON)
    # Patient data must not linger in shared caches or a browser's back button.
    response["Cache-Control"] = "no-store"
    return response


def operation_outcome(*, status: int, code: str, message: str) -> JsonResponse:
    outcome = {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": code, "diagnostics": message}],
    }
    response = fhir_response(outcome, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="upright-fhir"'
    return response


def error_response(error: FhirError) -> JsonResponse:
    return operation_outcome(status=error.status, code=error.code, message=error.message)
