"""Properties that hold for any valid facts (hypothesis)."""

import datetime
import json

from hypothesis import given
from hypothesis import strategies as st

from triage.guideline import (
    ALL_CODES,
    HISTORY_KEYS,
    RED_FLAG_KEYS,
    EpisodeStatus,
    Indicator,
    IntakeFacts,
    Pathway,
    VisitFacts,
    evaluate_follow_up,
    evaluate_intake,
)

BOOLEAN_KEYS = (
    "muscle_spasm",
    "neuropathic_features",
    "declines_neck_manipulation",
    *RED_FLAG_KEYS,
    *(key for key in HISTORY_KEYS if key != "pregnancy_weeks"),
)
URGENT_ONLY = {"URGENT_EVALUATION", "INFECTION_WORKUP"}
WITHHELD_PAIRS = (
    ("NSAID", "NSAID_WITHHELD"),
    ("MUSCLE_RELAXANT", "MUSCLE_RELAXANT_WITHHELD"),
    ("DULOXETINE_SECOND_LINE", "DULOXETINE_WITHHELD"),
)
CAUTION_NEEDS = {
    "NSAID_CAUTION": "NSAID",
    "MUSCLE_RELAXANT_CAUTION": "MUSCLE_RELAXANT",
    "DULOXETINE_CAUTION": "DULOXETINE_SECOND_LINE",
}
SEVERITY = {Indicator.CRITICAL: 0, Indicator.WARNING: 1, Indicator.INFO: 2}
# Red flags are rare in real intakes; without a bias most drawn cases would be urgent.
rare_flag = st.integers(0, 19).map(lambda draw: draw == 0)
relaxant_days = st.none() | st.integers(0, 30) | st.integers(0, 36_500)

intake_facts = st.builds(
    IntakeFacts,
    age=st.integers(16, 120),
    days_since_onset=st.integers(0, 200) | st.integers(0, 36_500),
    pain_score=st.integers(0, 10),
    muscle_relaxant_days=relaxant_days,
    pregnancy_weeks=st.none() | st.integers(1, 42),
    encounter_date=st.none()
    | st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2999, 12, 31)),
    **{key: (rare_flag if key in RED_FLAG_KEYS else st.booleans()) for key in BOOLEAN_KEYS},
)
visit_facts = st.builds(
    VisitFacts,
    day=st.integers(0, 120) | st.integers(0, 36_500),
    pain_score=st.integers(0, 10),
    global_change=st.integers(-5, 5),
    muscle_relaxant_days=relaxant_days,
    activity_scores=st.lists(st.integers(0, 10), max_size=3).map(tuple),
    **dict.fromkeys(RED_FLAG_KEYS, rare_flag),
)


def assert_well_formed(recommendations):
    codes = [rec.code for rec in recommendations]
    assert len(codes) == len(set(codes))
    assert set(codes) <= set(ALL_CODES)
    for drug, withheld in WITHHELD_PAIRS:
        assert not (drug in codes and withheld in codes)
    for caution, drug in CAUTION_NEEDS.items():
        assert caution not in codes or drug in codes
    levels = [SEVERITY[rec.indicator] for rec in recommendations]
    assert levels == sorted(levels)
    for rec in recommendations:
        assert len(rec.summary) < 140
        assert rec.detail
        assert rec.sources


@given(intake_facts)
def test_any_valid_intake_gives_a_well_formed_plan(facts):
    plan = evaluate_intake(facts)

    assert_well_formed(plan.recommendations)
    json.dumps(plan.to_dict())


@given(intake_facts)
def test_urgent_plan_holds_only_urgent_codes(facts):
    plan = evaluate_intake(facts)

    if plan.pathway is Pathway.URGENT:
        assert plan.red_flags
        assert "URGENT_EVALUATION" in plan.codes
        assert set(plan.codes) <= URGENT_ONLY
        assert plan.follow_ups == ()
    else:
        assert plan.red_flags == ()
        assert not set(plan.codes) & URGENT_ONLY


@given(intake_facts)
def test_conservative_plan_has_exactly_one_manipulation(facts):
    plan = evaluate_intake(facts)

    if plan.pathway is Pathway.CONSERVATIVE:
        manipulations = {"SPINAL_MANIPULATION", "THORACIC_MANIPULATION"} & set(plan.codes)
        assert len(manipulations) == 1
        assert [visit.day for visit in plan.follow_ups] == [14, 42, 56]


@given(intake_facts)
def test_relaxant_stop_exactly_when_taken_over_14_days(facts):
    plan = evaluate_intake(facts)

    if plan.pathway is Pathway.CONSERVATIVE:
        over = facts.muscle_relaxant_days is not None and facts.muscle_relaxant_days > 14
        assert ("MUSCLE_RELAXANT_STOP" in plan.codes) == over


@given(intake_facts)
def test_intake_facts_survive_a_round_trip_through_json(facts):
    mapping = json.loads(json.dumps(facts.to_dict()))

    assert IntakeFacts.from_mapping(mapping) == facts


@given(intake_facts, visit_facts)
def test_any_valid_visit_gives_a_well_formed_assessment(intake, visit):
    assessment = evaluate_follow_up(intake, visit)

    assert_well_formed(assessment.recommendations)
    json.dumps(assessment.to_dict())


@given(intake_facts, visit_facts)
def test_visit_status_follows_the_table_order(intake, visit):
    assessment = evaluate_follow_up(intake, visit)
    codes = set(assessment.codes)

    if assessment.status is EpisodeStatus.ESCALATED:
        assert assessment.red_flags
        assert codes <= URGENT_ONLY
        return
    assert assessment.red_flags == ()
    assert not codes & URGENT_ONLY
    if visit.pain_score <= 1:
        assert assessment.status is EpisodeStatus.RESOLVED
        assert not codes & {"REASSESS", "PERSISTENT_COURSE", "AVOID_INTERVENTIONAL_PROCEDURES"}
    elif visit.day >= 56:
        assert assessment.status is EpisodeStatus.PERSISTENT
        assert "PERSISTENT_COURSE" in codes
    assert ("MUSCLE_RELAXANT_STOP" in codes) == (
        visit.muscle_relaxant_days is not None and visit.muscle_relaxant_days > 14
    )
    assert "REASSESS" not in codes or visit.day >= 42
