"""The muscle-relaxant cards: last dose dates, reasons per drug, the taper, the driving warning."""

import datetime

import pytest

from triage.guideline import IntakeFacts, VisitFacts, evaluate_follow_up, evaluate_intake

BASE = {"age": 40, "days_since_onset": 5, "pain_score": 5}
SPASM = {"muscle_spasm": True, "pain_score": 8}
# Monday 30 November 2026: its course's last dose is on Sunday 13 December.
MONDAY = "2026-11-30"
RELAXANT_CODES = {
    "MUSCLE_RELAXANT",
    "MUSCLE_RELAXANT_CONTINUE",
    "MUSCLE_RELAXANT_STOP",
    "MUSCLE_RELAXANT_REVIEW",
    "MUSCLE_RELAXANT_WITHHELD",
    "MUSCLE_RELAXANT_CAUTION",
}


def relaxant_cards(**facts):
    plan = evaluate_intake(IntakeFacts.from_mapping({**BASE, **facts}))
    return {rec.code: rec for rec in plan.recommendations if rec.code in RELAXANT_CODES}


def card(code, **facts):
    return relaxant_cards(**facts)[code]


# --- The last dose: encounter date + 13 - days taken (days 0 to 13 are the course) ----------------


def test_a_started_course_writes_its_last_dose_as_the_table_does():
    detail = card("MUSCLE_RELAXANT", **SPASM, encounter_date=MONDAY).detail

    assert "last dose on Sunday 13 December (day 14 of the course), 13 days from today" in detail
    assert "from Monday 14 December no more doses" in detail


@pytest.mark.parametrize(
    ("days_taken", "last_dose", "when"),
    [
        (0, "Sunday 13 December", "13 days from today"),
        (1, "Saturday 12 December", "12 days from today"),
        (5, "Tuesday 8 December", "8 days from today"),
        (12, "Tuesday 1 December", "1 day from today"),
        (13, "Monday 30 November", "today"),
    ],
)
def test_a_continued_course_ends_13_minus_days_taken_after_the_encounter(
    days_taken, last_dose, when
):
    detail = card(
        "MUSCLE_RELAXANT_CONTINUE", muscle_relaxant_days=days_taken, encounter_date=MONDAY
    ).detail

    assert f"last dose on {last_dose} (day 14 of the course), {when};" in detail
    assert f"today is day {days_taken + 1} of the course" in detail or days_taken == 0


def test_a_course_across_the_new_year_keeps_the_weekday():
    detail = card("MUSCLE_RELAXANT", **SPASM, encounter_date="2026-12-25").detail

    assert "last dose on Thursday 7 January (day 14 of the course)" in detail


def test_without_an_encounter_date_the_course_day_is_given():
    detail = card("MUSCLE_RELAXANT_CONTINUE", muscle_relaxant_days=1).detail

    assert "last dose on day 14 of the course, 12 days from today" in detail
    assert "calendar date cannot be given" in detail


@pytest.mark.parametrize(
    ("days_taken", "code"), [(13, "MUSCLE_RELAXANT_CONTINUE"), (14, "MUSCLE_RELAXANT_STOP")]
)
def test_the_course_is_complete_at_14_days_at_intake(days_taken, code):
    assert set(relaxant_cards(muscle_relaxant_days=days_taken, **SPASM)) == {code}


@pytest.mark.parametrize(("days_taken", "stop"), [(13, False), (14, True), (15, True)])
def test_the_course_is_complete_at_14_days_at_a_visit(days_taken, stop):
    assessment = evaluate_follow_up(
        IntakeFacts(**BASE),
        VisitFacts(day=14, pain_score=3, global_change=2, muscle_relaxant_days=days_taken),
    )

    assert ("MUSCLE_RELAXANT_STOP" in assessment.codes) is stop


def test_stop_at_14_days_says_the_course_is_complete():
    found = card("MUSCLE_RELAXANT_STOP", muscle_relaxant_days=14)

    assert "has been taken for 14 days: the 14-day course is complete." in found.detail
    assert "course is complete" in found.summary
    assert "this product's choice" in found.detail
    assert "2 to 3 weeks" in found.detail


def test_stop_after_14_days_says_it_is_past_the_course():
    assert "complete, and past it" in card("MUSCLE_RELAXANT_STOP", muscle_relaxant_days=22).detail


# --- Reasons per drug -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "facts", "reason"),
    [
        ("cyclobenzaprine", {"takes_maoi": True}, "MAO inhibitor"),
        ("cyclobenzaprine", {"hyperthyroidism": True}, "overactive thyroid"),
        ("cyclobenzaprine", {"arrhythmia_or_heart_block": True}, "heart rhythm"),
        ("cyclobenzaprine", {"recent_myocardial_infarction": True}, "heart attack"),
        ("cyclobenzaprine", {"heart_failure": True}, "heart failure"),
        ("cyclobenzaprine", {"liver_disease": True}, "cyclobenzaprine builds up"),
        ("cyclobenzaprine", {"age": 65}, "Beers Criteria"),
        ("methocarbamol", {"age": 65}, "Beers Criteria"),
        ("tizanidine", {"liver_disease": True}, "tizanidine can damage the liver"),
        ("tizanidine", {"takes_cyp1a2_inhibitor": True}, "fluvoxamine or ciprofloxacin"),
        ("baclofen", {"severe_kidney_disease": True}, "baclofen builds up"),
        ("other", {"takes_maoi": True}, "MAO inhibitor"),
        (None, {"age": 70}, "Beers Criteria"),
    ],
)
def test_a_relaxant_being_taken_is_stopped_for_its_own_reasons(name, facts, reason):
    found = card("MUSCLE_RELAXANT_STOP", muscle_relaxant_days=3, muscle_relaxant_name=name, **facts)

    assert reason in found.detail
    assert "a safety reason applies" in found.summary
    assert "before the course would end" in found.detail


