"""What the recommendations say: reasons by name, doses, stop dates, sources, plain language."""

import datetime

import pytest

from tests.triage.guideline.cases import BASE_INTAKE, FOLLOW_UP_CASES, INTAKE_CASES
from triage.guideline import IntakeFacts, evaluate_follow_up, evaluate_intake

SPASM = {"muscle_spasm": True, "pain_score": 8}


def recommendation(code: str, **facts):
    plan = evaluate_intake(IntakeFacts(**{**BASE_INTAKE, **facts}))
    return next(rec for rec in plan.recommendations if rec.code == code)


def every_produced_recommendation():
    for case in INTAKE_CASES:
        yield from evaluate_intake(case.build()).recommendations
    for case in FOLLOW_UP_CASES:
        yield from evaluate_follow_up(*case.build()).recommendations


@pytest.mark.parametrize(
    ("code", "facts", "reason"),
    [
        ("NSAID_WITHHELD", {"gi_bleed_or_ulcer": True}, "stomach ulcer or gut bleeding"),
        ("NSAID_WITHHELD", {"severe_kidney_disease": True}, "severe kidney disease"),
        ("NSAID_WITHHELD", {"heart_failure": True}, "heart failure"),
        ("NSAID_WITHHELD", {"nsaid_allergy_or_asthma": True}, "after aspirin or another NSAID"),
        ("NSAID_WITHHELD", {"takes_anticoagulant": True}, "blood thinner"),
        ("NSAID_WITHHELD", {"pregnancy_weeks": 31}, "pregnancy of 20 weeks or more"),
        ("NSAID_CAUTION", {"age": 65}, "age 65 or over"),
        ("NSAID_CAUTION", {"cardiovascular_disease": True}, "high blood pressure"),
        ("NSAID_CAUTION", {"liver_disease": True}, "liver disease"),
        ("NSAID_CAUTION", {"pregnancy_weeks": 12}, "pregnancy at 12 weeks"),
        ("MUSCLE_RELAXANT_WITHHELD", {"takes_maoi": True, **SPASM}, "MAO inhibitor"),
        ("MUSCLE_RELAXANT_WITHHELD", {"hyperthyroidism": True, **SPASM}, "overactive thyroid"),
        ("MUSCLE_RELAXANT_WITHHELD", {"arrhythmia_or_heart_block": True, **SPASM}, "rhythm"),
        ("MUSCLE_RELAXANT_WITHHELD", {"recent_myocardial_infarction": True, **SPASM}, "3 months"),
        ("MUSCLE_RELAXANT_WITHHELD", {"heart_failure": True, **SPASM}, "heart failure"),
        ("MUSCLE_RELAXANT_WITHHELD", {"liver_disease": True, **SPASM}, "liver disease"),
        ("MUSCLE_RELAXANT_WITHHELD", {"age": 70, **SPASM}, "Beers Criteria"),
        ("MUSCLE_RELAXANT_CAUTION", {"takes_serotonergic_drug": True, **SPASM}, "serotonin"),
        ("DULOXETINE_WITHHELD", {"neuropathic_features": True, "takes_maoi": True}, "MAO"),
        ("DULOXETINE_WITHHELD", {"neuropathic_features": True, "liver_disease": True}, "liver"),
        ("DULOXETINE_WITHHELD", {"neuropathic_features": True, "severe_kidney_disease": True},
         "kidney"),
        ("DULOXETINE_WITHHELD", {"neuropathic_features": True, "narrow_angle_glaucoma": True},
         "glaucoma"),
        ("DULOXETINE_CAUTION", {"neuropathic_features": True, "takes_serotonergic_drug": True},
         "Serotonin syndrome, because the patient takes a serotonin-acting medicine"),
        ("DULOXETINE_CAUTION", {"neuropathic_features": True, **SPASM},
         "cyclobenzaprine is also suggested"),
        ("DULOXETINE_CAUTION", {"neuropathic_features": True, "takes_anticoagulant": True},
         "Bleeding, because the patient takes a blood thinner"),
        ("DULOXETINE_CAUTION", {"neuropathic_features": True}, "an NSAID is also suggested"),
    ],
)  # fmt: skip
def test_withheld_and_caution_name_their_reasons(code, facts, reason):
    assert reason in recommendation(code, **facts).detail


def test_withheld_names_every_reason_in_table_order():
    detail = recommendation(
        "MUSCLE_RELAXANT_WITHHELD", age=80, takes_maoi=True, liver_disease=True, **SPASM
    ).detail

    maoi, liver, beers = (detail.index(w) for w in ("MAO", "liver disease", "Beers"))
    assert maoi < liver < beers


