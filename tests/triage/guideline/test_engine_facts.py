"""Facts are checked when built: types, ranges, unknown and missing keys, all named at once."""

import dataclasses
import datetime

import pytest

from triage.guideline import (
    FACT_SPECS,
    HISTORY_KEYS,
    INTAKE_KEYS,
    RED_FLAG_KEYS,
    RELAXANT_NAMES,
    UNANSWERED,
    VISIT_ANSWER_KEYS,
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
    assert facts.muscle_relaxant_name is None
    assert facts.muscle_relaxant_other_condition is False
    assert not any(getattr(facts, key) for key in HISTORY_KEYS)
    assert facts.pregnancy_weeks is None
    assert facts.cleared_red_flags == ()
    assert facts.encounter_date is None


# A complete rule-set-1 input, exactly as rule set 1 stored it with a care plan.
RULESET_1_INPUT = {
    "age": 52,
    "days_since_onset": 4,
    "pain_score": 8,
    "muscle_spasm": True,
    "neuropathic_features": False,
    "declines_neck_manipulation": False,
    "muscle_relaxant_days": None,
    **dict.fromkeys(
        (
            "progressive_neuro_deficit", "fever", "recent_bloodstream_infection",
            "malignancy_history", "iv_drug_use", "immunosuppression", "unexplained_weight_loss",
            "significant_trauma", "osteoporosis", "chronic_steroid_use",
            "bowel_bladder_dysfunction", "myelopathy_signs", "cervical_arterial_signs",
            "gi_bleed_or_ulcer", "severe_kidney_disease", "heart_failure",
            "cardiovascular_disease", "recent_myocardial_infarction", "arrhythmia_or_heart_block",
            "hyperthyroidism", "liver_disease", "narrow_angle_glaucoma", "nsaid_allergy_or_asthma",
            "takes_anticoagulant", "takes_maoi", "takes_serotonergic_drug",
        ),
        False,
    ),
    "pregnancy_weeks": None,
    "encounter_date": "2026-11-24",
}  # fmt: skip


def test_a_ruleset_1_input_is_still_valid():
    facts = IntakeFacts.from_mapping(RULESET_1_INPUT)

    assert facts.night_pain is False
    assert facts.takes_antiplatelet is False
    assert facts.muscle_relaxant_name is None


def test_every_section_1_key_is_accepted():
    mapping = dict.fromkeys(INTAKE_KEYS, True) | REQUIRED
    mapping |= {
        "muscle_relaxant_days": 3,
        "muscle_relaxant_name": "baclofen",
        "pregnancy_weeks": 10,
        "cleared_red_flags": ["fever"],
    }

    assert IntakeFacts.from_mapping(mapping).to_dict() == mapping


@pytest.mark.parametrize("name", [*RELAXANT_NAMES, None])
def test_every_relaxant_name_is_accepted(name):
    facts = IntakeFacts.from_mapping(
        {**REQUIRED, "muscle_relaxant_days": 2, "muscle_relaxant_name": name}
    )

    assert facts.muscle_relaxant_name == name


def test_cleared_red_flags_are_kept_in_table_order_once():
    facts = IntakeFacts.from_mapping(
        {**REQUIRED, "cleared_red_flags": ["night_pain", "fever", "night_pain"]}
    )

    assert facts.cleared_red_flags == ("fever", "night_pain")
    assert hash(facts)


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
        ({"pain_score": 5.0}, "pain_score", "whole number, got a decimal number"),
        ({"night_pain": None}, "night_pain", "true or false, got null"),
        ({"breastfeeding": "no"}, "breastfeeding", "true or false, got text"),
        ({"takes_antiplatelet": 0}, "takes_antiplatelet", "true or false"),
        ({"muscle_relaxant_days": 3, "muscle_relaxant_name": "diazepam"}, "muscle_relaxant_name",
         "must be one of cyclobenzaprine, methocarbamol, tizanidine, baclofen, other"),
        ({"muscle_relaxant_days": 3, "muscle_relaxant_name": "Baclofen"}, "muscle_relaxant_name",
         "'Baclofen'"),
        ({"muscle_relaxant_days": 3, "muscle_relaxant_name": True}, "muscle_relaxant_name",
         "got true/false"),
        ({"muscle_relaxant_name": "baclofen"}, "muscle_relaxant_name",
         "needs muscle_relaxant_days"),
        ({"muscle_relaxant_name": "baclofen", "muscle_relaxant_days": None},
         "muscle_relaxant_name", "needs muscle_relaxant_days"),
        ({"muscle_relaxant_other_condition": True}, "muscle_relaxant_other_condition",
         "needs muscle_relaxant_days"),
        ({"muscle_relaxant_other_condition": None}, "muscle_relaxant_other_condition",
         "true or false, got null"),
        ({"cleared_red_flags": ["fever", "headache"]}, "cleared_red_flags",
         "unknown red flag 'headache'"),
        ({"cleared_red_flags": ["gi_bleed_or_ulcer"]}, "cleared_red_flags", "unknown red flag"),
        ({"cleared_red_flags": "fever"}, "cleared_red_flags", "must be a list"),
        ({"cleared_red_flags": [1]}, "cleared_red_flags", "got a whole number"),
        ({"cleared_red_flags": None}, "cleared_red_flags", "got null"),
    ],
)  # fmt: skip
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
    assert visit.age is None
    assert all(getattr(visit, key) is UNANSWERED for key in VISIT_ANSWER_KEYS)
    assert visit.answers() == {}