@pytest.mark.parametrize(
    ("name", "facts"),
    [
        ("methocarbamol", {"takes_maoi": True, "liver_disease": True, "heart_failure": True}),
        ("tizanidine", {"age": 80, "takes_maoi": True, "severe_kidney_disease": True}),
        ("baclofen", {"age": 80, "liver_disease": True, "takes_cyp1a2_inhibitor": True}),
        ("cyclobenzaprine", {"takes_cyp1a2_inhibitor": True, "severe_kidney_disease": True}),
    ],
)
def test_another_drugs_reasons_do_not_stop_a_relaxant(name, facts):
    cards = relaxant_cards(muscle_relaxant_days=3, muscle_relaxant_name=name, **facts)

    assert "MUSCLE_RELAXANT_STOP" not in cards
    assert "MUSCLE_RELAXANT_CONTINUE" in cards


def test_an_unnamed_relaxant_says_the_strictest_list_was_used():
    detail = card("MUSCLE_RELAXANT_STOP", muscle_relaxant_days=3, hyperthyroidism=True).detail

    assert "strictest list of reasons (cyclobenzaprine's)" in detail


def test_a_completed_course_with_a_reason_names_both():
    detail = card(
        "MUSCLE_RELAXANT_STOP",
        muscle_relaxant_days=20,
        muscle_relaxant_name="tizanidine",
        liver_disease=True,
    ).detail

    assert "the 14-day course is complete" in detail
    assert "also not advised for this patient because of: liver disease" in detail


# --- The taper, and the long-term relaxant that is never stopped ----------------------------------


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("tizanidine", "Tizanidine is reduced gradually with the prescriber, not stopped at once"),
        ("baclofen", "Baclofen is reduced gradually with the prescriber, not stopped at once"),
        ("cyclobenzaprine", "Tizanidine and baclofen are reduced gradually"),
        (None, "Tizanidine and baclofen are reduced gradually"),
    ],
)
def test_stopping_says_how_tizanidine_and_baclofen_are_tapered(name, words):
    detail = card("MUSCLE_RELAXANT_STOP", muscle_relaxant_days=30, muscle_relaxant_name=name).detail

    assert words in detail


@pytest.mark.parametrize("name", ["baclofen", "tizanidine", "cyclobenzaprine", "other", None])
@pytest.mark.parametrize("days_taken", [0, 13, 14, 400])
def test_a_relaxant_for_another_condition_is_never_stopped(name, days_taken):
    facts = {
        "muscle_relaxant_days": days_taken,
        "muscle_relaxant_name": name,
        "muscle_relaxant_other_condition": True,
        "age": 80,
        "severe_kidney_disease": True,
        "liver_disease": True,
        "takes_serotonergic_drug": True,
        **SPASM,
    }
    cards = relaxant_cards(**facts)

    assert set(cards) == {"MUSCLE_RELAXANT_REVIEW"}
    assert "keeps taking it as prescribed" in cards["MUSCLE_RELAXANT_REVIEW"].detail
    assessment = evaluate_follow_up(
        IntakeFacts.from_mapping({**BASE, **facts}),
        VisitFacts(day=14, pain_score=4, global_change=1, muscle_relaxant_days=days_taken + 14),
    )
    assert "MUSCLE_RELAXANT_STOP" not in assessment.codes
    assert "MUSCLE_RELAXANT_REVIEW" in assessment.codes


def test_the_review_names_the_reasons_to_take_to_the_prescriber():
    detail = card(
        "MUSCLE_RELAXANT_REVIEW",
        muscle_relaxant_days=300,
        muscle_relaxant_name="baclofen",
        muscle_relaxant_other_condition=True,
        severe_kidney_disease=True,
    ).detail

    assert "Review it with its prescriber because of: severe kidney disease" in detail
    assert "the 14-day limit does not apply" in detail
    assert "Do not add a second muscle relaxant" in detail


# --- Every relaxant card given for a relaxant taken or started warns about driving ----------------


@pytest.mark.parametrize(
    "facts",
    [
        SPASM,
        {"muscle_relaxant_days": 4, "muscle_relaxant_name": "methocarbamol"},
        {"muscle_relaxant_days": 20},
        {"muscle_relaxant_days": 40, "muscle_relaxant_other_condition": True},
        {**SPASM, "takes_sedating_medicine": True},
    ],
)
def test_every_relaxant_card_for_a_drug_in_use_warns_about_driving(facts):
    cards = relaxant_cards(**facts)

    assert cards
    for found in cards.values():
        assert "not drive or use machines" in found.detail, found.code


def test_a_continued_relaxant_is_named_and_no_second_one_is_added():
    found = card(
        "MUSCLE_RELAXANT_CONTINUE",
        muscle_relaxant_days=4,
        muscle_relaxant_name="methocarbamol",
        **SPASM,
    )

    assert found.detail.startswith("Methocarbamol has been taken for 4 days")
    assert "Do not add a second muscle relaxant" in found.detail


def test_a_caution_names_the_relaxant_continued():
    detail = card(
        "MUSCLE_RELAXANT_CAUTION",
        muscle_relaxant_days=4,
        muscle_relaxant_name="tizanidine",
        breastfeeding=True,
    ).detail

    assert "Extra care with tizanidine because of: breastfeeding" in detail


def test_dates_do_not_depend_on_the_clock():
    first = card("MUSCLE_RELAXANT", **SPASM, encounter_date=MONDAY)
    again = card("MUSCLE_RELAXANT", **SPASM, encounter_date=datetime.date(2026, 11, 30).isoformat())

    assert first == again
