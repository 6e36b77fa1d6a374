"""Facts are checked when built: types, ranges, unknown and missing keys, all named at once."""

import dataclasses
import datetime

import pytest

from triage.guideline import (
    FACT_SPECS,
    HISTORY_KEYS,
    INTAKE_KEYS,
    RED_FLAG_KEYS,
    VISIT_FACT_SPECS,
    VISIT_KEYS,
    FactsError,
    IntakeFacts,
    VisitFacts,
)

REQUIRED = {"age": 40, "days_since_onset": 3, "pain_score": 6}
VISIT = {"day": 14, "pain_score": 3, "global_change": 2}


def intake_errors(**changes) -> dict[str, str]:
    with pytest.raises(FactsError) as raised:
        IntakeFacts.from_mapping({**REQUIRED, **changes})
    return raised.value.errors


def visit_errors(**changes) -> dict[str, str]:
    with pytest.raises(FactsError) as raised:
        VisitFacts.from_mapping({**VISIT, **changes})
    return raised.value.errors


def test_required_keys_alone_build_facts_with_defaults():
    facts = IntakeFacts.from_mapping(REQUIRED)

    assert (facts.age, facts.days_since_onset, facts.pain_score) == (40, 3, 6)
    assert not any(getattr(facts, key) for key in RED_FLAG_KEYS)
    assert facts.muscle_relaxant_days is None
    assert facts.pregnancy_weeks is None
    assert facts.encounter_date is None


def test_every_section_1_key_is_accepted():
    mapping = dict.fromkeys(INTAKE_KEYS, True) | REQUIRED
    mapping |= {"muscle_relaxant_days": 3, "pregnancy_weeks": 10}

    assert IntakeFacts.from_mapping(mapping).to_dict() == mapping


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"age": 15}, "age", "16 or over"),
        ({"age": 121}, "age", "from 16 to 120"),
        ({"age": True}, "age", "whole number, got true/false"),
        ({"age": "40"}, "age", "whole number, got text"),
        ({"age": 40.0}, "age", "whole number, got a decimal number"),
        ({"age": None}, "age", "whole number, got null"),
        ({"days_since_onset": -1}, "days_since_onset", "from 0 to 36500"),
        ({"days_since_onset": 36501}, "days_since_onset", "from 0 to 36500"),
        ({"pain_score": 11}, "pain_score", "from 0 to 10"),
        ({"pain_score": -1}, "pain_score", "from 0 to 10"),
        ({"fever": 1}, "fever", "true or false, got a whole number"),
        ({"fever": "yes"}, "fever", "true or false, got text"),
        ({"fever": None}, "fever", "true or false, got null"),
        ({"muscle_relaxant_days": -1}, "muscle_relaxant_days", "from 0 to"),
        ({"muscle_relaxant_days": False}, "muscle_relaxant_days", "whole number"),
        ({"pregnancy_weeks": 0}, "pregnancy_weeks", "from 1 to 42"),
        ({"pregnancy_weeks": 43}, "pregnancy_weeks", "from 1 to 42"),
        ({"pregnancy_weeks": [20]}, "pregnancy_weeks", "got a list"),
        ({"encounter_date": "2026-02-30"}, "encounter_date", "YYYY-MM-DD"),
        ({"encounter_date": "24/11/2026"}, "encounter_date", "YYYY-MM-DD"),
        ({"encounter_date": 20261124}, "encounter_date", "got a whole number"),
        ({"encounter_date": "1899-12-31"}, "encounter_date", "from 1900-01-01"),
        ({"favourite_colour": "blue"}, "favourite_colour", "unknown field"),
        ({"Age": 40}, "Age", "unknown field"),
    ],
)
def test_bad_intake_value_is_named(changes, field, words):
    errors = intake_errors(**changes)

    assert list(errors) == [field]
    assert words in errors[field]


@pytest.mark.parametrize("missing", ["age", "days_since_onset", "pain_score"])
def test_missing_required_key_is_named(missing):
    mapping = {key: value for key, value in REQUIRED.items() if key != missing}

    with pytest.raises(FactsError) as raised:
        IntakeFacts.from_mapping(mapping)

    assert raised.value.errors == {missing: "is required"}


def test_every_bad_field_is_named_in_one_error():
    with pytest.raises(FactsError) as raised:
        IntakeFacts.from_mapping(
            {"age": 12, "pain_score": "7", "fever": 1, "encounter_date": "soon", "extra": 1}
        )

    assert set(raised.value.errors) == {
        "age",
        "days_since_onset",
        "pain_score",
        "fever",
        "encounter_date",
        "extra",
    }
    assert "age: must be 16 or over" in str(raised.value)


def test_facts_error_is_a_value_error():
    assert issubclass(FactsError, ValueError)


@pytest.mark.parametrize("mapping", [[], "age=40", None, 40])
def test_intake_must_be_a_mapping(mapping):
    with pytest.raises(FactsError, match="must be an object"):
        IntakeFacts.from_mapping(mapping)


@pytest.mark.parametrize(("age", "ok"), [(15, False), (16, True), (120, True), (121, False)])
def test_age_boundaries(age, ok):
    if ok:
        assert IntakeFacts(age=age, days_since_onset=0, pain_score=0).age == age
    else:
        with pytest.raises(FactsError):
            IntakeFacts(age=age, days_since_onset=0, pain_score=0)


