"""Intake drafts (saved after every step) and the one-transaction submit of a finished intake."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from patients.models import Patient
from patients.services import register_patient
from triage.guideline import CarePlan as PlanResult
from triage.guideline import FactsError, IntakeFacts, Pathway, evaluate_intake
from triage.intake.outcome_tallies import refresh_outcome_tallies
from triage.intake.selectors import answers_digest, submitted_encounter
from triage.models import (
    ASKED_HISTORY_KEYS,
    ASKED_RED_FLAG_KEYS,
    CarePlan,
    Encounter,
    EncounterStatus,
    EpisodeStatus,
    Escalation,
    FollowUp,
    IntakeDraft,
    KeptStep,
    MuscleRelaxant,
    Recommendation,
)

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
    "muscle_relaxant_name": "pain",
    "muscle_relaxant_other_condition": "pain",
    **dict.fromkeys(ASKED_RED_FLAG_KEYS, "red_flags"),
    **dict.fromkeys(ASKED_HISTORY_KEYS, "history"),
}


# Given a draft's answers and patient, the first step still to do (the caller checks the answers
# with the step forms; services never import forms).
StepRouter = Callable[[dict, Patient | None], str]


class IntakeIncompleteError(Exception):
    """The draft cannot be submitted; `errors` maps each step name to its problems."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__(", ".join(sorted(errors)))


@transaction.atomic
def save_step(
    *,
    owner: AbstractBaseUser,
    draft: IntakeDraft | None,
    step: str,
    answers: dict[str, str],
    next_step: StepRouter,
    patient: Patient | None = None,
) -> IntakeDraft:
    """Keep a completed step's answers (opening the draft on its first step) and move the
    draft on to the first step still to do, as `next_step` finds it from the saved answers."""
    if draft is None:
        draft = IntakeDraft(owner=owner, token=uuid.uuid4(), answers={})
        if patient is not None and step != "patient":
            draft.answers["patient"] = {"patient": str(patient.pk)}
    else:
        # Saved now: answers kept from an ended session for this step have had their turn.
        KeptStep.objects.filter(draft=draft, step=step).delete()
    if patient is not None:
        draft.patient = patient
    draft.answers = {**draft.answers, step: answers}
    draft.current_step = next_step(draft.answers, draft.patient)
    draft.save()
    return draft


@transaction.atomic
def set_patient(
    *,
    owner: AbstractBaseUser,
    draft: IntakeDraft | None,
    next_step: StepRouter,
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
        next_step=next_step,
        patient=patient,
    )


@transaction.atomic
def keep_step(
    *, draft: IntakeDraft, user: AbstractBaseUser, step: str, answers: dict[str, str]
) -> KeptStep:
    """Keep a step's answers posted after the user's session ended, for that user to restore
    after signing in again (a later post of the same step replaces it)."""
    kept, _ = KeptStep.objects.update_or_create(
        draft=draft,
        user=user,
        step=step,
        defaults={
            "answers": answers,
            "draft_saved_at": draft.updated_at,
            "kept_at": timezone.now(),
        },
    )
    return kept


@transaction.atomic
def take_kept_step(*, draft: IntakeDraft, user: AbstractBaseUser, step: str) -> dict | None:
    """The answers this user typed into this step before their session ended, once: the kept
    copy is deleted as it is handed out. None when nothing was kept, or when the draft was
    saved after they were kept (its newer answers win over the older typing)."""
    kept = KeptStep.objects.filter(draft=draft, user=user, step=step).first()
    if kept is None:
        return None
    kept.delete()
    return kept.answers if kept.draft_saved_at == draft.updated_at else None


@transaction.atomic
def discard_draft(*, draft: IntakeDraft) -> None:
    """Throw away an unfinished intake (a patient it registered stays registered)."""
    draft.delete()


def relaxant_name(answer: str | None) -> str | None:
    """The engine's relaxant name for a form's answer: None when none is taken or not known."""
    return answer if answer in MuscleRelaxant.values else None


