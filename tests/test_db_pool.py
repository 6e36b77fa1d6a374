"""The pool's check before it lends a connection: no round trip on a connection the server has
said nothing on; psycopg_pool's full check, which fails, on one the server has ended."""

import select

import psycopg
import pytest
from django.db import connection, connections
from psycopg_pool import ConnectionPool

from config.postgresql.base import check_idle_connection

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's connection pool"),
    pytest.mark.django_db,
]


def _connect() -> psycopg.Connection:
    settings = connection.settings_dict
    params = {"dbname": settings["NAME"], "user": settings["USER"], "host": settings["HOST"]}
    return psycopg.connect(**params, port=settings["PORT"] or 5432, autocommit=True)


@pytest.fixture
def idle():
    """A connection to the test database with every answer read, as the pool holds one."""
    with _connect() as conn:
        conn.execute("SELECT 1").fetchall()
        yield conn


@pytest.fixture
def full_checks(monkeypatch):
    """Count psycopg_pool's round-trip checks, still making them."""
    made = []
    real = ConnectionPool.check_connection

    def counted(conn):
        made.append(conn)
        real(conn)

    monkeypatch.setattr(ConnectionPool, "check_connection", staticmethod(counted))
    return made


def test_a_connection_the_server_has_not_spoken_on_is_lent_without_a_round_trip(idle, full_checks):
    for _ in range(3):
        check_idle_connection(idle)
    assert full_checks == []
    assert idle.execute("SELECT 1").fetchone() == (1,)  # and it works


def test_a_connection_the_server_ended_fails_the_check(idle, full_checks):
    pid = idle.info.backend_pid
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        # The server has ended it once it no longer lists the backend.
        for _ in range(200):
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
            if cursor.fetchone()[0] == 0:
                break
    with pytest.raises(psycopg.OperationalError):
        check_idle_connection(idle)
    assert full_checks == [idle]  # the socket had the server's goodbye: asked, and it failed


def test_a_connection_with_an_unread_message_gets_the_full_check(idle, full_checks):
    # Anything unread on the socket (here a notification) sends the check to the server, which
    # answers on a live connection.
    idle.execute("LISTEN upright_pool_check")
    with _connect() as other:
        other.execute("NOTIFY upright_pool_check")
    for _ in range(200):
        if _readable(idle):
            break
    else:
        pytest.fail("the notification never arrived")
    check_idle_connection(idle)
    assert full_checks == [idle]


def test_a_closed_connection_fails_the_check_at_once(idle, full_checks):
    idle.close()
    with pytest.raises(psycopg.OperationalError):
        check_idle_connection(idle)
    assert full_checks == []


def _readable(conn) -> bool:
    return bool(select.select([conn.fileno()], [], [], 0.05)[0])


@pytest.fixture
def default():
    """The default database's wrapper, when the tests run with the pool."""
    default = connections["default"]
    if not default.settings_dict["OPTIONS"].get("pool"):
        pytest.skip("the tests run without the pool (DATABASE_POOL=0)")
    return default


def test_the_app_s_pool_lends_through_this_check(default, full_checks):
    # A pool built by the app's backend, as a worker's: requests borrow a connection and give it
    # back, with no round-trip check in between (Django's own pool would make one each time).
    assert type(default).__module__ == "config.postgresql.base"
    worker = type(default)({**default.settings_dict}, alias="pool_check_test")
    try:
        for _ in range(3):
            with worker.cursor() as cursor:
                cursor.execute("SELECT 1")
                assert cursor.fetchone() == (1,)
            worker.close()  # back to the pool, as at the end of every request
    finally:
        worker.close_pool()
    assert full_checks == []


PUBLIC_POOL_SETTINGS = (
    "conninfo",
    "kwargs",
    "connection_class",
    "min_size",
    "max_size",
    "timeout",
    "max_waiting",
    "reconnect_timeout",
    "max_lifetime",
    "max_idle",
    "num_workers",
)


def test_the_app_s_pool_is_built_as_django_builds_its_own(default):
    # config.postgresql builds the pool itself (to give it the check): with everything else it
    # must agree with Django's own backend, also after an upgrade of Django.
    from django.db.backends.postgresql.base import DatabaseWrapper as DjangoWrapper

    ours = type(default)({**default.settings_dict}, alias="pool_build_ours")
    django_s = DjangoWrapper({**default.settings_dict}, alias="pool_build_django")
    try:
        for name in PUBLIC_POOL_SETTINGS:
            assert getattr(ours.pool, name) == getattr(django_s.pool, name), name
    finally:
        ours.close_pool()
        django_s.close_pool()
