"""Engine speed: median time of one intake and one follow-up evaluation (target < 50 µs).

Run with `make bench-engine`. The wording of drug items that name reasons or dates is cached
after its first use; the `cold` cases clear those caches before every round to show the worst
case, the first patient with a given combination.
"""

import datetime

import pytest

from triage.guideline import (
    IntakeFacts,
    VisitFacts,
    duloxetine_text,
    evaluate_follow_up,
    evaluate_intake,
    nsaid_text,
    relaxant_text,
    text,
)

TARGET_SECONDS = 50e-6
CACHED_BUILDERS = (
    text.emergency_referral,
    text.urgent_evaluation,
    text.infection_workup,
    text.manipulation_withheld,
    text.reassess,
    text.escalated_status,
    text.progress_status,
    nsaid_text.nsaid_withheld,
    nsaid_text.nsaid_caution,
    nsaid_text.nsaid_gastroprotection,
    relaxant_text.muscle_relaxant,
    relaxant_text.muscle_relaxant_continue,
    relaxant_text.muscle_relaxant_withheld,
    relaxant_text.muscle_relaxant_stop,
    relaxant_text.muscle_relaxant_review,
    relaxant_text.muscle_relaxant_caution,
    duloxetine_text.duloxetine_second_line,
    duloxetine_text.duloxetine_withheld,
    duloxetine_text.duloxetine_caution,
)
# A busy conservative intake: every drug rule runs and several cards name reasons or dates
# (a relaxant continued with a caution, NSAID caution and stomach protection, duloxetine
# caution with several reasons, thrust manipulation withheld).
INTAKE = IntakeFacts(
    age=58,
    days_since_onset=10,
    pain_score=8,
    muscle_spasm=True,
    neuropathic_features=True,
    muscle_relaxant_days=4,
    muscle_relaxant_name="tizanidine",
    cardiovascular_disease=True,
    takes_serotonergic_drug=True,
    takes_sedating_medicine=True,
    takes_antiplatelet=True,
    osteoporosis=True,
    encounter_date=datetime.date(2026, 11, 24),
)
URGENT_INTAKE = IntakeFacts(age=70, days_since_onset=2, pain_score=9, fever=True, osteoporosis=True)
EMERGENCY_INTAKE = IntakeFacts(
    age=70,
    days_since_onset=2,
    pain_score=9,
    fever=True,
    neuropathic_features=True,
    malignancy_history=True,
    night_pain=True,
)
# A late visit that is not improving and answers the medicine questions again: persistent,
# reassess, relaxant stop, duloxetine and its cautions.
VISIT = VisitFacts(
    day=60,
    pain_score=7,
    global_change=-1,
    muscle_relaxant_days=20,
    age=59,
    takes_anticoagulant=True,
    fever=False,
    night_pain=False,
)


def clear_caches():
    for builder in CACHED_BUILDERS:
        builder.cache_clear()


def check_target(benchmark):
    assert benchmark.stats.stats.median < TARGET_SECONDS


def test_intake_evaluation(benchmark):
    plan = benchmark(evaluate_intake, INTAKE)

    assert "MUSCLE_RELAXANT_CONTINUE" in plan.codes
    assert "MANIPULATION_WITHHELD" in plan.codes
    check_target(benchmark)


def test_follow_up_evaluation(benchmark):
    assessment = benchmark(evaluate_follow_up, INTAKE, VISIT)

    assert assessment.status == "persistent"
    check_target(benchmark)


def test_urgent_intake_evaluation(benchmark):
    plan = benchmark(evaluate_intake, URGENT_INTAKE)

    assert plan.pathway == "urgent"
    check_target(benchmark)


def test_emergency_intake_evaluation(benchmark):
    plan = benchmark(evaluate_intake, EMERGENCY_INTAKE)

    assert plan.pathway == "emergency"
    check_target(benchmark)


@pytest.mark.parametrize("kind", ["intake", "follow_up"])
def test_cold_evaluation(benchmark, kind):
    call = {
        "intake": lambda: evaluate_intake(INTAKE),
        "follow_up": lambda: evaluate_follow_up(INTAKE, VISIT),
    }[kind]

    benchmark.pedantic(call, setup=clear_caches, rounds=2000, warmup_rounds=10)

    check_target(benchmark)


def test_command_line_path(benchmark):
    """Parse facts from JSON-like data, evaluate, and shape the output, as `recommend` does."""
    mapping = INTAKE.to_dict()

    benchmark(lambda: evaluate_intake(IntakeFacts.from_mapping(mapping)).to_dict())
