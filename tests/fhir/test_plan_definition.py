"""PlanDefinition/upright-rules: the rule set from the engine's own code table, every version."""

import pytest
from django.urls import reverse

from fhir.mapping.plan_definition import current_plan_definition
from fhir.models import RuleSetVersion
from fhir.services import keep_current_rule_set
from triage.guideline import ALL_CODES, RULESET_VERSION
from triage.guideline.conditions import CODE_CONDITIONS
from triage.guideline.plan import CODE_INDICATOR

from .validation import validate

pytestmark = pytest.mark.django_db


def _get(client, query: str = ""):
    return client.get(reverse("fhir:plan_definition", args=["upright-rules"]) + query)


def test_every_engine_code_has_a_condition_in_words():
    assert list(CODE_CONDITIONS) == list(ALL_CODES), (
        "triage/guideline/conditions.py must say, for every code of the engine's code table, "
        "when it applies and its sources"
    )
    assert all(rule.condition and rule.sources for rule in CODE_CONDITIONS.values())


def test_it_is_an_eca_rule_at_the_engines_version(nurse_client):
    response = _get(nurse_client)
    assert response.status_code == 200
    plan = response.json()
    validate(plan)
    assert plan["type"]["coding"][0]["code"] == "eca-rule"
    assert plan["version"] == RULESET_VERSION
    assert [action["id"] for action in plan["action"]] == list(ALL_CODES)


def test_each_action_has_its_condition_indicator_and_sources(nurse_client):
    actions = {action["id"]: action for action in _get(nurse_client).json()["action"]}
    nsaid = actions["NSAID_WITHHELD"]
    assert nsaid["condition"][0]["expression"]["expression"] == (
        CODE_CONDITIONS["NSAID_WITHHELD"].condition
    )
    indicator = {ext["url"].rsplit("/", 1)[1]: ext["valueCode"] for ext in nsaid["extension"]}
    assert indicator["recommendation-indicator"] == str(CODE_INDICATOR["NSAID_WITHHELD"])
    assert {"type": "citation", "display": "FDA NSAID labels (boxed warning)"} in nsaid[
        "documentation"
    ]
    assert actions["URGENT_EVALUATION"]["priority"] == "urgent"


def test_the_current_version_is_kept_when_the_database_is_migrated():
    stored = RuleSetVersion.objects.get(version=RULESET_VERSION)
    assert stored.plan_definition == current_plan_definition()
    assert keep_current_rule_set() == stored


def test_an_older_version_stays_retrievable(nurse_client):
    old = {**current_plan_definition(), "version": "2026.10-1", "action": []}
    RuleSetVersion.objects.create(version="2026.10-1", plan_definition=old)
    response = _get(nurse_client, "?version=2026.10-1")
    assert response.status_code == 200
    assert response.json() == old
    assert _get(nurse_client, f"?version={RULESET_VERSION}").json()["version"] == RULESET_VERSION


def test_the_code_systems_validate(nurse_client):
    for slug in ("upright-observation", "upright-recommendation"):
        response = nurse_client.get(reverse("fhir:code_system", args=[slug]))
        assert response.status_code == 200
        validate(response.json())
    codes = nurse_client.get(reverse("fhir:code_system", args=["upright-recommendation"])).json()
    assert [concept["code"] for concept in codes["concept"]] == list(ALL_CODES)


def test_the_capability_statement_lists_what_is_offered(client):
    statement = client.get(reverse("fhir:metadata")).json()
    validate(statement)
    offered = {resource["type"] for resource in statement["rest"][0]["resource"]}
    assert offered == {"Patient", "AuditEvent", "Questionnaire", "PlanDefinition", "CodeSystem"}
