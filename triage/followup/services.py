"""Writes to an episode's course: visits recorded or missed, escalations closed."""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from triage.guideline import (
    FACT_SPECS,
    HISTORY_KEYS,
    RED_FLAG_KEYS,
    FollowUpAssessment,
    IntakeFacts,
    Pathway,
    VisitFacts,
    evaluate_follow_up,
    evaluate_intake,
)
from triage.intake import outcome_tallies
from triage.intake import services as intake_services
from triage.models import (
    ASKED_RED_FLAG_KEYS,
    ESCALATED_PATHWAYS,
    MEDICINE_REVIEW_DAY,
    CarePlan,
    Encounter,
    EpisodeStatus,
    Escalation,
    EscalationOutcome,
    EscalationPriority,
    FollowUp,
    FollowUpStatus,
    Recommendation,
    VisitRecord,
)

RESOLVED_REASON = "resolved"
# The intake's answers a conservative plan after an escalation carries over (age and days since
# onset are those of the day it is made).
ANSWER_COLUMNS = frozenset(
    {
        "onset_date",
        "pain_location",
        "pain_score",
        "muscle_spasm",
        "neuropathic_features",
        "declines_neck_manipulation",
        "muscle_relaxant_start",
        "muscle_relaxant_days",
        "muscle_relaxant_name",
        "muscle_relaxant_other_condition",
        *RED_FLAG_KEYS,
        *HISTORY_KEYS,
    }
)
UNSCHEDULED_PURPOSE = "Unscheduled visit"
ACTIVITY_SLOTS = (1, 2, 3)
# The visit's own columns, as the form's cleaned data names them.
FINDING_FIELDS = (
    "visit_date",
    "pain_score",
    "muscle_relaxant_days",
    "global_change",
    *(f"activity_{slot}_{part}" for slot in ACTIVITY_SLOTS for part in ("name", "score")),
    "note",
    *ASKED_RED_FLAG_KEYS,
)


class VisitConflictError(Exception):
    """The follow-up changed since the form was read; `follow_up` is how it stands now."""

    def __init__(self, follow_up: FollowUp) -> None:
        self.follow_up = follow_up
        super().__init__(f"Follow-up {follow_up.pk} is at version {follow_up.version}")


class EscalationAlreadyClosedError(Exception):
    """Someone recorded the escalation's outcome first; `escalation` is how it stands now."""

    def __init__(self, escalation: Escalation) -> None:
        self.escalation = escalation
        super().__init__(f"Escalation {escalation.pk} is already closed")


def intake_date(encounter: Encounter) -> datetime.date:
    """The clinic's local date of the intake encounter: day 0 of the course."""
    return timezone.localdate(encounter.occurred_at)


def _lock_scheduled(
    follow_up: FollowUp, version: int, *, with_open_escalation: bool = False
) -> FollowUp:
    """Lock the follow-up row; refuse when someone else wrote it since `version` was read.

    `with_open_escalation` reads in the same statement whether the episode has an open
    escalation (`episode_escalation_open`): current once the caller holds the episode's lock,
    which whoever opens or closes an escalation takes first."""
    rows = FollowUp.objects.select_for_update()
    if with_open_escalation:
        open_escalations = Escalation.objects.open().filter(encounter=OuterRef("encounter_id"))
        rows = rows.annotate(episode_escalation_open=Exists(open_escalations))
    locked = rows.get(pk=follow_up.pk)
    if (
        locked.version != version
        or locked.status != FollowUpStatus.SCHEDULED
        or locked.voided_at is not None
    ):
        raise VisitConflictError(locked)
    return locked


def _visit_facts(
    findings: Mapping[str, object], *, day: int, age: int, answers: Mapping[str, object]
) -> VisitFacts:
    scores = [
        findings[f"activity_{slot}_score"]
        for slot in ACTIVITY_SLOTS
        if findings.get(f"activity_{slot}_score") is not None
    ]
    return VisitFacts.from_mapping(
        {
            "day": day,
            "age": age,
            "pain_score": findings["pain_score"],
            "muscle_relaxant_days": findings.get("muscle_relaxant_days"),
            "global_change": findings["global_change"],
            "activity_scores": scores,
            **{key: bool(findings[key]) for key in ASKED_RED_FLAG_KEYS},
            **answers,
        }
    )


