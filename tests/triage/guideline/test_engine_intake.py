"""Intake rules (decision table sections 2-4), one clinical case a row."""

import datetime
import json

import pytest

from tests.triage.guideline.cases import (
    BASE_INTAKE,
    EMERGENCY_COMBINATIONS,
    INTAKE_CASES,
    URGENT_FLAGS,
)
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


def _label(facts: dict) -> str:
    return "+".join(sorted(k for k, v in facts.items() if v is True))


def _crossed():
    for emergency in EMERGENCY_COMBINATIONS:
        for flag in URGENT_FLAGS:
            # A pair that disagrees on a shared fact (trauma on day 7 and day 8) is no case.
            if any(emergency.get(key, value) != value for key, value in flag.items()):
                continue
            yield pytest.param(emergency, flag, id=f"{_label(emergency)} with {_label(flag)}")


@pytest.mark.parametrize(("emergency", "flag"), list(_crossed()))
def test_an_emergency_stays_an_emergency_whatever_urgent_flag_joins_it(emergency, flag):
    plan = plan_for(**{**emergency, **flag})

    assert plan.pathway is Pathway.EMERGENCY
    assert plan.escalation_priority == "emergency"
    assert plan.codes[0] == "EMERGENCY_REFERRAL"
    assert set(plan.codes) <= {"EMERGENCY_REFERRAL", "INFECTION_WORKUP"}
    fired = {key for key in {**emergency, **flag} if key in RED_FLAG_KEYS}
    assert set(plan.red_flags) == fired
    assert plan.follow_ups == ()


@pytest.mark.parametrize("flag", URGENT_FLAGS, ids=_label)
def test_each_urgent_flag_alone_is_urgent(flag):
    plan = plan_for(**flag)

    assert plan.pathway is Pathway.URGENT
    assert plan.escalation_priority == "urgent"
    assert plan.codes[0] == "URGENT_EVALUATION"


def test_conservative_plan_opens_no_escalation():
    assert plan_for().escalation_priority is None


def test_every_red_flag_is_listed_in_table_order():
    every_flag = dict.fromkeys(RED_FLAG_KEYS, True)

    plan = plan_for(age=66, **every_flag)

    assert plan.red_flags == RED_FLAG_KEYS
    assert plan.pathway is Pathway.EMERGENCY


def test_cleared_red_flags_are_reported_and_not_listed_as_fired():
    plan = plan_for(
        malignancy_history=True,
        night_pain=True,
        fever=True,
        cleared_red_flags=["night_pain", "malignancy_history"],
    )

    assert plan.red_flags == ("fever",)
    assert plan.cleared_red_flags == ("malignancy_history", "night_pain")
    assert plan.to_dict()["cleared_red_flags"] == ["malignancy_history", "night_pain"]


def test_age_dependent_red_flags_are_not_listed_at_65():
    plan = plan_for(age=65, osteoporosis=True, chronic_steroid_use=True, fever=True)

    assert plan.red_flags == ("fever",)


def test_conservative_plan_lists_no_red_flags():
    assert plan_for().red_flags == ()


def test_urgent_and_emergency_pathways_have_no_routine_visits():
    assert plan_for(significant_trauma=True, days_since_onset=30).follow_ups == ()
    assert plan_for(significant_trauma=True).follow_ups == ()


def test_conservative_visits_are_due_on_days_14_42_and_56():
    visits = plan_for().follow_ups

    assert [visit.day for visit in visits] == [14, 42, 56]
    assert "muscle relaxant" in visits[0].purpose
    assert "red-flag" in visits[0].purpose
    assert "improving" in visits[1].purpose
    assert "resolved" in visits[2].purpose


def test_plan_carries_the_ruleset_version():
    assert plan_for().ruleset == RULESET_VERSION == "2026.11-2"


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
        "SUPERFICIAL_HEAT",
        "NSAID",
        "NSAID_GASTROPROTECTION",
        "MUSCLE_RELAXANT",
        "DULOXETINE_SECOND_LINE",
        "NO_ROUTINE_IMAGING",
        "EXPECTED_COURSE",
    )


def test_urgent_evaluation_comes_before_infection_workup():
    assert plan_for(fever=True).codes == ("URGENT_EVALUATION", "INFECTION_WORKUP")
    assert plan_for(fever=True, neuropathic_features=True).codes == (
        "EMERGENCY_REFERRAL",
        "INFECTION_WORKUP",
    )


def test_intake_to_dict_has_exactly_the_command_line_shape():
    plan = plan_for(fever=True)

    assert plan.to_dict() == {
        "ruleset": RULESET_VERSION,
        "pathway": "urgent",
        "red_flags": ["fever"],
        "cleared_red_flags": [],
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
