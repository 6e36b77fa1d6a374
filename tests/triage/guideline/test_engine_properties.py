"""Properties that hold for any valid facts (hypothesis)."""

import datetime
import json

from hypothesis import given
from hypothesis import strategies as st

from triage.guideline import (
    ALL_CODES,
    HISTORY_KEYS,
    RED_FLAG_KEYS,
    RELAXANT_NAMES,
    UNANSWERED,
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
ESCALATION_CODES = {"EMERGENCY_REFERRAL", "URGENT_EVALUATION", "INFECTION_WORKUP"}
RELAXANT_PRIMARY = {
    "MUSCLE_RELAXANT",
    "MUSCLE_RELAXANT_CONTINUE",
    "MUSCLE_RELAXANT_STOP",
    "MUSCLE_RELAXANT_REVIEW",
    "MUSCLE_RELAXANT_WITHHELD",
}
EXCLUSIVE = (
    {"NSAID", "NSAID_WITHHELD"},
    {"DULOXETINE_SECOND_LINE", "DULOXETINE_WITHHELD"},
    {"SPINAL_MANIPULATION", "THORACIC_MANIPULATION", "MANIPULATION_WITHHELD"},
    RELAXANT_PRIMARY,
    {"EMERGENCY_REFERRAL", "URGENT_EVALUATION"},
)
NEEDS = {
    "NSAID_CAUTION": {"NSAID"},
    "NSAID_GASTROPROTECTION": {"NSAID"},
    "MUSCLE_RELAXANT_CAUTION": {"MUSCLE_RELAXANT", "MUSCLE_RELAXANT_CONTINUE"},
    "DULOXETINE_CAUTION": {"DULOXETINE_SECOND_LINE"},
    "INFECTION_WORKUP": {"EMERGENCY_REFERRAL", "URGENT_EVALUATION"},
}
SEVERITY = {Indicator.CRITICAL: 0, Indicator.WARNING: 1, Indicator.INFO: 2}
PATHWAY_RANK = {Pathway.CONSERVATIVE: 0, Pathway.URGENT: 1, Pathway.EMERGENCY: 2}
# Red flags are rare in real intakes; without a bias most drawn cases would be escalated.
rare_flag = st.integers(0, 19).map(lambda draw: draw == 0)
relaxant_days = st.none() | st.integers(0, 30) | st.integers(0, 36_500)
cleared = st.lists(st.sampled_from(RED_FLAG_KEYS), max_size=4).map(
    lambda keys: tuple(key for key in RED_FLAG_KEYS if key in keys)
)


@st.composite
def intake_facts(draw):
    days = draw(relaxant_days)
    return IntakeFacts(
        age=draw(st.integers(16, 120)),
        days_since_onset=draw(st.integers(0, 200) | st.integers(0, 36_500)),
        pain_score=draw(st.integers(0, 10)),
        muscle_relaxant_days=days,
        # A name or another condition needs the days taken (section 1).
        muscle_relaxant_name=None
        if days is None
        else draw(st.sampled_from((*RELAXANT_NAMES, None))),
        muscle_relaxant_other_condition=days is not None and draw(st.booleans()),
        pregnancy_weeks=draw(st.none() | st.integers(1, 42)),
        cleared_red_flags=draw(cleared),
        encounter_date=draw(
            st.none()
            | st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2999, 12, 31))
        ),
        **{key: draw(rare_flag if key in RED_FLAG_KEYS else st.booleans()) for key in BOOLEAN_KEYS},
    )


