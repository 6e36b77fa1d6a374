"""The engine's codes: all produced by the table cases, each with the table's indicator."""

from tests.triage.guideline.cases import FOLLOW_UP_CASES, INTAKE_CASES
from triage.guideline import ALL_CODES, Category, Indicator, evaluate_follow_up, evaluate_intake

# Indicators as decision-table.md gives them; REASSESS and PERSISTENT_COURSE are not given one
# there and are warnings because they ask for a clinician's attention.
TABLE_INDICATORS = {
    "EMERGENCY_REFERRAL": "critical",
    "URGENT_EVALUATION": "critical",
    "INFECTION_WORKUP": "critical",
    "NO_ROUTINE_IMAGING": "info",
    "EXERCISE_THERAPY": "info",
    "SPINAL_MANIPULATION": "info",
    "THORACIC_MANIPULATION": "info",
    "POSTURE_ERGONOMICS": "info",
    "AVOID_BED_REST": "warning",
    "AVOID_SYSTEMIC_CORTICOSTEROIDS": "warning",
    "EXPECTED_COURSE": "info",
    "SUPERFICIAL_HEAT": "info",
    "MANIPULATION_WITHHELD": "warning",
    "NSAID_WITHHELD": "warning",
    "NSAID": "info",
    "NSAID_CAUTION": "warning",
    "NSAID_GASTROPROTECTION": "info",
    "MUSCLE_RELAXANT_WITHHELD": "warning",
    "MUSCLE_RELAXANT": "info",
    "MUSCLE_RELAXANT_CONTINUE": "info",
    "MUSCLE_RELAXANT_REVIEW": "warning",
    "MUSCLE_RELAXANT_CAUTION": "warning",
    "MUSCLE_RELAXANT_STOP": "warning",
    "DULOXETINE_WITHHELD": "warning",
    "DULOXETINE_SECOND_LINE": "info",
    "DULOXETINE_CAUTION": "warning",
    "AVOID_INTERVENTIONAL_PROCEDURES": "warning",
    "REASSESS": "warning",
    "PERSISTENT_COURSE": "warning",
}
CATEGORIES = {
    "urgent": {"EMERGENCY_REFERRAL", "URGENT_EVALUATION", "INFECTION_WORKUP"},
    "do_now": {
        "EXERCISE_THERAPY",
        "SPINAL_MANIPULATION",
        "THORACIC_MANIPULATION",
        "POSTURE_ERGONOMICS",
        "SUPERFICIAL_HEAT",
        "EXPECTED_COURSE",
    },
    "consider": {
        "NSAID",
        "NSAID_GASTROPROTECTION",
        "MUSCLE_RELAXANT",
        "MUSCLE_RELAXANT_CONTINUE",
        "DULOXETINE_SECOND_LINE",
    },
    "caution": {
        "MANIPULATION_WITHHELD",
        "MUSCLE_RELAXANT_REVIEW",
        "NSAID_WITHHELD",
        "NSAID_CAUTION",
        "MUSCLE_RELAXANT_WITHHELD",
        "MUSCLE_RELAXANT_CAUTION",
        "MUSCLE_RELAXANT_STOP",
        "DULOXETINE_WITHHELD",
        "DULOXETINE_CAUTION",
        "REASSESS",
        "PERSISTENT_COURSE",
    },
    "do_not": {
        "NO_ROUTINE_IMAGING",
        "AVOID_BED_REST",
        "AVOID_SYSTEMIC_CORTICOSTEROIDS",
        "AVOID_INTERVENTIONAL_PROCEDURES",
    },
}


def produced_recommendations():
    for case in INTAKE_CASES:
        yield from evaluate_intake(case.build()).recommendations
    for case in FOLLOW_UP_CASES:
        yield from evaluate_follow_up(*case.build()).recommendations


def test_table_cases_produce_every_code_the_engine_knows():
    produced = {rec.code for rec in produced_recommendations()}

    assert produced == set(ALL_CODES) == set(TABLE_INDICATORS)
    assert len(ALL_CODES) == len(set(ALL_CODES))


def test_every_code_carries_the_table_indicator():
    for rec in produced_recommendations():
        assert rec.indicator == TABLE_INDICATORS[rec.code], rec.code
        assert isinstance(rec.indicator, Indicator)


def test_every_code_sits_in_its_presentation_group():
    expected = {code: group for group, codes in CATEGORIES.items() for code in codes}

    for rec in produced_recommendations():
        assert rec.category == expected[rec.code], rec.code
        assert rec.category in set(Category)
