"""The intake's sequence of steps, and how saved answers are checked, resumed and reviewed."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from patients.models import Patient

from .intake_forms import HistoryForm, IntakeStepForm, PainForm, PatientChoiceForm, RedFlagForm


@dataclass(frozen=True)
class Step:
    name: str
    title: str
    form_class: type[IntakeStepForm]


STEPS: tuple[Step, ...] = (
    Step("patient", "Patient", PatientChoiceForm),
    Step("pain", "Presenting pain", PainForm),
    Step("red_flags", "Red-flag screen", RedFlagForm),
    Step("history", "History and medicines", HistoryForm),
)
STEP_BY_NAME = {step.name: step for step in STEPS}
REVIEW = "review"


def bind_step(
    step: Step, answers: dict, *, patient: Patient | None, today: datetime.date
) -> IntakeStepForm | None:
    """The step's form bound to the saved answers, or None if the step was never saved."""
    saved = answers.get(step.name)
    if not isinstance(saved, dict):
        return None
    return step.form_class(saved, patient=patient, today=today)


def check_answers(
    answers: dict, *, patient: Patient | None, today: datetime.date
) -> dict[str, IntakeStepForm | None]:
    """Every step's form bound to the saved answers (None where never saved)."""
    return {step.name: bind_step(step, answers, patient=patient, today=today) for step in STEPS}


def first_incomplete_step(forms_by_step: dict[str, IntakeStepForm | None]) -> str:
    """The first step still missing or invalid, or the review when all are done."""
    for name, form in forms_by_step.items():
        if form is None or not form.is_valid():
            return name
    return REVIEW


def review_summary(forms_by_step: dict[str, IntakeStepForm | None], problems: dict) -> dict:
    """What the review page shows: each step's answers or what is missing, red flags first."""
    sections = [
        {
            "step": step,
            "form": forms_by_step[step.name],
            "complete": forms_by_step[step.name] is not None
            and forms_by_step[step.name].is_valid(),
            "problems": problems.get(step.name, []),
        }
        for step in STEPS
    ]
    red_flags = forms_by_step["red_flags"]
    return {
        "sections": sections,
        "complete": all(section["complete"] for section in sections),
        "red_flags_yes": (
            red_flags.flags_answered_yes() if red_flags and red_flags.is_valid() else []
        ),
        "other_problems": problems.get(REVIEW, []),
    }
