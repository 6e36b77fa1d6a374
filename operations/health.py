"""`/health/` for the proxy and monitoring: database, migrations, cache, disk; no sign-in.

The answer names each check and says OK or what failed; it holds no patient data and no host
details. Each client address may ask HEALTH_CHECKS_PER_MINUTE times a minute, counted in the
shared cache so the limit holds across every app server (the proxy limits each client first).
"""

import asyncio
import dataclasses

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import DatabaseError, connections
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from health_check import Cache, Database, HealthCheck
from health_check.contrib.psutil import Disk
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView

from .migration_state import missing_migrations
from .replica import REPLICA, replica_configured

OK, TOO_MANY_REQUESTS, UNAVAILABLE = 200, 429, 503
TEXT = "text/plain; charset=utf-8"


@dataclasses.dataclass
class MigrationsApplied(HealthCheck):
    """Every migration in the code has been applied to the primary database."""

    alias: str = "default"

    def run(self):
        connection = connections[self.alias]
        try:
            missing = missing_migrations(connection)
        except DatabaseError as error:
            raise ServiceUnavailable("Migration state unreadable") from error
        finally:
            # The checks run in worker threads; their connections must not linger.
            connection.close()
        if missing:
            raise ServiceUnavailable(f"{len(missing)} migration(s) not applied")


def _checks():
    checks = [Database(), MigrationsApplied(), Cache(), Disk(path=settings.BASE_DIR)]
    if replica_configured():
        checks.insert(1, Database(alias=REPLICA))
    return checks


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


class HealthView(HealthCheckView):
    """django-health-check's checks, answered as text (or JSON) naming each check only."""

    def get_checks(self):
        return _checks()

    async def get(self, request, *args, **kwargs):
        if await sync_to_async(_over_limit)(request.META.get("REMOTE_ADDR", "")):
            response = HttpResponse(
                "Too many health checks; try again in a minute.\n",
                content_type=TEXT,
                status=TOO_MANY_REQUESTS,
            )
            response["Retry-After"] = "60"
            return response
        with self.get_executor() as executor:
            self.results = await asyncio.gather(
                *(check.get_result(executor) for check in self.get_checks())
            )
        states = {
            _label(result.check): "OK" if not result.error else str(result.error)
            for result in self.results
        }
        status = UNAVAILABLE if any(result.error for result in self.results) else OK
        if request.GET.get("format") == "json" or "json" in request.headers.get("Accept", ""):
            return JsonResponse(states, status=status)
        body = "".join(f"{name}: {state}\n" for name, state in states.items())
        return HttpResponse(body, content_type=TEXT, status=status)


def _label(check: HealthCheck) -> str:
    alias = getattr(check, "alias", "default")
    name = type(check).__name__
    return name if alias == "default" else f"{name} ({alias})"


health = login_not_required(HealthView.as_view())
