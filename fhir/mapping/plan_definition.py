"""The rule set as a PlanDefinition (type eca-rule), built from the engine's own code table."""

from __future__ import annotations

from triage.guideline import ALL_CODES, RULESET_VERSION
from triage.guideline.conditions import CODE_CONDITIONS
from triage.guideline.plan import CODE_CATEGORY, CODE_INDICATOR

from .common import canonical, coding, recommendation_codes

PLAN_DEFINITION_ID = "upright-rules"
PLAN_DEFINITION_TYPE = "http://terminology.hl7.org/CodeSystem/plan-definition-type"
INDICATOR_EXTENSION = "StructureDefinition/recommendation-indicator"
CATEGORY_EXTENSION = "StructureDefinition/recommendation-category"
# CDS Hooks indicators as FHIR request priorities, so a reader without the extension still sees
# which actions are urgent.
INDICATOR_PRIORITY = {"critical": "urgent", "warning": "routine", "info": "routine"}


def plan_definition_url() -> str:
    return canonical(f"PlanDefinition/{PLAN_DEFINITION_ID}")


def code_title(code: str) -> str:
    """NSAID_WITHHELD -> 'NSAID withheld' (the code itself stays the identifier)."""
    words = code.lower().replace("_", " ").replace("nsaid", "NSAID")
    return words[0].upper() + words[1:]


def _action(code: str) -> dict:
    rule = CODE_CONDITIONS[code]
    indicator = str(CODE_INDICATOR[code])
    return {
        "id": code,
        "title": code_title(code),
        "description": rule.condition,
        "code": [{"coding": [coding(recommendation_codes(), code, code_title(code))]}],
        "priority": INDICATOR_PRIORITY[indicator],
        "extension": [
            {"url": canonical(INDICATOR_EXTENSION), "valueCode": indicator},
            {"url": canonical(CATEGORY_EXTENSION), "valueCode": str(CODE_CATEGORY[code])},
        ],
        "documentation": [{"type": "citation", "display": source} for source in rule.sources],
        "condition": [
            {
                "kind": "applicability",
                "expression": {
                    "language": "text/plain",
                    "description": rule.condition,
                    "expression": rule.condition,
                },
            }
        ],
    }


def current_plan_definition() -> dict:
    """The PlanDefinition of the rule set the engine runs now."""
    sources = dict.fromkeys(
        source for code in ALL_CODES for source in CODE_CONDITIONS[code].sources
    )
    return {
        "resourceType": "PlanDefinition",
        "id": PLAN_DEFINITION_ID,
        "url": plan_definition_url(),
        "version": RULESET_VERSION,
        "name": "UprightRules",
        "title": "Upright rules: acute neck and upper-back pain with muscle spasm",
        "type": {"coding": [coding(PLAN_DEFINITION_TYPE, "eca-rule", "ECA Rule")]},
        "status": "active",
        "experimental": False,
        "publisher": "Upright",
        "description": (
            "The recommendations engine's decision table: one action per recommendation code, "
            "with when it applies and the documents behind it. Decision support for a licensed "
            "clinician; it neither diagnoses nor orders."
        ),
        "relatedArtifact": [{"type": "citation", "display": source} for source in sources],
        "action": [_action(code) for code in ALL_CODES],
    }
