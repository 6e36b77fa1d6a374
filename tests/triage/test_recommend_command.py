"""`manage.py recommend`: JSON in on stdin, JSON out on stdout, bad input exits 2."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from triage.guideline import IntakeFacts, VisitFacts, evaluate_follow_up, evaluate_intake

ROOT = Path(__file__).resolve().parents[2]
INTAKE = {"age": 52, "days_since_onset": 4, "pain_score": 8, "muscle_spasm": True}
VISIT = {"day": 42, "pain_score": 7, "muscle_relaxant_days": None, "global_change": -1}


def run(stdin_text: str, *args: str) -> tuple[str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("recommend", *args, stdin=io.StringIO(stdin_text), stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def refuse(stdin_text: str, *args: str) -> str:
    """Run with bad input: assert exit status 2 and an empty stdout; return stderr."""
    stdout, stderr = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command(
            "recommend", *args, stdin=io.StringIO(stdin_text), stdout=stdout, stderr=stderr
        )
    assert exited.value.code == 2
    assert stdout.getvalue() == ""
    return stderr.getvalue()


def test_intake_writes_the_care_plan_as_json():
    stdout, stderr = run(json.dumps(INTAKE))

    assert json.loads(stdout) == evaluate_intake(IntakeFacts(**INTAKE)).to_dict()
    assert stderr == ""


def test_intake_output_has_the_documented_shape():
    plan = json.loads(run(json.dumps({**INTAKE, "encounter_date": "2026-11-24"}))[0])

    assert list(plan) == [
        "ruleset",
        "pathway",
        "red_flags",
        "cleared_red_flags",
        "recommendations",
        "follow_ups",
    ]
    assert plan["pathway"] == "conservative"
    assert plan["follow_ups"][0]["day"] == 14
    relaxant = next(r for r in plan["recommendations"] if r["code"] == "MUSCLE_RELAXANT")
    assert list(relaxant) == ["code", "indicator", "summary", "detail", "sources"]
    assert "last dose on Monday 7 December (day 14 of the course)" in relaxant["detail"]


def test_rule_set_2_inputs_are_read():
    facts = {
        **INTAKE,
        "muscle_relaxant_days": 20,
        "muscle_relaxant_name": "baclofen",
        "muscle_relaxant_other_condition": True,
        "night_pain": True,
        "cleared_red_flags": ["night_pain"],
        "breastfeeding": True,
        "takes_antiplatelet": True,
    }
    plan = json.loads(run(json.dumps(facts))[0])

    assert plan["pathway"] == "conservative"
    assert plan["cleared_red_flags"] == ["night_pain"]
    codes = [r["code"] for r in plan["recommendations"]]
    assert "MUSCLE_RELAXANT_REVIEW" in codes
    assert "NSAID_GASTROPROTECTION" in codes


def test_an_emergency_intake_writes_the_emergency_plan():
    plan = json.loads(run(json.dumps({**INTAKE, "cervical_arterial_signs": True}))[0])

    assert plan["pathway"] == "emergency"
    assert [r["code"] for r in plan["recommendations"]] == ["EMERGENCY_REFERRAL"]


def test_red_flag_intake_writes_the_urgent_plan():
    plan = json.loads(run(json.dumps({**INTAKE, "fever": True}))[0])

    assert plan["pathway"] == "urgent"
    assert plan["red_flags"] == ["fever"]
    assert [r["code"] for r in plan["recommendations"]] == [
        "URGENT_EVALUATION",
        "INFECTION_WORKUP",
    ]


def test_follow_up_writes_the_assessment_as_json():
    stdout, _ = run(json.dumps({"intake": INTAKE, "visit": VISIT}), "--follow-up")

    expected = evaluate_follow_up(IntakeFacts(**INTAKE), VisitFacts(**VISIT)).to_dict()
    assert json.loads(stdout) == expected
    assert list(expected) == [
        "ruleset",
        "status",
        "status_text",
        "escalation_priority",
        "red_flags",
        "recommendations",
    ]
    assert expected["status"] == "not_improving"
    assert "not yet a drop of at least 2 points" in expected["status_text"]


def test_follow_up_reads_the_visits_own_answers_and_age():
    visit = {**VISIT, "age": 53, "night_pain": True, "takes_maoi": True, "muscle_relaxant_days": 3}
    result = json.loads(run(json.dumps({"intake": INTAKE, "visit": visit}), "--follow-up")[0])

    assert result["status"] == "escalated"
    assert result["escalation_priority"] == "urgent"
    assert result["red_flags"] == ["night_pain"]
    assert [r["code"] for r in result["recommendations"]] == [
        "URGENT_EVALUATION",
        "MUSCLE_RELAXANT_STOP",
    ]


@pytest.mark.parametrize(
    ("stdin_text", "named"),
    [
        ("", "input: is not valid JSON"),
        ("{age: 40}", "input: is not valid JSON"),
        ('{"age": 40', "input: is not valid JSON"),
        ("[1, 2]", "input: must be an object"),
        (json.dumps({**INTAKE, "colour": "red"}), "colour: unknown field"),
        (json.dumps({**INTAKE, "age": "52"}), "age: must be a whole number"),
        (json.dumps({**INTAKE, "fever": 1}), "fever: must be true or false"),
        (json.dumps({**INTAKE, "age": True}), "age: must be a whole number"),
        (json.dumps({**INTAKE, "pain_score": 11}), "pain_score: must be from 0 to 10"),
        (json.dumps({**INTAKE, "pregnancy_weeks": 0}), "pregnancy_weeks: must be from 1 to 42"),
        (json.dumps({"age": 52, "pain_score": 3}), "days_since_onset: is required"),
        (json.dumps({**INTAKE, "age": 15}), "age: must be 16 or over"),
        (json.dumps({**INTAKE, "encounter_date": "tomorrow"}), "encounter_date: must be"),
        ('{"age": 52, "age": 53, "days_since_onset": 1, "pain_score": 2}', "age: given more"),
        (json.dumps({**INTAKE, "muscle_relaxant_days": 3, "muscle_relaxant_name": "valium"}),
         "muscle_relaxant_name: must be one of cyclobenzaprine"),
        (json.dumps({**INTAKE, "muscle_relaxant_name": "baclofen"}),
         "muscle_relaxant_name: needs muscle_relaxant_days"),
        (json.dumps({**INTAKE, "muscle_relaxant_days": None, "muscle_relaxant_name": "other"}),
         "muscle_relaxant_name: needs muscle_relaxant_days"),
        (json.dumps({**INTAKE, "muscle_relaxant_other_condition": True}),
         "muscle_relaxant_other_condition: needs muscle_relaxant_days"),
        (json.dumps({**INTAKE, "cleared_red_flags": ["fever", "sore_throat"]}),
         "cleared_red_flags: must hold only red-flag keys, got unknown red flag 'sore_throat'"),
        (json.dumps({**INTAKE, "cleared_red_flags": "fever"}), "cleared_red_flags: must be a list"),
        (json.dumps({**INTAKE, "pregnancy_weeks": 43}), "pregnancy_weeks: must be from 1 to 42"),
        (json.dumps({**INTAKE, "pregnancy_weeks": 20.0}),
         "pregnancy_weeks: must be a whole number"),
        (json.dumps({**INTAKE, "night_pain": "yes"}), "night_pain: must be true or false"),
        (json.dumps({**INTAKE, "breastfeeding": None}),
         "breastfeeding: must be true or false, got null"),
        (json.dumps({**INTAKE, "takes_antiplatelet": 1}),
         "takes_antiplatelet: must be true or false"),
        (json.dumps({**INTAKE, "pain_score": 5.0}),
         "pain_score: must be a whole number, got a decimal"),
        (json.dumps({**INTAKE, "muscle_relaxant_days": 3.0}),
         "muscle_relaxant_days: must be a whole"),
    ],
)  # fmt: skip
def test_bad_intake_exits_2_naming_the_field(stdin_text, named):
    assert named in refuse(stdin_text)


def test_every_bad_field_is_named_on_its_own_line():
    stderr = refuse(json.dumps({"age": 15, "pain_score": "x", "fever": "yes", "shoe_size": 9}))

    lines = stderr.splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "age",
        "days_since_onset",
        "pain_score",
        "fever",
        "shoe_size",
    ]


@pytest.mark.parametrize(
    ("payload", "named"),
    [
        ({"intake": INTAKE, "visit": VISIT, "note": "hi"}, "note: unknown field"),
        ({"intake": INTAKE}, "visit: is required"),
        ({"visit": VISIT}, "intake: is required"),
        ({"intake": INTAKE, "visit": {**VISIT, "global_change": 7}}, "visit.global_change:"),
        ({"intake": INTAKE, "visit": {**VISIT, "age": 12}}, "visit.age: must be 16 or over"),
        ({"intake": INTAKE, "visit": {**VISIT, "age": None}}, "visit.age: must be a whole number"),
        ({"intake": INTAKE, "visit": {**VISIT, "days_since_onset": 9}},
         "visit.days_since_onset: unknown field"),
        ({"intake": INTAKE, "visit": {**VISIT, "day": 3651}}, "visit.day: must be from 0 to 3650"),
        ({"intake": INTAKE, "visit": {**VISIT, "fever": None}},
         "visit.fever: must be true or false"),
        ({"intake": INTAKE, "visit": {**VISIT, "muscle_relaxant_name": "tizanidine"}},
         "visit.muscle_relaxant_name: needs muscle_relaxant_days"),
        ({"intake": INTAKE, "visit": {**VISIT, "cleared_red_flags": ["x"]}},
         "visit.cleared_red_flags: must hold only red-flag keys"),
        ({"intake": {**INTAKE, "cleared_red_flags": ["fever", 3]}, "visit": VISIT},
         "intake.cleared_red_flags: must hold only red-flag keys, got a whole number"),
        ({"intake": {**INTAKE, "age": 12}, "visit": VISIT}, "intake.age: must be 16 or over"),
        ({"intake": [], "visit": VISIT}, "intake: must be an object"),
        ([INTAKE, VISIT], "input: must be an object"),
    ],
)  # fmt: skip
def test_bad_follow_up_exits_2_naming_the_field(payload, named):
    assert named in refuse(json.dumps(payload), "--follow-up")


def test_follow_up_names_bad_fields_of_both_parts_at_once():
    stderr = refuse(
        json.dumps({"intake": {"age": 40}, "visit": {"day": -1}, "x": 0}), "--follow-up"
    )

    for named in ("x:", "intake.days_since_onset:", "visit.day:", "visit.global_change:"):
        assert named in stderr


def test_intake_input_is_refused_by_follow_up_mode():
    stderr = refuse(json.dumps(INTAKE), "--follow-up")

    assert "age: unknown field" in stderr
    assert "intake: is required" in stderr


def manage(stdin_text: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "recommend", *args],
        input=stdin_text,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=60,
    )


def test_command_line_process_writes_json_and_exits_0():
    result = manage(json.dumps({"intake": INTAKE, "visit": VISIT}), "--follow-up")

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["status"] == "not_improving"


def test_command_line_process_refuses_bad_input_with_status_2():
    result = manage(json.dumps({**INTAKE, "age": 15, "fever": "no"}))

    assert result.returncode == 2
    assert result.stdout == ""
    assert "age: must be 16 or over" in result.stderr
    assert "fever: must be true or false" in result.stderr
