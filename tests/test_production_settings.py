"""Settings a production process gets: database server settings for web requests, and the
benchmark views that exist only on a loopback-only benchmark server."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.http import Http404
from django.test import RequestFactory

from config import benchmark

ROOT = Path(__file__).resolve().parent.parent


def _run(code: str, **env) -> subprocess.CompletedProcess:
    """Run Python in a fresh process with the project's settings and extra environment."""
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        check=False,
    )


SHOW_SETTINGS = """
import config.wsgi
from django.db import connection
with connection.cursor() as cursor:
    for name in ("jit", "statement_timeout", "max_parallel_workers_per_gather", "enable_memoize"):
        cursor.execute(f"SHOW {name}")
        print(name, cursor.fetchone()[0])
"""


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL server settings")
def test_web_process_connections_have_no_jit_a_statement_timeout_no_parallel_plans_or_memoize():
    database = connection.settings_dict["NAME"]
    url = f"postgres://postgres@127.0.0.1:5432/{database}"
    result = _run(SHOW_SETTINGS, DATABASE_URL=url, DATABASE_STATEMENT_TIMEOUT_MS="1234")
    assert result.returncode == 0, result.stderr
    assert "jit off" in result.stdout
    assert "statement_timeout 1234ms" in result.stdout
    assert "max_parallel_workers_per_gather 0" in result.stdout
    assert "enable_memoize off" in result.stdout


def test_benchmark_views_refuse_a_server_that_answers_to_other_hosts():
    result = _run(
        "import django; django.setup()",
        UPRIGHT_BENCHMARK="1",
        DJANGO_ALLOWED_HOSTS="upright.clinic.example",
    )
    assert result.returncode != 0
    assert "UPRIGHT_BENCHMARK is for benchmarks on this machine only" in result.stderr


def test_benchmark_urls_do_not_exist_without_the_setting(nurse_client):
    assert nurse_client.get("/bench/hello/").status_code == 404


def test_hello_answers_only_when_the_setting_is_on(settings, rf: RequestFactory):
    settings.UPRIGHT_BENCHMARK = True
    assert benchmark.hello(rf.get("/bench/hello/")).content == b"hello"
    settings.UPRIGHT_BENCHMARK = False
    with pytest.raises(Http404):
        benchmark.hello(rf.get("/bench/hello/"))


@pytest.mark.django_db
def test_timing_header_reports_server_time_and_queries(rf: RequestFactory):
    def view(request):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.execute("SELECT 2")
        return benchmark.HttpResponse("ok")

    response = benchmark.server_timing(view)(rf.get("/"))
    assert response["X-Query-Count"] == "2"
    assert response["Server-Timing"].startswith("app;dur=")


def test_the_pool_checks_each_connection_and_soon_leaves_reconnecting_to_requests():
    # The pool's check is the app's (config/postgresql/base.py), which makes a round trip only
    # when the server has said something on the connection.
    code = (
        "import config.settings as s; d = s.DATABASES['default']; "
        "print(d['ENGINE'], d['OPTIONS']['pool']['reconnect_timeout'])"
    )
    result = _run(code, DATABASE_URL="postgres://postgres@127.0.0.1:5432/any")
    assert result.returncode == 0, result.stderr
    # Retrying a lost connection in the background stops after 5 s: then the next request
    # makes the pool try again at once (the production smoke test restarts the database).
    assert result.stdout.split() == ["config.postgresql", "5"]


def test_without_the_pool_django_s_own_backend_checks_persistent_connections():
    code = (
        "import config.settings as s; d = s.DATABASES['default']; "
        "print(d['ENGINE'], d['CONN_HEALTH_CHECKS'], 'pool' in d['OPTIONS'])"
    )
    result = _run(code, DATABASE_URL="postgres://postgres@127.0.0.1:5432/any", DATABASE_POOL="0")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "True", "False"]


# Two requests on one pooled connection, and between them the server ends that connection (as a
# database restart does): the second request must not see it.
REQUEST_AFTER_A_LOST_CONNECTION = """
import config.wsgi
import psycopg
from django.db import close_old_connections, connection

def request():
    close_old_connections()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    close_old_connections()
    connection.close()  # back to the pool, as at the end of every request
    return pid

first = request()
with psycopg.connect(connection.settings_dict["OPTIONS"].get("dsn") or DSN) as admin:
    # With a timeout it returns once the backend has gone (without one, as soon as it is
    # signalled: the next request could come before the server has closed the connection).
    admin.execute("SELECT pg_terminate_backend(%s, 10000)", [first])
print("second request on", "another connection" if request() != first else "the same")
connection.close_pool()  # its connections end with the process, before the test database
"""


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's connection pool")
def test_a_request_after_the_server_ended_its_pooled_connection_gets_a_new_one():
    url = f"postgres://postgres@127.0.0.1:5432/{connection.settings_dict['NAME']}"
    code = f"DSN = {url!r}\n" + REQUEST_AFTER_A_LOST_CONNECTION
    result = _run(code, DATABASE_URL=url, DATABASE_POOL_MAX_SIZE="1")
    assert result.returncode == 0, result.stderr
    assert "second request on another connection" in result.stdout
