"""The recommendations engine: decision-table.md as pure Python, with no Django imports."""

from triage.guideline.facts import (
    HISTORY_KEYS,
    INTAKE_KEYS,
    PRESENTATION_KEYS,
    RED_FLAG_KEYS,
    REQUIRED_INTAKE_KEYS,
    REQUIRED_VISIT_KEYS,
    VISIT_KEYS,
    FactsError,
    IntakeFacts,
    VisitFacts,
)
from triage.guideline.plan import (
    ALL_CODES,
    CarePlan,
    Category,
    EpisodeStatus,
    FollowUpAssessment,
    FollowUpVisit,
    Indicator,
    Pathway,
    Recommendation,
)
from triage.guideline.questions import FACT_SPECS, VISIT_FACT_SPECS, FactSpec
from triage.guideline.rules import RULESET_VERSION, evaluate_follow_up, evaluate_intake

__all__ = [
    "ALL_CODES",
    "FACT_SPECS",
    "HISTORY_KEYS",
    "INTAKE_KEYS",
    "PRESENTATION_KEYS",
    "RED_FLAG_KEYS",
    "REQUIRED_INTAKE_KEYS",
    "REQUIRED_VISIT_KEYS",
    "RULESET_VERSION",
    "VISIT_FACT_SPECS",
    "VISIT_KEYS",
    "CarePlan",
    "Category",
    "EpisodeStatus",
    "FactSpec",
    "FactsError",
    "FollowUpAssessment",
    "FollowUpVisit",
    "Indicator",
    "IntakeFacts",
    "Pathway",
    "Recommendation",
    "VisitFacts",
    "evaluate_follow_up",
    "evaluate_intake",
]
