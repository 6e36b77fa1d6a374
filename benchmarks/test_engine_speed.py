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
    evaluate_follow_up,
    evaluate_intake,
    medicine_text,
    text,
)

TARGET_SECONDS = 50e-6
CACHED_BUILDERS = (
    text.urgent_recommendations,
    text.reassess,
    medicine_text.nsaid_withheld,
    medicine_text.nsaid_caution,
    medicine_text.muscle_relaxant,
    medicine_text.muscle_relaxant_withheld,
    medicine_text.muscle_relaxant_stop,
    medicine_text.duloxetine_withheld,
    medicine_text.duloxetine_caution,
)
# A busy conservative intake: every drug rule runs and several items name reasons or dates.
INTAKE = IntakeFacts(
    age=58,
    days_since_onset=10,
    pain_score=8,
    muscle_spasm=True,
    neuropathic_features=True,
    muscle_relaxant_days=4,
    cardiovascular_disease=True,
    takes_serotonergic_drug=True,
    encounter_date=datetime.date(2026, 11, 24),
)
URGENT_INTAKE = IntakeFacts(age=70, days_since_onset=2, pain_score=9, fever=True, osteoporosis=True)
# A late visit that is not improving: persistent, reassess, duloxetine and its cautions.
VISIT = VisitFacts(day=60, pain_score=7, global_change=-1, muscle_relaxant_days=20)


def clear_caches():
    for builder in CACHED_BUILDERS:
        builder.cache_clear()


def check_target(benchmark):
    assert benchmark.stats.stats.median < TARGET_SECONDS


def test_intake_evaluation(benchmark):
    plan = benchmark(evaluate_intake, INTAKE)

    assert "MUSCLE_RELAXANT" in plan.codes
    check_target(benchmark)


def test_follow_up_evaluation(benchmark):
    assessment = benchmark(evaluate_follow_up, INTAKE, VISIT)

    assert assessment.status == "persistent"
    check_target(benchmark)


def test_urgent_intake_evaluation(benchmark):
    plan = benchmark(evaluate_intake, URGENT_INTAKE)

    assert plan.pathway == "urgent"
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