def test_visit_answers_only_what_it_was_asked():
    visit = VisitFacts.from_mapping(
        {**VISIT, "fever": False, "takes_maoi": True, "pregnancy_weeks": None, "age": 41}
    )

    assert visit.answers() == {"fever": False, "takes_maoi": True, "pregnancy_weeks": None}
    assert visit.age == 41
    assert VisitFacts.from_mapping(visit.to_dict()) == visit


def test_visit_answers_override_the_intake_and_the_rest_carries_over():
    intake = IntakeFacts(
        **REQUIRED,
        gi_bleed_or_ulcer=True,
        muscle_relaxant_days=3,
        muscle_relaxant_name="tizanidine",
        cleared_red_flags=("fever",),
    )
    visit = VisitFacts(day=14, pain_score=2, global_change=3, gi_bleed_or_ulcer=False, age=41)

    merged = intake.with_visit(visit)

    assert merged.gi_bleed_or_ulcer is False
    assert merged.age == 41
    assert merged.days_since_onset == 3 + 14
    assert merged.pain_score == 2
    assert merged.muscle_relaxant_days is None
    assert merged.muscle_relaxant_name == "tizanidine"
    assert merged.cleared_red_flags == ("fever",)


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
        ({"day": 3651}, "day", "from 0 to 3650"),
        ({"day": 14.0}, "day", "got a decimal number"),
        ({"cervical_arterial_signs": "no"}, "cervical_arterial_signs", "true or false"),
        ({"fever": None}, "fever", "true or false, got null"),
        ({"age": 15}, "age", "16 or over"),
        ({"age": None}, "age", "whole number, got null"),
        ({"age": 40.0}, "age", "whole number"),
        ({"days_since_onset": 3}, "days_since_onset", "unknown field"),
        ({"encounter_date": "2026-11-24"}, "encounter_date", "unknown field"),
        ({"pregnancy_weeks": 43}, "pregnancy_weeks", "from 1 to 42"),
        ({"pregnancy_weeks": 0}, "pregnancy_weeks", "from 1 to 42"),
        ({"muscle_relaxant_name": "tizanidine"}, "muscle_relaxant_name",
         "needs muscle_relaxant_days"),
        ({"muscle_relaxant_days": 2, "muscle_relaxant_name": "valium"}, "muscle_relaxant_name",
         "must be one of"),
        ({"muscle_relaxant_other_condition": True}, "muscle_relaxant_other_condition",
         "needs muscle_relaxant_days"),
        ({"cleared_red_flags": ["neck_pain"]}, "cleared_red_flags", "unknown red flag"),
        ({"takes_maoi": "yes"}, "takes_maoi", "true or false"),
        ({"note": "x"}, "note", "unknown field"),
    ],
)  # fmt: skip
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


def test_visit_python_construction_is_checked_too():
    with pytest.raises(FactsError) as raised:
        VisitFacts(
            day=-1,
            pain_score=11,
            global_change=0,
            fever=None,
            age=12,
            muscle_relaxant_name="baclofen",
            cleared_red_flags=["shoulder"],
        )

    assert list(raised.value.errors) == [
        "day",
        "pain_score",
        "age",
        "muscle_relaxant_name",
        "fever",
        "cleared_red_flags",
    ]
    assert isinstance(raised.value, ValueError)


def test_visit_names_every_bad_field_in_one_error():
    with pytest.raises(FactsError) as raised:
        VisitFacts.from_mapping({"day": "x", "pain_score": 3, "fever": 1, "shoe": 9})

    assert set(raised.value.errors) == {"day", "global_change", "fever", "shoe"}


def test_a_name_without_days_is_fine_at_a_visit_when_it_carries_over():
    visit = VisitFacts(day=14, pain_score=2, global_change=0, muscle_relaxant_name=None)

    assert visit.answers() == {"muscle_relaxant_name": None}


def test_visit_scores_given_as_a_list_are_stored_as_a_tuple():
    visit = VisitFacts(day=1, pain_score=2, global_change=0, activity_scores=[4, 5])

    assert visit.activity_scores == (4, 5)
    assert hash(visit)


def test_key_lists_follow_the_decision_table():
    assert RED_FLAG_KEYS[:4] == (
        "progressive_neuro_deficit",
        "bowel_bladder_dysfunction",
        "cervical_arterial_signs",
        "myelopathy_signs",
    )
    assert RED_FLAG_KEYS[-1] == "chronic_steroid_use"
    assert len(RED_FLAG_KEYS) == 14
    assert HISTORY_KEYS[0] == "gi_bleed_or_ulcer"
    assert HISTORY_KEYS[-1] == "takes_cyp1a2_inhibitor"
    assert len(HISTORY_KEYS) == 23
    assert len(INTAKE_KEYS) == 46
    assert VISIT_KEYS[:6] == (
        "day",
        "pain_score",
        "muscle_relaxant_days",
        "global_change",
        "activity_scores",
        "age",
    )
    assert "days_since_onset" not in VISIT_KEYS
    assert "cleared_red_flags" in VISIT_KEYS


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
    assert tuple(VISIT_FACT_SPECS) == tuple(k for k in VISIT_KEYS if k != "cleared_red_flags")
    assert VISIT_FACT_SPECS["fever"] is FACT_SPECS["fever"]
    assert VISIT_FACT_SPECS["takes_maoi"] is FACT_SPECS["takes_maoi"]
