"""`/health/` for the proxy and monitoring: database, migrations, cache, disk; no sign-in.

The checks are django-health-check's (database, disk) and two of ours (migrations applied, the
shared cache). The answer names each check and says OK or what failed; it holds no patient
data and no host details. Each client address may ask HEALTH_CHECKS_PER_MINUTE times a minute,
counted in the shared cache so the limit holds across every app server (the proxy limits each
client first).
"""

import dataclasses
import logging
import uuid

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import DatabaseError, connections
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET
from health_check import Database, HealthCheck
from health_check.contrib.psutil import Disk
from health_check.exceptions import HealthCheckException, ServiceUnavailable

from .migration_state import missing_migrations
from .replica import REPLICA, replica_configured

OK, TOO_MANY_REQUESTS, UNAVAILABLE = 200, 429, 503
TEXT = "text/plain; charset=utf-8"

logger = logging.getLogger(__name__)


@dataclasses.dataclass
class MigrationsApplied(HealthCheck):
    """Every migration in the code has been applied to the primary database."""

    alias: str = "default"

    def run(self):
        try:
            missing = missing_migrations(connections[self.alias])
        except DatabaseError as error:
            raise ServiceUnavailable("Migration state unreadable") from error
        if missing:
            raise ServiceUnavailable(f"{len(missing)} migration(s) not applied")


@dataclasses.dataclass
class SharedCache(HealthCheck):
    """The cache every app server shares takes a value and gives it back."""

    def run(self):
        key, value = f"health:probe:{uuid.uuid4().hex}", uuid.uuid4().hex
        try:
            cache.set(key, value, timeout=5)
            stored = cache.get(key)
            cache.delete(key)
        except DatabaseError as error:
            raise ServiceUnavailable("Cache unreachable") from error
        if stored != value:
            raise ServiceUnavailable("Cache did not keep a value")


def _checks() -> list[HealthCheck]:
    checks = [Database(), MigrationsApplied(), SharedCache(), Disk(path=settings.BASE_DIR)]
    if replica_configured():
        checks.insert(1, Database(alias=REPLICA))
    return checks


PRIMARY_DOWN = "Unavailable: database unreachable"


def _needs_primary(check: HealthCheck) -> bool:
    """The checks that read or write the primary database (the shared cache lives there)."""
    return getattr(check, "alias", "default") == "default" and not isinstance(check, Disk)


def _label(check: HealthCheck) -> str:
    alias = getattr(check, "alias", "default")
    name = type(check).__name__
    return name if alias == "default" else f"{name} ({alias})"


def _state(check: HealthCheck) -> str:
    """'OK', or what failed. Each check runs in this request's thread, one after another."""
    try:
        check.run()
    except HealthCheckException as error:
        return str(error)
    except Exception:  # a health check answers whatever breaks, and logs it
        logger.exception("Health check %s failed unexpectedly", _label(check))
        return "unknown error"
    return "OK"


def _over_limit(client: str) -> bool:
    """Count this minute's requests from one address in the shared cache."""
    key = f"health:{client}:{timezone.now():%Y%m%d%H%M}"
    if cache.add(key, 1, timeout=120):
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        return False
    return count > settings.HEALTH_CHECKS_PER_MINUTE


@login_not_required
@require_GET
def health(request):
    try:
        limited, primary_down = _over_limit(request.META.get("REMOTE_ADDR", "")), False
    except DatabaseError:
        # The shared cache lives in the primary database, so that is down: say so at once
        # instead of waiting for it again in every check (nothing is counted; the proxy still
        # limits each client).
        logger.warning("Health check: the primary database is unreachable")
        limited, primary_down = False, True
    if limited:
        response = HttpResponse(
            "Too many health checks; try again in a minute.\n",
            content_type=TEXT,
            status=TOO_MANY_REQUESTS,
        )
        response["Retry-After"] = "60"
        return response
    states = {
        _label(check): PRIMARY_DOWN if primary_down and _needs_primary(check) else _state(check)
        for check in _checks()
    }
    status = OK if all(state == "OK" for state in states.values()) else UNAVAILABLE
    if request.GET.get("format") == "json" or "json" in request.headers.get("Accept", ""):
        response = JsonResponse(states, status=status)
    else:
        body = "".join(f"{name}: {state}\n" for name, state in states.items())
        response = HttpResponse(body, content_type=TEXT, status=status)
    add_never_cache_headers(response)
    return response
