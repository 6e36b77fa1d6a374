"""Clinician review: sign-off of encounters, and voiding a mistaken encounter or visit.

Clinical records are never deleted. A void keeps the row, records who voided it, when and
why, and takes it out of worklists and outcomes. Every write here goes through `save()` so the
audit trail (django-simple-history) records the user and the reason.
"""

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction

from triage.followup.services import refresh_medicine_review_marks, settled_episode_status
from triage.intake.outcome_tallies import refresh_outcome_tallies
from triage.models import (
    Encounter,
    EncounterStatus,
    FeedbackOutcome,
    FollowUp,
    OverrideReason,
    Recommendation,
    RecommendationFeedback,
    VisitRecord,
)

SIGN_OFF_PERMISSION = "triage.sign_off_encounter"
VOID_PERMISSION = "triage.void_encounter"
VOID_REASON_MAX_LENGTH = 500


class ReviewError(Exception):
    """A review action that the record's state does not allow; the message is for the user."""


def _require(user: AbstractBaseUser, permission: str) -> None:
    # Views check this too; the service refuses on its own so no caller can skip it.
    if not user.has_perm(permission):
        raise PermissionDenied(f"{user.get_username()} lacks {permission}")


def _clean_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ReviewError("Give the reason for voiding.")
    if len(reason) > VOID_REASON_MAX_LENGTH:
        raise ReviewError(f"Keep the reason under {VOID_REASON_MAX_LENGTH} characters.")
    return reason


def _save_audited(record, *, user: AbstractBaseUser, why: str, fields: list[str]) -> None:
    record._history_user = user
    record._change_reason = why
    record.save(update_fields=[*fields, "updated_at"])


@transaction.atomic
def sign_off_encounter(
    *, encounter: Encounter, user: AbstractBaseUser, now: datetime.datetime
) -> bool:
    """Record who reviewed an encounter and when; True if signed now, False if already signed."""
    _require(user, SIGN_OFF_PERMISSION)
    locked = Encounter.objects.select_for_update().get(pk=encounter.pk)
    if locked.reviewed_at is not None:
        return False
    if locked.is_voided:
        raise ReviewError("A voided encounter cannot be signed off.")
    if locked.status != EncounterStatus.SUBMITTED:
        raise ReviewError("Only a submitted encounter can be signed off.")
    locked.reviewed_at = now
    locked.reviewed_by = user
    _save_audited(
        locked, user=user, why="Signed off after review", fields=["reviewed_at", "reviewed_by"]
    )
    return True


@transaction.atomic
def void_encounter(
    *, encounter: Encounter, user: AbstractBaseUser, reason: str, now: datetime.datetime
) -> bool:
    """Void a mistaken encounter and every visit under it; True if voided now, False if it was."""
    _require(user, VOID_PERMISSION)
    reason = _clean_reason(reason)
    locked = Encounter.objects.select_for_update().get(pk=encounter.pk)
    if locked.is_voided:
        return False
    locked.voided_at, locked.voided_by, locked.void_reason = now, user, reason
    _save_audited(
        locked,
        user=user,
        why=f"Voided: {reason}",
        fields=["voided_at", "voided_by", "void_reason"],
    )
    # Visits scheduled from a mistaken encounter are mistaken too; void them with it.
    for follow_up in locked.follow_ups.select_for_update().filter(voided_at__isnull=True):
        follow_up.voided_at, follow_up.voided_by = now, user
        follow_up.void_reason = f"Encounter {locked.pk} voided: {reason}"
        _save_audited(
            follow_up,
            user=user,
            why=f"Voided with encounter {locked.pk}",
            fields=["voided_at", "voided_by", "void_reason"],
        )
    refresh_outcome_tallies(encounters=[locked])
    return True


@transaction.atomic
def void_follow_up(
    *, follow_up: FollowUp, user: AbstractBaseUser, reason: str, now: datetime.datetime
) -> bool:
    """Void a mistaken visit; the episode status falls back to what the remaining visits say."""
    _require(user, VOID_PERMISSION)
    reason = _clean_reason(reason)
    # Lock the episode before the visit, in the same order as recording a visit, so the two
    # can never deadlock.
    encounter = Encounter.objects.select_for_update().get(pk=follow_up.encounter_id)
    locked = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if locked.voided_at is not None:
        return False
    locked.voided_at, locked.voided_by, locked.void_reason = now, user, reason
    locked.version += 1
    _save_audited(
        locked,
        user=user,
        why=f"Voided: {reason}",
        fields=["voided_at", "voided_by", "void_reason", "version"],
    )
    if VisitRecord.objects.filter(follow_up=locked).exists():
        _restore_episode_status(encounter_id=locked.encounter_id, user=user)
        # A missed medicine review this visit had done is due again.
        refresh_medicine_review_marks(encounter_ids=[locked.encounter_id])
    refresh_outcome_tallies(encounters=[encounter])
    return True


def _restore_episode_status(*, encounter_id: int, user: AbstractBaseUser) -> None:
    """Re-derive the episode status without the voided visit, as closing an escalation does."""
    encounter = Encounter.objects.select_for_update().get(pk=encounter_id)
    if encounter.is_voided:
        return
    status = settled_episode_status(encounter)
    if encounter.episode_status != status:
        encounter.episode_status = status
        _save_audited(
            encounter,
            user=user,
            why="Episode status after a voided visit",
            fields=["episode_status"],
        )


FEEDBACK_PERMISSION = "triage.add_recommendationfeedback"


@transaction.atomic
def record_recommendation_feedback(
    *,
    recommendation: Recommendation,
    user: AbstractBaseUser,
    outcome: str,
    reason: str = "",
    reason_text: str = "",
    now: datetime.datetime,
) -> RecommendationFeedback:
    """Mark a stored recommendation followed, or overridden with a coded reason (the snapshot
    itself is not touched); a later mark replaces it, and the audit trail keeps both."""
    _require(user, FEEDBACK_PERMISSION)
    reason_text = reason_text.strip()
    if outcome == FeedbackOutcome.FOLLOWED:
        reason, reason_text = "", ""
    elif outcome != FeedbackOutcome.OVERRIDDEN:
        raise ReviewError("Mark the recommendation followed or overridden.")
    elif reason not in OverrideReason.values:
        raise ReviewError("Choose why the recommendation was overridden.")
    elif reason == OverrideReason.OTHER and not reason_text:
        raise ReviewError("Say in words why the recommendation was overridden.")
    locked = (
        Recommendation.objects.select_for_update(of=("self",))
        .select_related("care_plan__encounter", "visit__follow_up")
        .get(pk=recommendation.pk)
    )
    if (locked.care_plan and locked.care_plan.encounter.is_voided) or (
        locked.visit and locked.visit.follow_up.is_voided
    ):
        raise ReviewError("This advice was voided; it no longer applies.")
    feedback = RecommendationFeedback.objects.filter(recommendation=locked).first()
    if feedback is None:
        feedback = RecommendationFeedback(recommendation=locked)
    feedback.outcome, feedback.reason, feedback.reason_text = outcome, reason, reason_text
    feedback.recorded_by, feedback.recorded_at = user, now
    feedback._history_user = user
    feedback.save()
    return feedback