@st.composite
def visit_facts(draw):
    days = draw(relaxant_days)
    # A visit answers again only some questions; the rest keep the intake's answers.
    asked = draw(st.lists(st.sampled_from(BOOLEAN_KEYS), max_size=8, unique=True))
    answers = {key: draw(rare_flag if key in RED_FLAG_KEYS else st.booleans()) for key in asked}
    if draw(st.booleans()):
        answers["pregnancy_weeks"] = draw(st.none() | st.integers(1, 42))
    if draw(st.booleans()):
        answers["cleared_red_flags"] = draw(cleared)
    if days is not None and draw(st.booleans()):
        answers["muscle_relaxant_name"] = draw(st.sampled_from((*RELAXANT_NAMES, None)))
        answers["muscle_relaxant_other_condition"] = draw(st.booleans())
    return VisitFacts(
        day=draw(st.integers(0, 120) | st.integers(0, 3650)),
        pain_score=draw(st.integers(0, 10)),
        global_change=draw(st.integers(-5, 5)),
        muscle_relaxant_days=days,
        activity_scores=tuple(draw(st.lists(st.integers(0, 10), max_size=3))),
        age=draw(st.none() | st.integers(16, 120)),
        **answers,
    )


def assert_well_formed(recommendations):
    codes = [rec.code for rec in recommendations]
    assert len(codes) == len(set(codes))
    assert set(codes) <= set(ALL_CODES)
    for group in EXCLUSIVE:
        assert len(group & set(codes)) <= 1, codes
    for code, needs in NEEDS.items():
        assert code not in codes or needs & set(codes), codes
    levels = [SEVERITY[rec.indicator] for rec in recommendations]
    assert levels == sorted(levels)
    for rec in recommendations:
        assert len(rec.summary) < 140
        assert rec.detail
        assert rec.sources
        assert not rec.sources[0].startswith("S")


@given(intake_facts())
def test_any_valid_intake_gives_a_well_formed_plan(facts):
    plan = evaluate_intake(facts)

    assert_well_formed(plan.recommendations)
    json.dumps(plan.to_dict())


@given(intake_facts())
def test_an_escalated_plan_holds_only_escalation_codes(facts):
    plan = evaluate_intake(facts)

    if plan.pathway is Pathway.CONSERVATIVE:
        assert plan.red_flags == ()
        assert not set(plan.codes) & ESCALATION_CODES
        assert plan.escalation_priority is None
        return
    assert plan.red_flags
    assert set(plan.codes) <= ESCALATION_CODES
    first = "EMERGENCY_REFERRAL" if plan.pathway is Pathway.EMERGENCY else "URGENT_EVALUATION"
    assert plan.codes[0] == first
    assert plan.escalation_priority == plan.pathway
    assert plan.follow_ups == ()


@given(intake_facts())
def test_fired_red_flags_were_answered_yes_and_not_cleared(facts):
    plan = evaluate_intake(facts)

    for key in plan.red_flags:
        assert getattr(facts, key) is True
        assert key not in facts.cleared_red_flags
    assert plan.cleared_red_flags == facts.cleared_red_flags
    assert list(plan.red_flags) == [key for key in RED_FLAG_KEYS if key in plan.red_flags]


@given(intake_facts(), st.sampled_from(RED_FLAG_KEYS))
def test_clearing_a_flag_never_makes_the_pathway_more_urgent(facts, key):
    more = IntakeFacts.from_mapping(
        {**facts.to_dict(), "cleared_red_flags": [*facts.cleared_red_flags, key]}
    )

    assert (
        PATHWAY_RANK[evaluate_intake(more).pathway] <= PATHWAY_RANK[evaluate_intake(facts).pathway]
    )


@given(intake_facts())
def test_conservative_plan_has_exactly_one_manipulation_card(facts):
    plan = evaluate_intake(facts)

    if plan.pathway is Pathway.CONSERVATIVE:
        manipulation = {"SPINAL_MANIPULATION", "THORACIC_MANIPULATION", "MANIPULATION_WITHHELD"}
        assert len(manipulation & set(plan.codes)) == 1
        assert [visit.day for visit in plan.follow_ups] == [14, 42, 56]


