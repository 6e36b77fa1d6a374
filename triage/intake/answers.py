"""Checking a draft's saved answers with the step forms: which step comes next, what the review
shows, and the cleaned answers a submit hands to the service."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from patients.forms import error_links
from patients.models import Patient
from triage.intake import services
from triage.intake.forms import (
    HistoryForm,
    IntakeStepForm,
    PainForm,
    PatientChoiceForm,
    RedFlagForm,
)
from triage.intake.selectors import answers_digest, submitted_encounter
from triage.intake.steps import REVIEW, STEPS, Step
from triage.models import Encounter, IntakeDraft

STEP_FORMS: dict[str, type[IntakeStepForm]] = {
    "patient": PatientChoiceForm,
    "pain": PainForm,
    "red_flags": RedFlagForm,
    "history": HistoryForm,
}


def bind_step(
    step: Step, answers: dict, *, patient: Patient | None, today: datetime.date
) -> IntakeStepForm | None:
    """The step's form bound to the saved answers, or None if the step was never saved."""
    saved = answers.get(step.name)
    if not isinstance(saved, dict):
        return None
    return STEP_FORMS[step.name](saved, patient=patient, today=today)


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


def step_router(*, today: datetime.date):
    """For the intake services: the first step still to do, given saved answers and patient."""

    def first_step_to_do(answers: dict, patient: Patient | None) -> str:
        return first_incomplete_step(check_answers(answers, patient=patient, today=today))

    return first_step_to_do


def step_problems(forms_by_step: dict[str, IntakeStepForm | None]) -> dict[str, list[str]]:
    """What is still wrong with each step, in the words the step pages use."""
    problems = {}
    for name, form in forms_by_step.items():
        if form is None:
            problems[name] = ["This step has not been completed."]
        elif not form.is_valid():
            problems[name] = [message for _, _, message in error_links(form)]
    return problems


def cleaned_steps(forms_by_step: dict[str, IntakeStepForm | None]) -> dict[str, dict]:
    """Every step's cleaned answers (call only when step_problems found none)."""
    return {name: form.cleaned_data for name, form in forms_by_step.items() if form is not None}


def submit_draft(
    *, draft: IntakeDraft, user: AbstractBaseUser, now: datetime.datetime
) -> Encounter:
    """Check every step of a draft with its form, then submit it (services.record_intake).

    Raises services.IntakeIncompleteError naming each step's problems when a step is missing
    or no longer valid (an age, a date, a patient changed since the step was saved).
    """
    forms_by_step = check_answers(
        draft.answers, patient=draft.patient, today=timezone.localdate(now)
    )
    problems = step_problems(forms_by_step)
    if draft.patient_id is None:
        problems["patient"] = ["Choose the patient."]
    if problems and submitted_encounter(draft.token) is None:
        raise services.IntakeIncompleteError(problems)
    return services.record_intake(
        draft=draft,
        steps=cleaned_steps(forms_by_step),
        checked_digest=answers_digest(draft),
        user=user,
        now=now,
    )
