"""The CDS Hooks 2.0 endpoints: discovery, the services and their feedback.

They sit outside the staff sign-in: an EHR authenticates each call with its signed JWT
(`auth.py`). Every refusal is a JSON error with a 4xx status, logged without patient data.
"""

from __future__ import annotations

import datetime
import json
import logging
import uuid

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from . import schemas
from .auth import CdsAuthError, authenticate
from .hooks import SERVICES, HookCall
from .models import EhrClient
from .services import FeedbackItem, UnknownCardError, record_cards, record_feedback

logger = logging.getLogger(__name__)

DISCOVERY_PATH = "/cds-services"


class CdsHooksRequestError(Exception):
    """A request refused with a 4xx status; its message is safe to log and to return."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _refusal(request: HttpRequest, error: CdsHooksRequestError) -> JsonResponse:
    # The path names only the service; the message never quotes what the client sent.
    logger.warning(
        "CDS Hooks %s %s refused with %s (%s): %s",
        request.method,
        request.path,
        error.status,
        error.code,
        error.message,
    )
    response = JsonResponse({"error": error.code, "message": error.message}, status=error.status)
    if error.status == 401:
        response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    if error.status == 405:
        response["Allow"] = "GET" if request.path == DISCOVERY_PATH else "POST"
    return response


def base_url(request: HttpRequest) -> str:
    """The address EHRs call us at: configured, or the one this request came in on."""
    return settings.CDS_HOOKS_BASE_URL or f"{request.scheme}://{request.get_host()}"


def _require_method(request: HttpRequest, method: str) -> None:
    if request.method != method:
        raise CdsHooksRequestError(405, "method_not_allowed", f"use {method}")


def _client(request: HttpRequest, *paths: str) -> EhrClient:
    audiences = [base_url(request) + path for path in paths]
    try:
        return authenticate(authorization=request.headers.get("Authorization"), audiences=audiences)
    except CdsAuthError as error:
        raise CdsHooksRequestError(401, "unauthorized", str(error)) from None


def _json_body(request: HttpRequest, schema: str) -> dict:
    try:
        document = json.loads(request.body)
    except RequestDataTooBig:
        raise CdsHooksRequestError(413, "too_large", "the request body is too large") from None
    except (ValueError, RecursionError):
        raise CdsHooksRequestError(400, "malformed_json", "the body is not valid JSON") from None
    problem = schemas.first_error(schema, document)
    if problem is not None:
        raise CdsHooksRequestError(400, "invalid_request", problem)
    return document


def _service(service_id: str):
    service = SERVICES.get(service_id)
    if service is None:
        raise CdsHooksRequestError(404, "unknown_service", "no such CDS service")
    return service


def _answer(request: HttpRequest, handler, *args) -> JsonResponse:
    try:
        return handler(request, *args)
    except CdsHooksRequestError as error:
        return _refusal(request, error)


@csrf_exempt
@login_not_required
def discovery(request: HttpRequest) -> JsonResponse:
    """GET /cds-services: the services, their hooks and prefetch templates."""
    return _answer(request, _discovery)


def _discovery(request: HttpRequest) -> JsonResponse:
    _require_method(request, "GET")
    _client(request, DISCOVERY_PATH)
    return JsonResponse({"services": [service.discovery() for service in SERVICES.values()]})


@csrf_exempt
@login_not_required
def call_service(request: HttpRequest, service_id: str) -> JsonResponse:
    """POST /cds-services/{id}: the cards for one hook call."""
    return _answer(request, _call_service, service_id)


def _call_service(request: HttpRequest, service_id: str) -> JsonResponse:
    service = _service(service_id)
    _require_method(request, "POST")
    client = _client(request, f"{DISCOVERY_PATH}/{service.id}")
    body = _json_body(request, "request")
    if body["hook"] not in service.hooks:
        raise CdsHooksRequestError(
            400, "wrong_hook", f"{service.id} answers {' and '.join(service.hooks)} only"
        )
    call = HookCall(
        client=client,
        hook=body["hook"],
        context=body["context"],
        prefetch=body.get("prefetch"),
        base_url=base_url(request),
    )
    cards = service.answer(call)
    record_cards(
        client=client,
        service=service.id,
        hook=call.hook,
        cards=cards.records(),
        now=timezone.now(),
    )
    return JsonResponse(cards.response())


@csrf_exempt
@login_not_required
def feedback(request: HttpRequest, service_id: str) -> JsonResponse:
    """POST /cds-services/{id}/feedback: what the EHR's users did with our cards."""
    return _answer(request, _feedback, service_id)


def _timestamp(value: str) -> datetime.datetime:
    try:
        moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise CdsHooksRequestError(
            400, "invalid_request", "outcomeTimestamp must be an ISO 8601 time with its zone"
        )
    return moment


def _feedback_item(entry: dict) -> FeedbackItem:
    try:
        card = uuid.UUID(entry["card"])
    except ValueError:
        raise CdsHooksRequestError(400, "unknown_card", "a card id is not one we sent") from None
    override = entry.get("overrideReason") or {}
    reason = override.get("reason") or {}
    return FeedbackItem(
        card=card,
        outcome=entry["outcome"],
        outcome_at=_timestamp(entry["outcomeTimestamp"]),
        reason_system=reason.get("system", ""),
        reason_code=reason.get("code", ""),
        reason_display=reason.get("display", ""),
        user_comment=override.get("userComment", ""),
    )


def _feedback(request: HttpRequest, service_id: str) -> JsonResponse:
    service = _service(service_id)
    _require_method(request, "POST")
    endpoint = f"{DISCOVERY_PATH}/{service.id}"
    client = _client(request, endpoint, f"{endpoint}/feedback")
    body = _json_body(request, "feedback")
    items = [_feedback_item(entry) for entry in body["feedback"]]
    try:
        record_feedback(client=client, service=service.id, items=items)
    except UnknownCardError:
        raise CdsHooksRequestError(
            400, "unknown_card", "a card id is not one this service sent to this EHR"
        ) from None
    return JsonResponse({})


@csrf_exempt
@login_not_required
def not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Anything else under /cds-services: a JSON 404, like an unknown service."""
    return _refusal(request, CdsHooksRequestError(404, "not_found", "no such CDS Hooks endpoint"))