def test_withheld_sources_follow_the_reasons():
    pregnant = recommendation("NSAID_WITHHELD", pregnancy_weeks=25)
    older = recommendation("MUSCLE_RELAXANT_WITHHELD", age=70, **SPASM)

    assert pregnant.sources == ("FDA NSAID pregnancy communication 2020",)
    assert older.sources == ("AGS Beers Criteria 2023",)


def test_urgent_evaluation_names_every_red_flag_that_fired():
    detail = recommendation(
        "URGENT_EVALUATION", age=70, osteoporosis=True, iv_drug_use=True, myelopathy_signs=True
    ).detail

    for words in ("injecting drug use", "osteoporosis in a person over 65", "clumsy hands"):
        assert words in detail
    assert "fever" not in detail


def test_infection_workup_lists_the_tests():
    detail = recommendation("INFECTION_WORKUP", recent_bloodstream_infection=True).detail

    for test in ("blood count", "ESR", "CRP", "blood cultures", "MRI", "osteomyelitis"):
        assert test in detail


def test_muscle_relaxant_gives_dose_and_calendar_stop_date():
    detail = recommendation(
        "MUSCLE_RELAXANT", encounter_date=datetime.date(2026, 11, 24), **SPASM
    ).detail

    assert "5 mg by mouth three times a day" in detail
    assert "Stop date: Tuesday 8 December 2026, 14 days from this visit." in detail
    assert "stricter than the cyclobenzaprine label" in detail


def test_muscle_relaxant_counts_the_days_already_taken():
    detail = recommendation(
        "MUSCLE_RELAXANT",
        encounter_date=datetime.date(2026, 2, 20),
        muscle_relaxant_days=5,
        **SPASM,
    ).detail

    assert "already been taken for 5 days" in detail
    assert "at most 9 days left" in detail
    assert "Stop date: Sunday 1 March 2026, 9 days from this visit." in detail


def test_muscle_relaxant_after_a_full_course_stops_today():
    detail = recommendation(
        "MUSCLE_RELAXANT",
        encounter_date=datetime.date(2026, 6, 1),
        muscle_relaxant_days=14,
        **SPASM,
    ).detail

    assert "no further days" in detail
    assert "Stop date: today, Monday 1 June 2026." in detail


def test_muscle_relaxant_without_encounter_date_counts_course_days():
    detail = recommendation("MUSCLE_RELAXANT", muscle_relaxant_days=1, **SPASM).detail

    assert "Stop after 14 days (day 14 of the course, 13 days from this visit)" in detail
    assert "calendar date cannot be given" in detail
    assert "already been taken for 1 day," in detail


def test_muscle_relaxant_stop_says_the_14_day_limit_is_a_product_choice():
    detail = recommendation("MUSCLE_RELAXANT_STOP", muscle_relaxant_days=22).detail

    assert "22 days" in detail
    assert "this product's choice" in detail
    assert "2 to 3 weeks" in detail


def test_duloxetine_second_line_gives_the_starting_dose():
    detail = recommendation("DULOXETINE_SECOND_LINE", neuropathic_features=True).detail

    assert "30 mg once a day for 1 week, then 60 mg" in detail


def test_expected_course_warns_a_negative_screen_is_not_a_guarantee():
    detail = recommendation("EXPECTED_COURSE").detail

    assert "cannot rule out every serious cause" in detail


@pytest.mark.parametrize(
    ("code", "evidence"),
    [
        ("EXERCISE_THERAPY", "moderate"),
        ("NSAID", "moderate"),
        ("AVOID_BED_REST", "moderate"),
        ("AVOID_SYSTEMIC_CORTICOSTEROIDS", "low"),
        ("SPINAL_MANIPULATION", None),
    ],
)
def test_evidence_strength_where_the_source_gives_one(code, evidence):
    assert recommendation(code).evidence == evidence


def test_every_recommendation_is_one_plain_short_sentence_with_sources():
    for rec in every_produced_recommendation():
        assert len(rec.summary) < 140, rec.code
        assert rec.summary.endswith("."), rec.code
        assert rec.summary.count(". ") == 0, rec.code
        assert rec.detail.strip(), rec.code
        assert rec.sources, rec.code
        assert len(set(rec.sources)) == len(rec.sources), rec.code


@pytest.mark.parametrize(
    "word", ["diagnosis is", "diagnosed with", "you must", "must take", "prescribe ", "order "]
)
def test_no_text_reads_as_a_diagnosis_or_an_order(word):
    for rec in every_produced_recommendation():
        assert word not in f"{rec.summary} {rec.detail}".lower(), rec.code