def _store_assessment(
    *,
    follow_up: FollowUp,
    findings: Mapping[str, object],
    facts: VisitFacts,
    assessment: FollowUpAssessment,
    user: AbstractBaseUser,
) -> VisitRecord:
    fields = {name: findings.get(name) for name in FINDING_FIELDS}
    for slot in ACTIVITY_SLOTS:
        fields[f"activity_{slot}_name"] = fields[f"activity_{slot}_name"] or ""
    fields["note"] = fields["note"] or ""
    visit = VisitRecord.objects.create(
        follow_up=follow_up,
        day=facts.day,
        outcome_status=str(assessment.status),
        ruleset=assessment.ruleset,
        input_facts=facts.to_dict(),
        red_flags=list(assessment.red_flags),
        status_text=assessment.status_text,
        recorded_by=user,
        **fields,
    )
    Recommendation.objects.bulk_create(
        Recommendation.snapshots(
            assessment.recommendations, ruleset=assessment.ruleset, visit=visit
        )
    )
    return visit


def _apply_to_episode(
    *,
    encounter: Encounter,
    visit: VisitRecord,
    assessment: FollowUpAssessment,
    user: AbstractBaseUser,
    now: datetime.datetime,
    escalation_open: bool,
) -> None:
    """Move the episode to the visit's status; cancel the rest on resolution, escalate on flags.

    `escalation_open`: whether the episode had an open escalation before this visit."""
    status = str(assessment.status)
    if status == EpisodeStatus.ESCALATED:
        Escalation.objects.create(
            encounter=encounter,
            visit=visit,
            red_flags=list(assessment.red_flags),
            priority=str(assessment.escalation_priority or EscalationPriority.URGENT),
            opened_at=now,
        )
    elif escalation_open:
        # An open escalation outranks any visit's reassurance until a clinician closes it.
        status = EpisodeStatus.ESCALATED
    elif status == EpisodeStatus.RESOLVED:
        # One save per visit (at most a few) so each change lands in the history.
        for remaining in encounter.follow_ups.open():
            remaining.status = FollowUpStatus.CANCELLED
            remaining.status_reason = RESOLVED_REASON
            remaining.recorded_by = user
            remaining.recorded_at = now
            remaining.version += 1
            # The history names who cancelled it, even outside a request (demo, commands).
            remaining._history_user = user
            remaining.save()
    encounter.episode_status = status
    encounter.save(update_fields=["episode_status", "updated_at"])


def refresh_medicine_review_marks(*, encounter_ids: Iterable[int] | None = None) -> int:
    """Mark each missed medicine review of these episodes (of every episode when None, after a
    bulk load) done while a visit of its episode is recorded on or after its due date."""
    visit_since = FollowUp.objects.filter(
        encounter=OuterRef("encounter"),
        status=FollowUpStatus.COMPLETED,
        voided_at__isnull=True,
        visit__visit_date__gte=OuterRef("due_date"),
    )
    reviews = FollowUp.objects.filter(status=FollowUpStatus.MISSED, plan_day=MEDICINE_REVIEW_DAY)
    if encounter_ids is not None:
        reviews = reviews.filter(encounter_id__in=list(encounter_ids))
    # One statement, no history row: the mark is derived, and the visit that changed it has its
    # own history.
    return reviews.update(review_done=Exists(visit_since))


@transaction.atomic
def record_visit(
    *,
    follow_up: FollowUp,
    version: int,
    findings: Mapping[str, object],
    user: AbstractBaseUser,
    now: datetime.datetime,
    answers: Mapping[str, object] | None = None,
) -> VisitRecord:
    """Record a scheduled visit, have the engine assess it, and update the episode.

    `answers` are intake questions the visit asked again (the medicine review asks the history
    and medicine questions): they override the intake's for this visit. Red flags are judged
    with the patient's age on the visit date.
    """
    # The encounter first, then the visit: the same order everywhere, so two visits of one
    # episode recorded at once queue up instead of deadlocking over the cancellations.
    encounter = (
        Encounter.objects.select_for_update(of=("self",))
        .select_related("care_plan", "patient")
        .get(pk=follow_up.encounter_id)
    )
    locked = _lock_scheduled(follow_up, version, with_open_escalation=True)
    visit_date = findings["visit_date"]
    facts = _visit_facts(
        findings,
        day=(visit_date - intake_date(encounter)).days,
        age=encounter.patient.age_on(visit_date),
        answers=answers or {},
    )
    intake = IntakeFacts.from_mapping(encounter.care_plan.input_facts)
    assessment = evaluate_follow_up(intake, facts)
    visit = _store_assessment(
        follow_up=locked, findings=findings, facts=facts, assessment=assessment, user=user
    )
    locked.status = FollowUpStatus.COMPLETED
    locked.status_reason = ""
    locked.recorded_by = user
    locked.recorded_at = now
    locked.version += 1
    locked.save()
    _apply_to_episode(
        encounter=encounter,
        visit=visit,
        assessment=assessment,
        user=user,
        now=now,
        escalation_open=locked.episode_escalation_open,
    )
    refresh_medicine_review_marks(encounter_ids=[encounter.pk])
    outcome_tallies.refresh_outcome_tallies(encounters=[encounter])
    return visit


