"""Follow-up rules (decision table section 5), one clinical case a row."""

import pytest

from tests.triage.guideline.cases import BASE_INTAKE, BASE_VISIT, FOLLOW_UP_CASES
from triage.guideline import (
    RULESET_VERSION,
    EpisodeStatus,
    IntakeFacts,
    VisitFacts,
    evaluate_follow_up,
)


def assess(intake: dict | None = None, **visit):
    return evaluate_follow_up(
        IntakeFacts(**{**BASE_INTAKE, **(intake or {})}), VisitFacts(**{**BASE_VISIT, **visit})
    )


@pytest.mark.parametrize("case", [pytest.param(case, id=case.name) for case in FOLLOW_UP_CASES])
def test_follow_up_decision_table(case):
    assessment = evaluate_follow_up(*case.build())

    assert assessment.status == case.status
    assert sorted(assessment.codes) == sorted(case.codes)


def test_escalation_lists_the_red_flags_in_table_order():
    assessment = assess(cervical_arterial_signs=True, fever=True)

    assert assessment.status is EpisodeStatus.ESCALATED
    assert assessment.red_flags == ("cervical_arterial_signs", "fever")
    assert assessment.escalation_priority == "emergency"
    assert "fever" in assessment.recommendations[0].detail


def test_urgent_escalation_at_a_visit_has_urgent_priority():
    assessment = assess(night_pain=True)

    assert assessment.escalation_priority == "urgent"
    assert assessment.to_dict()["escalation_priority"] == "urgent"


def test_no_escalation_priority_without_red_flags():
    assert assess().escalation_priority is None
    assert assess().to_dict()["escalation_priority"] is None


@pytest.mark.parametrize(
    ("intake", "visit", "sentence"),
    [
        ({}, {"pain_score": 1}, "Pain is 1, at or below 1: the episode has resolved"),
        ({}, {"pain_score": 0}, "Pain is 0, at or below 1"),
        (
            {"pain_score": 8},
            {"pain_score": 5},
            "Pain is 5 now against 8 when the care plan was made: a drop of at least 2 points "
            "and at least 30%, so it is improving.",
        ),
        (
            {"pain_score": 8},
            {"pain_score": 7},
            "Pain is 7 now against 8 when the care plan was made: not yet a drop of at least 2 "
            "points and at least 30%",
        ),
        ({}, {"day": 56, "pain_score": 4}, "Day 56: pain is 4, still above 1 on or after day 56"),
        ({}, {"night_pain": True}, "Red flags at this visit (pain that does not ease"),
        ({}, {"night_pain": True}, "an urgent escalation is open"),
        ({}, {"cervical_arterial_signs": True}, "call for emergency assessment now"),
    ],
)
def test_the_engine_explains_the_status_with_its_thresholds(intake, visit, sentence):
    assessment = assess(intake, **visit)

    assert sentence in assessment.status_text
    assert assessment.to_dict()["status_text"] == assessment.status_text


def test_every_status_has_its_own_sentence():
    texts = {
        assess(**visit).status: assess(**visit).status_text
        for visit in (
            {"pain_score": 0},
            {"pain_score": 5, "day": 60},
            {"pain_score": 2},
            {"pain_score": 5},
            {"fever": True},
        )
    }

    # "active" is the record's state before any visit; the engine never returns it.
    assessed = set(EpisodeStatus) - {EpisodeStatus.ACTIVE}
    assert set(texts) == assessed
    assert len(set(texts.values())) == len(assessed)


def test_no_red_flags_listed_without_escalation():
    assert assess().red_flags == ()


def test_reassess_quotes_the_baseline_and_the_pain_now():
    detail = assess({"pain_score": 8}, day=42, pain_score=7).recommendations[0].detail

    assert "7 now against 8 when the care plan was made" in detail
    assert "at least 2 points and at least 30%" in detail


def test_relaxant_stop_at_a_visit_names_the_days_taken():
    stop = assess(muscle_relaxant_days=19).recommendations[0]

    assert stop.code == "MUSCLE_RELAXANT_STOP"
    assert "19 days" in stop.detail


def test_duloxetine_caution_at_a_visit_names_the_relaxant_still_taken():
    assessment = assess(
        {"neuropathic_features": True, "nsaid_allergy_or_asthma": True},
        day=45,
        muscle_relaxant_days=2,
    )
    caution = next(r for r in assessment.recommendations if r.code == "DULOXETINE_CAUTION")

    assert "a muscle relaxant is still being taken" in caution.detail
    assert "Bleeding" not in caution.detail


def test_duloxetine_caution_at_a_visit_names_the_intake_nsaid():
    assessment = assess({"neuropathic_features": True}, day=45)
    caution = next(r for r in assessment.recommendations if r.code == "DULOXETINE_CAUTION")

    assert "an NSAID was suggested at the intake" in caution.detail
    assert "Serotonin" not in caution.detail


def test_follow_up_to_dict_has_exactly_the_command_line_shape():
    assessment = assess(day=56)

    assert assessment.to_dict() == {
        "ruleset": RULESET_VERSION,
        "status": "persistent",
        "status_text": assessment.status_text,
        "escalation_priority": None,
        "red_flags": [],
        "recommendations": [rec.to_dict() for rec in assessment.recommendations],
    }
    assert type(assessment.to_dict()["status"]) is str