def _facts_mapping(steps: dict, *, patient: Patient, today: datetime.date) -> dict[str, object]:
    """The engine's input, exactly as it will be stored with the plan."""
    pain = steps["pain"]
    red_flags = steps["red_flags"]
    history = steps["history"]
    started = pain["muscle_relaxant_start"]
    return {
        "age": patient.age_on(today),
        "days_since_onset": (today - pain["onset_date"]).days,
        "pain_score": pain["pain_score"],
        "muscle_spasm": pain["muscle_spasm"],
        "neuropathic_features": pain["neuropathic_features"],
        "declines_neck_manipulation": pain["declines_neck_manipulation"],
        "muscle_relaxant_days": (today - started).days if started else None,
        "muscle_relaxant_name": relaxant_name(pain["muscle_relaxant_name"]),
        "muscle_relaxant_other_condition": bool(pain["muscle_relaxant_other_condition"]),
        **{key: red_flags[key] for key in ASKED_RED_FLAG_KEYS},
        **{key: history[key] for key in ASKED_HISTORY_KEYS},
        "encounter_date": today.isoformat(),
    }


def _new_encounter(
    *, draft: IntakeDraft, patient: Patient, user, now: datetime.datetime, steps: dict, facts: dict
) -> Encounter:
    pain = steps["pain"]
    typed = {key: value for key, value in facts.items() if key not in ("age", "encounter_date")}
    typed["muscle_relaxant_name"] = facts["muscle_relaxant_name"] or ""
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


def store_plan(
    *, encounter: Encounter, plan: PlanResult, facts: dict, user, now: datetime.datetime
) -> None:
    """Store the engine's plan for a saved encounter: the snapshot, its visits counted from
    `now`'s date, and the escalation an emergency or urgent plan opens."""
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
    if plan.escalation_priority is not None:
        Escalation.objects.create(
            encounter=encounter,
            red_flags=list(plan.red_flags),
            priority=str(plan.escalation_priority),
            opened_at=now,
        )
    refresh_outcome_tallies(encounters=[encounter])


def needs_review(plan: PlanResult) -> bool:
    """Escalated plans (emergency or urgent) and plans that withhold or caution about a drug
    go to a clinician."""
    return plan.pathway != Pathway.CONSERVATIVE or any(
        code.endswith(REVIEW_SUFFIXES) for code in plan.codes
    )


@transaction.atomic
def record_intake(
    *,
    draft: IntakeDraft,
    steps: dict[str, dict],
    checked_digest: str,
    user: AbstractBaseUser,
    now: datetime.datetime,
) -> Encounter:
    """Submit a draft: encounter, stored care plan, visits or escalation, all or nothing.

    `steps` holds each step's cleaned answers, checked by the caller against the draft whose
    answers had `checked_digest`; if the draft changed since, nothing is written. A replayed or
    concurrent submit of the same draft returns the encounter the first made.
    """
    # The draft with its patient as they are now, in one statement.
    locked = (
        IntakeDraft.objects.select_for_update(of=("self",))
        .select_related("patient")
        .filter(pk=draft.pk)
        .first()
    )
    if locked is None:
        # A submit deletes its draft in the transaction that stores the encounter, so only a
        # missing draft can mean the intake was submitted already.
        existing = submitted_encounter(draft.token)
        if existing is not None:
            return existing
        raise IntakeDraft.DoesNotExist("The draft was discarded before it was submitted.")
    if answers_digest(locked) != checked_digest:
        raise IntakeIncompleteError(
            {"review": ["The answers changed while this intake was submitted: check them again."]}
        )
    today = timezone.localdate(now)
    patient = locked.patient
    if patient is None:
        raise IntakeIncompleteError({"patient": ["Choose the patient."]})
    facts = _facts_mapping(steps, patient=patient, today=today)
    try:
        plan = evaluate_intake(IntakeFacts.from_mapping(facts))
    except FactsError as error:
        problems: dict[str, list[str]] = {}
        for key, problem in error.errors.items():
            problems.setdefault(_FACT_STEP.get(key, "review"), []).append(f"{key} {problem}")
        raise IntakeIncompleteError(problems) from error
    encounter = _new_encounter(
        draft=locked, patient=patient, user=user, now=now, steps=steps, facts=facts
    )
    encounter.pathway = str(plan.pathway)
    encounter.needs_review = needs_review(plan)
    if plan.escalation_priority is not None:
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
    store_plan(encounter=encounter, plan=plan, facts=facts, user=user, now=now)
    locked.delete()
    return encounter