@transaction.atomic
def record_missed(
    *,
    follow_up: FollowUp,
    version: int,
    reason: str,
    user: AbstractBaseUser,
    now: datetime.datetime,
) -> FollowUp:
    """Close a visit that did not happen as missed, keeping the reason."""
    if not reason.strip():
        raise ValueError("A missed visit needs a reason.")
    if timezone.localdate(now) < follow_up.due_date:
        raise ValueError("A visit can be recorded as missed only on or after its due date.")
    locked = _lock_scheduled(follow_up, version)
    locked.status = FollowUpStatus.MISSED
    locked.status_reason = reason.strip()
    locked.recorded_by = user
    locked.recorded_at = now
    locked.version += 1
    locked.save()
    refresh_medicine_review_marks(encounter_ids=[locked.encounter_id])
    # The caller's follow-up carries its encounter (same row, its intake time never changes).
    outcome_tallies.refresh_outcome_tallies(encounters=[follow_up.encounter])
    return locked


@transaction.atomic
def add_unscheduled_visit(
    *,
    encounter: Encounter,
    findings: Mapping[str, object],
    user: AbstractBaseUser,
    now: datetime.datetime,
    answers: Mapping[str, object] | None = None,
) -> VisitRecord:
    """Add a visit outside the plan's schedule and record it in the same transaction."""
    if encounter.voided_at is not None:
        raise ValueError("A voided encounter takes no new visits.")
    follow_up = FollowUp.objects.create(
        encounter=encounter,
        due_date=findings["visit_date"],
        plan_day=None,
        purpose=UNSCHEDULED_PURPOSE,
    )
    return record_visit(
        follow_up=follow_up,
        version=follow_up.version,
        findings=findings,
        user=user,
        now=now,
        answers=answers,
    )


@dataclass(frozen=True)
class EscalationClosed:
    """A closed escalation, and what the episode needs next in words for the clinician
    (empty when nothing more is needed)."""

    escalation: Escalation
    episode_still_escalated: bool
    next_step: str = ""
    # Serious disease was excluded and the conservative plan can be made now (section 4).
    conservative_plan_ready: bool = False


URGENT_EPISODE_NEEDS_A_PLAN = (
    "This episode began on the emergency or urgent pathway, so it has no conservative care plan "
    "or follow-up visits. If the patient is to continue conservative care, start a new intake "
    "from this chart."
)
CONSERVATIVE_PLAN_READY = (
    "Serious disease was excluded, so the escalation's red flags are cleared for this episode: "
    "the conservative care plan can be made now."
)


@transaction.atomic
def close_escalation(
    *,
    escalation: Escalation,
    outcome: str,
    note: str,
    user: AbstractBaseUser,
    now: datetime.datetime,
) -> EscalationClosed:
    """Record a clinician's outcome; the episode leaves 'escalated' when none is left open."""
    if not note.strip():
        raise ValueError("Closing an escalation needs a note.")
    encounter = Encounter.objects.select_for_update().get(pk=escalation.encounter_id)
    locked = Escalation.objects.select_for_update().get(pk=escalation.pk)
    if locked.closed_at is not None:
        raise EscalationAlreadyClosedError(locked)
    locked.outcome = outcome
    locked.outcome_note = note.strip()
    locked.closed_by = user
    locked.closed_at = now
    if outcome == EscalationOutcome.SERIOUS_CAUSE_EXCLUDED:
        # The clinician excluded serious disease: these flags no longer count in this episode
        # (decision table section 4); who and when are the closing clinician and time.
        locked.cleared_red_flags = list(locked.red_flags)
    locked.save()
    still_escalated = encounter.escalations.open().exists()
    if not still_escalated:
        encounter.episode_status = settled_episode_status(encounter)
        encounter.save(update_fields=["episode_status", "updated_at"])
    outcome_tallies.refresh_outcome_tallies(encounters=[encounter])
    if still_escalated:
        return EscalationClosed(escalation=locked, episode_still_escalated=True)
    if conservative_plan_problem(encounter) is None:
        return EscalationClosed(
            escalation=locked,
            episode_still_escalated=False,
            next_step=CONSERVATIVE_PLAN_READY,
            conservative_plan_ready=True,
        )
    # An escalated intake (emergency or urgent) has no conservative plan or visits: say how to
    # start them.
    needs_plan = encounter.pathway in ESCALATED_PATHWAYS and encounter.continues_id is None
    return EscalationClosed(
        escalation=locked,
        episode_still_escalated=False,
        next_step=URGENT_EPISODE_NEEDS_A_PLAN if needs_plan else "",
    )


