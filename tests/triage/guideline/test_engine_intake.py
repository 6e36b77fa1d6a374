"""Intake rules (decision table sections 2-4), one clinical case a row."""

import datetime
import json

import pytest

from tests.triage.guideline.cases import BASE_INTAKE, INTAKE_CASES
from triage.guideline import (
    RED_FLAG_KEYS,
    RULESET_VERSION,
    CarePlan,
    Indicator,
    IntakeFacts,
    Pathway,
    evaluate_intake,
)

SEVERITY = {Indicator.CRITICAL: 0, Indicator.WARNING: 1, Indicator.INFO: 2}


def plan_for(**facts) -> CarePlan:
    return evaluate_intake(IntakeFacts(**{**BASE_INTAKE, **facts}))


@pytest.mark.parametrize("case", [pytest.param(case, id=case.name) for case in INTAKE_CASES])
def test_intake_decision_table(case):
    plan = evaluate_intake(case.build())

    assert plan.pathway == case.pathway
    assert sorted(plan.codes) == sorted(case.codes)


def test_every_red_flag_is_listed_in_table_order():
    every_flag = dict.fromkeys(RED_FLAG_KEYS, True)

    plan = plan_for(age=66, **every_flag)

    assert plan.red_flags == RED_FLAG_KEYS
    assert plan.pathway is Pathway.URGENT


def test_age_dependent_red_flags_are_not_listed_at_65():
    plan = plan_for(age=65, osteoporosis=True, chronic_steroid_use=True, fever=True)

    assert plan.red_flags == ("fever",)


def test_conservative_plan_lists_no_red_flags():
    assert plan_for().red_flags == ()


def test_urgent_pathway_has_no_routine_visits():
    assert plan_for(significant_trauma=True).follow_ups == ()


def test_conservative_visits_are_due_on_days_14_42_and_56():
    visits = plan_for().follow_ups

    assert [visit.day for visit in visits] == [14, 42, 56]
    assert "muscle relaxant" in visits[0].purpose
    assert "red-flag" in visits[0].purpose
    assert "improving" in visits[1].purpose
    assert "resolved" in visits[2].purpose


def test_plan_carries_the_ruleset_version():
    assert plan_for().ruleset == RULESET_VERSION == "2026.11-1"


def test_recommendations_come_critical_first_then_warning_then_info():
    plan = plan_for(
        neuropathic_features=True,
        muscle_spasm=True,
        pain_score=8,
        takes_serotonergic_drug=True,
        age=64,
        cardiovascular_disease=True,
    )

    levels = [SEVERITY[rec.indicator] for rec in plan.recommendations]
    assert levels == sorted(levels)
    assert plan.codes == (
        "NSAID_CAUTION",
        "MUSCLE_RELAXANT_CAUTION",
        "DULOXETINE_CAUTION",
        "AVOID_BED_REST",
        "AVOID_SYSTEMIC_CORTICOSTEROIDS",
        "EXERCISE_THERAPY",
        "SPINAL_MANIPULATION",
        "POSTURE_ERGONOMICS",
        "NSAID",
        "MUSCLE_RELAXANT",
        "DULOXETINE_SECOND_LINE",
        "NO_ROUTINE_IMAGING",
        "EXPECTED_COURSE",
    )


def test_urgent_evaluation_comes_before_infection_workup():
    assert plan_for(fever=True).codes == ("URGENT_EVALUATION", "INFECTION_WORKUP")


def test_intake_to_dict_has_exactly_the_command_line_shape():
    plan = plan_for(fever=True)

    assert plan.to_dict() == {
        "ruleset": RULESET_VERSION,
        "pathway": "urgent",
        "red_flags": ["fever"],
        "recommendations": [rec.to_dict() for rec in plan.recommendations],
        "follow_ups": [],
    }
    first = plan.to_dict()["recommendations"][0]
    assert list(first) == ["code", "indicator", "summary", "detail", "sources"]
    assert first["indicator"] == "critical"
    assert type(first["indicator"]) is str
    assert isinstance(first["sources"], list)


def test_conservative_to_dict_lists_the_visits():
    data = plan_for().to_dict()

    assert data["pathway"] == "conservative"
    assert [visit["day"] for visit in data["follow_ups"]] == [14, 42, 56]
    assert set(data["follow_ups"][0]) == {"day", "purpose"}
    json.dumps(data)


def test_same_facts_give_the_same_plan():
    facts = {"muscle_spasm": True, "pain_score": 9, "encounter_date": datetime.date(2026, 3, 2)}

    assert plan_for(**facts) == plan_for(**facts)
