"""Intake drafts (saved after every step) and the one-transaction submit of a finished intake."""

from __future__ import annotations

import datetime
import hashlib
import json
import uuid

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Case, CharField, Value, When
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from patients.forms import error_links
from patients.models import Encounter, EncounterStatus, EpisodeStatus, Patient
from patients.services import register_patient

from .guideline import (
    HISTORY_KEYS,
    RED_FLAG_KEYS,
    FactsError,
    IntakeFacts,
    Pathway,
    evaluate_intake,
)
from .guideline import CarePlan as PlanResult
from .intake_steps import STEPS, check_answers, first_incomplete_step
from .models import CarePlan, Escalation, FollowUp, IntakeDraft, Recommendation

# The home page lists this many drafts; the drafts page lists them all.
DRAFTS_ON_HOME = 10
REVIEW_SUFFIXES = ("_WITHHELD", "_CAUTION")
# Which step asks for each engine fact, to send an engine complaint back to the right page.
_FACT_STEP = {
    "age": "patient",
    "days_since_onset": "pain",
    "pain_score": "pain",
    "muscle_spasm": "pain",
    "neuropathic_features": "pain",
    "declines_neck_manipulation": "pain",
    "muscle_relaxant_days": "pain",
    **{key: "red_flags" for key in RED_FLAG_KEYS},
    **{key: "history" for key in HISTORY_KEYS},
}


class IntakeIncomplete(Exception):
    """The draft cannot be submitted; `errors` maps each step name to its problems."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__(", ".join(sorted(errors)))


class DraftList(list):
    """Some of a user's drafts; `has_more` says whether others were left off."""

    has_more = False


def all_drafts_for(user: AbstractBaseUser):
    """The user's unfinished intakes, most recently saved first, with their next step's title."""
    titles = [When(current_step=step.name, then=Value(step.title)) for step in STEPS]
    return (
        IntakeDraft.objects.filter(owner=user)
        .select_related("patient")
        .annotate(step_title=Case(*titles, default=Value("Review"), output_field=CharField()))
        .order_by("-updated_at", "-pk")
    )


def drafts_for(user: AbstractBaseUser, *, limit: int = DRAFTS_ON_HOME) -> DraftList:
    """The user's most recent unfinished intakes, for the home page."""
    rows = list(all_drafts_for(user)[: limit + 1])
    shown = DraftList(rows[:limit])
    shown.has_more = len(rows) > limit
    return shown


def draft_for_patient(*, owner: AbstractBaseUser, patient: Patient) -> IntakeDraft | None:
    """The owner's latest unfinished intake for this patient, if any."""
    return all_drafts_for(owner).filter(patient=patient).first()


def answers_digest(draft: IntakeDraft) -> str:
    """A fingerprint of the draft's answers: the review page posts it back with the submit."""
    content = json.dumps([draft.patient_id, draft.answers], sort_keys=True)
    return hashlib.sha256(content.encode()).hexdigest()[:32]


@transaction.atomic
def save_step(
    *,
    owner: AbstractBaseUser,
    draft: IntakeDraft | None,
    step: str,
    answers: dict[str, str],
    today: datetime.date,
    patient: Patient | None = None,
) -> IntakeDraft:
    """Keep a completed step's answers (opening the draft on its first step) and move the
    draft on to the first step still to do."""
    if draft is None:
        draft = IntakeDraft(owner=owner, token=uuid.uuid4(), answers={})
        if patient is not None and step != "patient":
            draft.answers["patient"] = {"patient": str(patient.pk)}
    if patient is not None:
        draft.patient = patient
    draft.answers = {**draft.answers, step: answers}
    forms = check_answers(draft.answers, patient=draft.patient, today=today)
    draft.current_step = first_incomplete_step(forms)
    draft.save()
    return draft


@transaction.atomic
def set_patient(
    *,
    owner: AbstractBaseUser,
    draft: IntakeDraft | None,
    today: datetime.date,
    patient: Patient | None = None,
    new_patient: dict | None = None,
) -> IntakeDraft:
    """Make the chosen patient, or one registered now from `new_patient` (a validated patient
    form's data), the draft's patient. A patient registered here stays registered even if the
    draft is discarded: it is a real record from this moment."""
    if new_patient is not None:
        patient = register_patient(form_data=new_patient)
    if patient is None:
        raise ValueError("set_patient needs a patient or a new patient's details")
    return save_step(
        owner=owner,
        draft=draft,
        step="patient",
        answers={"patient": str(patient.pk)},
        today=today,
        patient=patient,
    )


@transaction.atomic
def discard_draft(*, draft: IntakeDraft) -> None:
    """Throw away an unfinished intake (a patient it registered stays registered)."""
    draft.delete()


def submitted_encounter(token: uuid.UUID) -> Encounter | None:
    """The encounter an intake token already produced, if it was submitted."""
    return Encounter.objects.filter(intake_token=token).first()


def _step_errors(forms: dict) -> dict[str, list[str]]:
    errors = {}
    for name, form in forms.items():
        if form is None:
            errors[name] = ["This step has not been completed."]
        elif not form.is_valid():
            errors[name] = [message for _, _, message in error_links(form)]
    return errors