def settled_episode_status(encounter: Encounter) -> str:
    """Episode status from the record: escalated while an escalation is open, else the last
    valid visit's own assessment, or 'active' when no visit has been recorded."""
    if encounter.escalations.open().exists():
        return EpisodeStatus.ESCALATED
    last = (
        VisitRecord.objects.filter(
            follow_up__encounter=encounter,
            follow_up__voided_at__isnull=True,
            follow_up__status=FollowUpStatus.COMPLETED,
        )
        .order_by("-visit_date", "-pk")
        .first()
    )
    if last is None or last.outcome_status == EpisodeStatus.ESCALATED:
        return EpisodeStatus.ACTIVE
    return last.outcome_status


class ConservativePlanRefusedError(Exception):
    """The conservative plan cannot be made for this episode; the message says why."""


def cleared_red_flags(encounter: Encounter) -> dict[str, Escalation]:
    """The red flags a clinician cleared in this episode, each with the escalation that cleared
    it (its closed_by and closed_at say who and when), in the red-flag table's order."""
    cleared: dict[str, Escalation] = {}
    for escalation in encounter.escalations.filter(
        outcome=EscalationOutcome.SERIOUS_CAUSE_EXCLUDED
    ).select_related("closed_by"):
        for key in escalation.cleared_red_flags:
            cleared.setdefault(key, escalation)
    return {key: cleared[key] for key in RED_FLAG_KEYS if key in cleared}


def conservative_plan_problem(encounter: Encounter) -> str | None:
    """Why the conservative plan cannot be made now for this escalated episode, or None."""
    if encounter.voided_at is not None:
        return "This encounter was voided."
    if not CarePlan.objects.filter(encounter=encounter).exists():
        return "This encounter has no stored care plan to start from."
    if encounter.pathway == Pathway.CONSERVATIVE or encounter.continues_id is not None:
        return "This episode already has a conservative care plan."
    if encounter.continuations.filter(voided_at__isnull=True).exists():
        return "The conservative plan for this episode has already been made."
    if encounter.escalations.open().exists():
        return "An escalation of this episode is still open: record its outcome first."
    if not cleared_red_flags(encounter):
        return (
            "No red flag has been cleared: close the escalation with the outcome 'Serious "
            "cause excluded' first."
        )
    return None


@transaction.atomic
def make_conservative_plan(
    *, encounter: Encounter, user: AbstractBaseUser, now: datetime.datetime
) -> Encounter:
    """After a clinician excluded serious disease, store the conservative plan for the episode.

    The engine runs again on the escalated intake's stored facts, with the age and days since
    onset of today and the cleared red flags (decision table section 4, reading rule 7). The
    plan is stored on a new encounter that continues the first, whose own plan stays as it
    was; its visits count from today. Raises ConservativePlanRefusedError when it cannot be made.
    """
    locked = (
        Encounter.objects.select_for_update(of=("self",))
        .select_related("care_plan", "patient")
        .get(pk=encounter.pk)
    )
    problem = conservative_plan_problem(locked)
    if problem:
        raise ConservativePlanRefusedError(problem)
    today = timezone.localdate(now)
    cleared = list(cleared_red_flags(locked))
    days_since_onset = locked.days_since_onset + (today - intake_date(locked)).days
    facts = {
        **locked.care_plan.input_facts,
        "age": locked.patient.age_on(today),
        "days_since_onset": days_since_onset,
        "cleared_red_flags": cleared,
        "encounter_date": today.isoformat(),
    }
    plan = evaluate_intake(IntakeFacts.from_mapping(facts))
    if plan.pathway != Pathway.CONSERVATIVE:
        raise ConservativePlanRefusedError(
            "Red flags that were not cleared still count ("
            + ", ".join(FACT_SPECS[key].label for key in plan.red_flags)
            + "): the conservative plan is withheld until a clinician excludes serious disease."
        )
    answers = {
        field.name: getattr(locked, field.name)
        for field in Encounter._meta.concrete_fields
        if field.name in ANSWER_COLUMNS
    }
    continuation = Encounter.objects.create(
        patient=locked.patient,
        occurred_at=now,
        recorded_by=user,
        status=locked.status,
        continues=locked,
        age_years=facts["age"],
        days_since_onset=days_since_onset,
        pathway=str(plan.pathway),
        needs_review=intake_services.needs_review(plan),
        **answers,
    )
    intake_services.store_plan(encounter=continuation, plan=plan, facts=facts, user=user, now=now)
    return continuation
