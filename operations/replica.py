"""Read replica: figures, reports and exports read from it; everything else uses the primary.

A page is sent to the replica by its URL name in `settings.REPLICA_VIEWS`, so the apps below
this one need not know that a replica exists. Only clinical tables are read there: sessions,
sign-in lockouts and users always come from the primary, where they were written a moment ago.
"""

from contextvars import ContextVar

from django.conf import settings
from django.db import connections

from .clinical import CLINICAL_APPS

REPLICA = "replica"

_reading_from_replica: ContextVar[bool] = ContextVar("reading_from_replica", default=False)


def replica_configured() -> bool:
    return REPLICA in connections.settings


class ReplicaRouter:
    """Clinical reads of a replica page go to the replica; all writes go to the primary."""

    def db_for_read(self, model, **hints):
        if (
            _reading_from_replica.get()
            and model._meta.app_label in CLINICAL_APPS
            and replica_configured()
        ):
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # The replica is a copy of the primary: rows from either relate.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # Replication copies the schema; migrations run on the primary only.
        return db == "default"


class ReplicaReadsMiddleware:
    """Mark the request as a replica reader when its view is listed in REPLICA_VIEWS."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _reading_from_replica.set(False)
        try:
            return self.get_response(request)
        finally:
            _reading_from_replica.reset(token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is not None and match.view_name in settings.REPLICA_VIEWS:
            _reading_from_replica.set(True)