def _facts_mapping(forms: dict, *, patient: Patient, today: datetime.date) -> dict[str, object]:
    """The engine's input, exactly as it will be stored with the plan."""
    pain = forms["pain"].cleaned_data
    red_flags = forms["red_flags"].cleaned_data
    history = forms["history"].cleaned_data
    started = pain["muscle_relaxant_start"]
    return {
        "age": patient.age_on(today),
        "days_since_onset": (today - pain["onset_date"]).days,
        "pain_score": pain["pain_score"],
        "muscle_spasm": pain["muscle_spasm"],
        "neuropathic_features": pain["neuropathic_features"],
        "declines_neck_manipulation": pain["declines_neck_manipulation"],
        "muscle_relaxant_days": (today - started).days if started else None,
        **{key: red_flags[key] for key in RED_FLAG_KEYS},
        **{key: history[key] for key in HISTORY_KEYS},
        "encounter_date": today.isoformat(),
    }


def _new_encounter(
    *, draft: IntakeDraft, patient: Patient, user, now: datetime.datetime, forms: dict, facts: dict
) -> Encounter:
    pain = forms["pain"].cleaned_data
    typed = {key: value for key, value in facts.items() if key not in ("age", "encounter_date")}
    return Encounter(
        patient=patient,
        occurred_at=now,
        recorded_by=user,
        status=EncounterStatus.SUBMITTED,
        intake_token=draft.token,
        age_years=facts["age"],
        onset_date=pain["onset_date"],
        pain_location=pain["pain_location"],
        muscle_relaxant_start=pain["muscle_relaxant_start"],
        **typed,
    )


def _store_plan(
    *, encounter: Encounter, plan: PlanResult, facts: dict, user, now: datetime.datetime
) -> None:
    care_plan = CarePlan.objects.create(
        encounter=encounter,
        ruleset=plan.ruleset,
        pathway=str(plan.pathway),
        red_flags=list(plan.red_flags),
        input_facts=facts,
    )
    Recommendation.objects.bulk_create(
        Recommendation.snapshots(plan.recommendations, ruleset=plan.ruleset, care_plan=care_plan)
    )
    day_zero = timezone.localdate(now)
    visits = [
        FollowUp(
            encounter=encounter,
            due_date=day_zero + datetime.timedelta(days=visit.day),
            plan_day=visit.day,
            purpose=visit.purpose,
        )
        for visit in plan.follow_ups
    ]
    if visits:
        bulk_create_with_history(visits, FollowUp, default_user=user, default_date=now)
    if plan.pathway == Pathway.URGENT:
        Escalation.objects.create(
            encounter=encounter, red_flags=list(plan.red_flags), opened_at=now
        )


def needs_review(plan: PlanResult) -> bool:
    """Urgent plans and plans that withhold or caution about a drug go to a clinician."""
    return plan.pathway == Pathway.URGENT or any(
        code.endswith(REVIEW_SUFFIXES) for code in plan.codes
    )


@transaction.atomic
def record_intake(
    *, draft: IntakeDraft, user: AbstractBaseUser, now: datetime.datetime
) -> Encounter:
    """Submit a draft: encounter, stored care plan, visits or escalation, all or nothing.

    A replayed or concurrent submit of the same draft returns the encounter the first made.
    """
    locked = IntakeDraft.objects.select_for_update().filter(pk=draft.pk).first()
    existing = submitted_encounter(draft.token)
    if existing is not None:
        return existing
    if locked is None:
        raise IntakeDraft.DoesNotExist("The draft was discarded before it was submitted.")
    today = timezone.localdate(now)
    patient = Patient.objects.filter(pk=locked.patient_id).first()
    forms = check_answers(locked.answers, patient=patient, today=today)
    errors = _step_errors(forms)
    if patient is None:
        errors["patient"] = ["Choose the patient."]
    if errors:
        raise IntakeIncomplete(errors)
    facts = _facts_mapping(forms, patient=patient, today=today)
    try:
        plan = evaluate_intake(IntakeFacts.from_mapping(facts))
    except FactsError as error:
        problems: dict[str, list[str]] = {}
        for key, problem in error.errors.items():
            problems.setdefault(_FACT_STEP.get(key, "review"), []).append(f"{key} {problem}")
        raise IntakeIncomplete(problems) from error
    encounter = _new_encounter(
        draft=locked, patient=patient, user=user, now=now, forms=forms, facts=facts
    )
    encounter.pathway = str(plan.pathway)
    encounter.needs_review = needs_review(plan)
    if plan.pathway == Pathway.URGENT:
        encounter.episode_status = EpisodeStatus.ESCALATED
    try:
        with transaction.atomic():
            encounter.save()
    except IntegrityError:
        # Another submit of this draft won the race on the unique token: answer with its work.
        existing = submitted_encounter(draft.token)
        if existing is None:
            raise
        return existing
    _store_plan(encounter=encounter, plan=plan, facts=facts, user=user, now=now)
    locked.delete()
    return encounter
