"""The read replica: the outcomes page reads clinical tables there; everything else the primary."""

import pytest
from django.db import connections
from django.urls import reverse

from operations.replica import ReplicaRouter


@pytest.fixture
def reads(monkeypatch):
    """Configure a 'replica' alias (the test database itself) and record each read's alias."""
    monkeypatch.setitem(connections.settings, "replica", connections["default"].settings_dict)
    # The same connection object, so the replica sees the test's own rows.
    connections["replica"] = connections["default"]
    decisions = []
    route = ReplicaRouter.db_for_read

    def recorded(self, model, **hints):
        alias = route(self, model, **hints)
        decisions.append((model._meta.app_label, alias))
        return alias

    monkeypatch.setattr(ReplicaRouter, "db_for_read", recorded)
    yield decisions
    del connections["replica"]


def test_the_outcomes_page_reads_clinical_tables_from_the_replica(clinician_client, reads):
    response = clinician_client.get(reverse("triage:outcomes"))
    assert response.status_code == 200
    clinical = {alias for app, alias in reads if app in {"patients", "triage"}}
    assert clinical == {"replica"}
    # Sessions and users were written a moment ago: they come from the primary.
    assert {alias for app, alias in reads if app in {"sessions", "auth"}} == {"default"}


def test_the_worklist_reads_the_primary(nurse_client, reads):
    response = nurse_client.get(reverse("triage:home"))
    assert response.status_code == 200
    assert reads
    assert {alias for _, alias in reads} == {"default"}


def test_a_page_after_the_outcomes_page_reads_the_primary(clinician_client, reads):
    clinician_client.get(reverse("triage:outcomes"))
    reads.clear()
    clinician_client.get(reverse("patients:list"))
    assert {alias for _, alias in reads} == {"default"}


def test_without_a_replica_everything_reads_the_primary(clinician_client, monkeypatch):
    decisions = []
    route = ReplicaRouter.db_for_read

    def recorded(self, model, **hints):
        decisions.append(route(self, model, **hints))
        return decisions[-1]

    monkeypatch.setattr(ReplicaRouter, "db_for_read", recorded)
    assert clinician_client.get(reverse("triage:outcomes")).status_code == 200
    assert set(decisions) == {"default"}


def test_writes_and_migrations_stay_on_the_primary():
    router = ReplicaRouter()
    assert router.db_for_write(object) == "default"
    assert router.allow_migrate("default", "patients")
    assert not router.allow_migrate("replica", "patients")
