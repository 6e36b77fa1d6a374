"""/health/: open without sign-in, names each check, holds no patient data, rate-limited."""

import pytest
from django.core.cache import cache
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from tests.factories import PatientFactory

HEALTH = "/health/"


@pytest.fixture(autouse=True)
def _empty_cache(db):
    cache.clear()


def test_the_url_is_stable():
    assert reverse("operations:health") == HEALTH


def test_it_answers_without_sign_in(client):
    response = client.get(HEALTH)
    assert response.status_code == 200, response.content.decode()
    body = response.content.decode()
    for check in ("Database", "MigrationsApplied", "SharedCache", "Disk"):
        assert f"{check}: OK" in body
    assert response["Content-Type"].startswith("text/plain")


def test_it_answers_json_when_asked(client):
    response = client.get(HEALTH, {"format": "json"})
    assert response.status_code == 200
    assert response.json()["Database"] == "OK"


def test_it_shows_no_patient_data(client):
    patient = PatientFactory(given_name="Zebedee", family_name="Quartermaine")
    body = client.get(HEALTH).content.decode()
    for identifier in (patient.given_name, patient.family_name, patient.mrn):
        assert identifier not in body


def test_it_is_not_cached_by_browsers_or_proxies(client):
    response = client.get(HEALTH)
    assert "no-cache" in response["Cache-Control"]


def test_it_refuses_past_the_limit_per_minute(client, settings):
    settings.HEALTH_CHECKS_PER_MINUTE = 3
    statuses = [client.get(HEALTH).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get(HEALTH)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"


def test_the_limit_is_per_client_address(client, settings):
    settings.HEALTH_CHECKS_PER_MINUTE = 1
    assert client.get(HEALTH, REMOTE_ADDR="10.0.0.1").status_code == 200
    assert client.get(HEALTH, REMOTE_ADDR="10.0.0.1").status_code == 429
    assert client.get(HEALTH, REMOTE_ADDR="10.0.0.2").status_code == 200


def test_the_limit_is_counted_in_the_shared_cache(client, settings):
    # Every app server reads the same table: a count another server made is seen here.
    settings.HEALTH_CHECKS_PER_MINUTE = 5
    assert "DatabaseCache" in settings.CACHES["default"]["BACKEND"]
    client.get(HEALTH)
    [key] = [k for k in _cache_keys() if k.startswith(":1:health:")]
    cache.set(key.removeprefix(":1:"), 5, timeout=120)
    assert client.get(HEALTH).status_code == 429


def _cache_keys() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM upright_cache")
        return [row[0] for row in cursor.fetchall()]


def test_a_missing_migration_makes_it_unhealthy(client):
    # The test's transaction rolls the deletion back.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = 'operations'")
    response = client.get(HEALTH)
    body = response.content.decode()
    assert response.status_code == 503
    assert "MigrationsApplied: Unavailable: 1 migration(s) not applied" in body
    assert "Database: OK" in body
    assert "SharedCache: OK" in body


def test_it_answers_get_only(client):
    assert client.post(HEALTH).status_code == 405


def test_with_the_database_down_it_answers_503_naming_the_database(db):
    def refuse(execute, sql, params, many, context):
        raise OperationalError("connection refused")

    client = Client(raise_request_exception=False)
    with connection.execute_wrapper(refuse):
        response = client.get(HEALTH)

    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/plain")
    # At once: the rate limit's count found the database down, no check waits for it again.
    assert response.content.decode() == (
        "Database: Unavailable: database unreachable\n"
        "MigrationsApplied: Unavailable: database unreachable\n"
        "SharedCache: Unavailable: database unreachable\n"
        "Disk: OK\n"
    )
