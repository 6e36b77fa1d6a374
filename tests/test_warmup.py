"""What a web process builds when it starts (config/warmup.py, run by config/wsgi.py).

Each gunicorn worker loads config/wsgi.py before it takes a request, so loading it must leave
in place everything a first request would build. It must also open no database connection, pool
or thread: the module must stay safe to load in a process that forks afterwards (gunicorn's
preload_app), whose children would share the connection or lose the pool's threads.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent

LOAD_THE_APP = """
import sys, threading
import config.wsgi
from django.db import connections
from django.template import engines
from django.urls import get_resolver

opened = [alias for alias in connections if connections[alias].connection is not None]
pools = getattr(type(connections["default"]), "_connection_pools", {})
print("connections", len(opened))
print("pools", len(pools))
print("threads", threading.active_count())
views = ("triage.intake.views", "triage.followup.views", "fhir.views", "cdshooks.views")
print("view_modules", all(name in sys.modules for name in views))
print("reverse_index", bool(get_resolver()._reverse_dict))
cached = set()
for loader in engines["django"].engine.template_loaders:
    cached |= {key for key in getattr(loader, "get_template_cache", {})}
print("templates", " ".join(sorted(cached)))
"""


def _load_the_app(**env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", LOAD_THE_APP],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "warm-up-test-key",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            **env,
        },
        capture_output=True,
        text=True,
        check=False,
    )


def _lines(result: subprocess.CompletedProcess) -> dict[str, str]:
    assert result.returncode == 0, result.stderr
    return dict(line.partition(" ")[::2] for line in result.stdout.splitlines())


def _own_templates() -> set[str]:
    root = ROOT / "templates"
    return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}


def test_loading_the_app_builds_the_url_map_and_compiles_every_template():
    lines = _lines(_load_the_app())
    assert lines["view_modules"] == "True"
    assert lines["reverse_index"] == "True"
    cached = set(lines["templates"].split())
    # Every one of the project's templates, each compiled (none skipped as broken) ...
    assert _own_templates() <= cached
    # ... and those of the installed apps a page renders: the admin's and crispy-forms'.
    assert {"admin/change_list.html", "bootstrap5/field.html"} <= cached


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's connection pool")
def test_loading_the_app_opens_no_connection_pool_or_thread_the_workers_would_share():
    url = f"postgres://postgres@127.0.0.1:5432/{connection.settings_dict['NAME']}"
    lines = _lines(_load_the_app(DATABASE_URL=url, DATABASE_POOL="1"))
    assert lines["connections"] == "0"
    assert lines["pools"] == "0"
    assert lines["threads"] == "1"


def test_loading_the_app_with_sqlite_opens_no_connection(tmp_path):
    database = tmp_path / "warm-up.sqlite3"
    lines = _lines(_load_the_app(DATABASE_URL=f"sqlite:///{database}"))
    assert lines["connections"] == "0"
    assert not database.exists()  # connecting would have created it