@given(intake_facts())
def test_relaxant_cards_follow_what_is_taken(facts):
    plan = evaluate_intake(facts)
    if plan.pathway is not Pathway.CONSERVATIVE:
        return
    codes = set(plan.codes)
    days = facts.muscle_relaxant_days
    if days is None:
        assert not codes & {
            "MUSCLE_RELAXANT_CONTINUE",
            "MUSCLE_RELAXANT_STOP",
            "MUSCLE_RELAXANT_REVIEW",
        }
    elif facts.muscle_relaxant_other_condition:
        # Never stopped, never a second one, no caution beside it.
        assert codes & RELAXANT_PRIMARY == {"MUSCLE_RELAXANT_REVIEW"}
        assert "MUSCLE_RELAXANT_CAUTION" not in codes
    elif days >= 14:
        assert codes & RELAXANT_PRIMARY == {"MUSCLE_RELAXANT_STOP"}
    else:
        assert codes & RELAXANT_PRIMARY <= {"MUSCLE_RELAXANT_STOP", "MUSCLE_RELAXANT_CONTINUE"}
        assert codes & RELAXANT_PRIMARY


@given(intake_facts())
def test_intake_facts_survive_a_round_trip_through_json(facts):
    mapping = json.loads(json.dumps(facts.to_dict()))

    assert IntakeFacts.from_mapping(mapping) == facts


@given(visit_facts())
def test_visit_facts_survive_a_round_trip_through_json(visit):
    mapping = json.loads(json.dumps(visit.to_dict()))

    assert VisitFacts.from_mapping(mapping) == visit


@given(intake_facts(), visit_facts())
def test_any_valid_visit_gives_a_well_formed_assessment(intake, visit):
    assessment = evaluate_follow_up(intake, visit)

    assert_well_formed(assessment.recommendations)
    assert assessment.status_text
    json.dumps(assessment.to_dict())


@given(intake_facts(), visit_facts())
def test_visit_status_follows_the_table_order(intake, visit):
    assessment = evaluate_follow_up(intake, visit)
    codes = set(assessment.codes)
    relaxant = {"MUSCLE_RELAXANT_STOP", "MUSCLE_RELAXANT_REVIEW"}

    assert not codes & {"MUSCLE_RELAXANT", "MUSCLE_RELAXANT_CONTINUE", "MUSCLE_RELAXANT_CAUTION"}
    if assessment.status is EpisodeStatus.ESCALATED:
        assert assessment.red_flags
        assert assessment.escalation_priority is not None
        assert codes <= ESCALATION_CODES | relaxant
        return
    assert assessment.red_flags == ()
    assert assessment.escalation_priority is None
    assert not codes & ESCALATION_CODES
    if visit.pain_score <= 1:
        assert assessment.status is EpisodeStatus.RESOLVED
        assert not codes & {"REASSESS", "PERSISTENT_COURSE", "AVOID_INTERVENTIONAL_PROCEDURES"}
    elif visit.day >= 56:
        assert assessment.status is EpisodeStatus.PERSISTENT
        assert "PERSISTENT_COURSE" in codes
    assert "REASSESS" not in codes or visit.day >= 42


@given(intake_facts(), visit_facts())
def test_a_relaxant_course_complete_at_a_visit_is_stopped_unless_long_term(intake, visit):
    assessment = evaluate_follow_up(intake, visit)
    other = visit.muscle_relaxant_other_condition
    if other is UNANSWERED:
        other = intake.muscle_relaxant_other_condition
    days = visit.muscle_relaxant_days

    if days is not None and days >= 14 and not other:
        assert "MUSCLE_RELAXANT_STOP" in assessment.codes
    if other or days is None:
        assert "MUSCLE_RELAXANT_STOP" not in assessment.codes


@given(intake_facts())
def test_a_visit_that_answers_nothing_again_keeps_the_intakes_red_flags(intake):
    visit = VisitFacts(day=0, pain_score=intake.pain_score, global_change=0)
    assessment = evaluate_follow_up(intake, visit)

    assert assessment.red_flags == evaluate_intake(intake).red_flags
