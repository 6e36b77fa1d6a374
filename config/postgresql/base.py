"""Django's PostgreSQL backend, whose connection pool checks a connection without a round trip
before it lends it to a request (ENGINE "config.postgresql", set in settings when the pool is on).

psycopg_pool's own check (``ConnectionPool.check_connection``, which Django gives the pool when
CONN_HEALTH_CHECKS is on) sends an empty query and waits for the answer: a round trip to the
server before every request's first query, even when the connection was returned a moment ago
(0.1-0.25 ms of a signed-in request's 1-1.5 ms, measured in-process).

A pooled connection is idle between requests: the app has read every answer to what it sent, so
the server has nothing more to say on it. When the server ends the connection (a restart, an
administrator's ``pg_terminate_backend``, an idle timeout), it sends an error and closes the
socket, and the socket becomes readable. So `check_idle_connection` asks the operating system,
without a round trip, whether the socket has anything to read. Only then does it make
psycopg_pool's full check, which raises on a connection the server ended; the pool then discards
it and lends another, or opens a new one.

What a socket cannot tell (a network path that died without a word from the server) the full
check could not tell quickly either: both wait for TCP to give up. Nor can it tell a connection
the server is ending at that very moment, signalled but its goodbye not yet written (usually
well under a millisecond; longer on a loaded machine): the request that gets it fails, as one
would whose connection the server ended just after a round-trip check. Requests after it get a
good connection.

Django offers no setting for the pool's check (it passes its own, or none), so this backend
builds the pool as Django does, with this check; everything else is Django's backend.
"""

import select

import psycopg
from django.core.exceptions import ImproperlyConfigured
from django.db.backends.base.base import NO_DB_ALIAS
from django.db.backends.postgresql import base
from psycopg_pool import ConnectionPool


def _has_something_to_read(fileno: int) -> bool:
    if hasattr(select, "poll"):
        poller = select.poll()
        poller.register(fileno, select.POLLIN | select.POLLPRI)
        return bool(poller.poll(0))
    readable, _, _ = select.select([fileno], [], [], 0)
    return bool(readable)


def check_idle_connection(conn: psycopg.Connection) -> None:
    """Return quietly if the pooled connection can serve a request, otherwise raise."""
    if conn.closed or conn.broken:
        raise psycopg.OperationalError("the connection is closed")
    try:
        spoke = _has_something_to_read(conn.fileno())
    except (OSError, ValueError, psycopg.Error):
        spoke = True  # cannot tell: ask the server
    if spoke:
        ConnectionPool.check_connection(conn)


class DatabaseWrapper(base.DatabaseWrapper):
    @property
    def pool(self):
        options = self.settings_dict["OPTIONS"].get("pool")
        if options and self.alias != NO_DB_ALIAS and self.alias not in self._connection_pools:
            if self.settings_dict.get("CONN_MAX_AGE", 0) != 0:
                raise ImproperlyConfigured("Pooling doesn't support persistent connections.")
            # As Django's own backend builds it, with the app's check instead of Django's.
            kwargs = self.get_connection_params()
            kwargs["autocommit"] = True  # Django sets the connection's own mode later
            pool = ConnectionPool(
                kwargs=kwargs,
                open=False,
                configure=self._configure_connection,
                check=check_idle_connection,
                **({} if options is True else options),
            )
            # setdefault: of two threads building a pool at start-up, the first one's is kept
            # (neither is open yet).
            self._connection_pools.setdefault(self.alias, pool)
        return super().pool