def test_encounter_date_is_read_from_iso_text():
    facts = IntakeFacts.from_mapping({**REQUIRED, "encounter_date": "2026-11-24"})

    assert facts.encounter_date == datetime.date(2026, 11, 24)
    assert facts.to_dict()["encounter_date"] == "2026-11-24"


def test_python_construction_is_checked_too():
    with pytest.raises(FactsError) as raised:
        IntakeFacts(age=40, days_since_onset=2, pain_score=3, fever="no", pregnancy_weeks=50)

    assert set(raised.value.errors) == {"fever", "pregnancy_weeks"}


def test_a_datetime_is_not_an_encounter_date():
    moment = datetime.datetime(2026, 1, 1, 9, 30, tzinfo=datetime.UTC)

    with pytest.raises(FactsError, match="encounter_date"):
        IntakeFacts(**REQUIRED, encounter_date=moment)


def test_facts_are_frozen():
    facts = IntakeFacts(**REQUIRED)

    with pytest.raises(dataclasses.FrozenInstanceError):
        facts.fever = True


def test_visit_required_keys_and_defaults():
    visit = VisitFacts.from_mapping(VISIT)

    assert (visit.day, visit.pain_score, visit.global_change) == (14, 3, 2)
    assert visit.muscle_relaxant_days is None
    assert visit.activity_scores == ()
    assert not any(getattr(visit, key) for key in RED_FLAG_KEYS)


def test_visit_reads_scores_and_red_flags():
    visit = VisitFacts.from_mapping({**VISIT, "activity_scores": [3, 0, 10], "fever": True})

    assert visit.activity_scores == (3, 0, 10)
    assert visit.fever is True
    assert VisitFacts.from_mapping(visit.to_dict()) == visit


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"day": -1}, "day", "from 0 to"),
        ({"day": "14"}, "day", "got text"),
        ({"pain_score": 11}, "pain_score", "from 0 to 10"),
        ({"global_change": 6}, "global_change", "from -5 to 5"),
        ({"global_change": -6}, "global_change", "from -5 to 5"),
        ({"global_change": None}, "global_change", "got null"),
        ({"muscle_relaxant_days": 1.5}, "muscle_relaxant_days", "whole number"),
        ({"activity_scores": [1, 2, 3, 4]}, "activity_scores", "at most 3"),
        ({"activity_scores": [1, 11]}, "activity_scores", "score 2 must be from 0 to 10"),
        ({"activity_scores": [True]}, "activity_scores", "score 1 must be a whole number"),
        ({"activity_scores": 5}, "activity_scores", "list"),
        ({"cervical_arterial_signs": "no"}, "cervical_arterial_signs", "true or false"),
        ({"age": 40}, "age", "unknown field"),
        ({"gi_bleed_or_ulcer": True}, "gi_bleed_or_ulcer", "unknown field"),
    ],
)
def test_bad_visit_value_is_named(changes, field, words):
    errors = visit_errors(**changes)

    assert list(errors) == [field]
    assert words in errors[field]


def test_visit_missing_keys_are_all_named():
    with pytest.raises(FactsError) as raised:
        VisitFacts.from_mapping({"fever": False})

    assert raised.value.errors == {
        "day": "is required",
        "pain_score": "is required",
        "global_change": "is required",
    }


def test_visit_scores_given_as_a_list_are_stored_as_a_tuple():
    visit = VisitFacts(day=1, pain_score=2, global_change=0, activity_scores=[4, 5])

    assert visit.activity_scores == (4, 5)
    assert hash(visit)


def test_key_lists_follow_the_decision_table():
    assert RED_FLAG_KEYS[0] == "progressive_neuro_deficit"
    assert RED_FLAG_KEYS[-1] == "cervical_arterial_signs"
    assert len(RED_FLAG_KEYS) == 13
    assert HISTORY_KEYS[0] == "gi_bleed_or_ulcer"
    assert HISTORY_KEYS[-1] == "takes_serotonergic_drug"
    assert len(HISTORY_KEYS) == 14
    assert len(INTAKE_KEYS) == 34
    assert VISIT_KEYS[:5] == (
        "day",
        "pain_score",
        "muscle_relaxant_days",
        "global_change",
        "activity_scores",
    )


def test_every_intake_key_has_plain_wording_in_table_order():
    assert tuple(FACT_SPECS) == INTAKE_KEYS
    for key, spec in FACT_SPECS.items():
        assert spec.key == key
        assert spec.label
        assert spec.question.endswith("?"), key
        assert len(spec.hint) > 20, key


def test_red_flag_hints_can_be_read_to_a_patient():
    for key in RED_FLAG_KEYS:
        hint = FACT_SPECS[key].hint
        assert "Ask" in hint or "For example" in hint or "Counts" in hint, key
        assert "_" not in hint, key


def test_every_visit_key_has_wording():
    assert tuple(VISIT_FACT_SPECS) == VISIT_KEYS
    assert VISIT_FACT_SPECS["fever"] is FACT_SPECS["fever"]
