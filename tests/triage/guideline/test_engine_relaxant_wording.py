"""The muscle-relaxant card's summary says what the days already taken leave of the course."""

import pytest

from triage.guideline import IntakeFacts, evaluate_intake

SPASM = {"age": 40, "days_since_onset": 5, "pain_score": 8, "muscle_spasm": True}


def _relaxant(days_taken):
    facts = IntakeFacts.from_mapping(
        SPASM | {"muscle_relaxant_days": days_taken, "encounter_date": "2026-11-24"}
    )
    (card,) = (r for r in evaluate_intake(facts).recommendations if r.code == "MUSCLE_RELAXANT")
    return card


@pytest.mark.parametrize(
    ("days_taken", "phrase"),
    [
        (None, "short course of the muscle relaxant cyclobenzaprine, 14 days at most"),
        (0, "short course of the muscle relaxant cyclobenzaprine, 14 days at most"),
        (4, "may be continued for severe pain with spasm, for at most 10 days more"),
        (13, "for at most 1 day more"),
        (14, "course ends today: no further doses are suggested"),
    ],
)
def test_relaxant_summary_matches_the_days_already_taken(days_taken, phrase):
    card = _relaxant(days_taken)
    assert phrase in card.summary
    assert len(card.summary) < 140


def test_relaxant_stop_date_counts_the_days_left():
    assert "Saturday 28 November 2026" in _relaxant(10).detail


def test_stopping_a_long_relaxant_course_warns_about_tapering():
    facts = IntakeFacts.from_mapping(SPASM | {"muscle_relaxant_days": 30})
    (card,) = (
        r for r in evaluate_intake(facts).recommendations if r.code == "MUSCLE_RELAXANT_STOP"
    )
    assert "reduced gradually" in card.detail
