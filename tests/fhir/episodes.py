"""Episodes at every stage, built through the real services, for the FHIR tests."""

from __future__ import annotations

import datetime

from django.utils import timezone

from tests.factories import (
    IntakeDraftFactory,
    make_conservative_episode,
    make_red_flag_episode,
    visit_findings,
)
from triage.followup.services import (
    close_escalation,
    make_conservative_plan,
    record_missed,
    record_visit,
)
from triage.review.services import sign_off_encounter, void_encounter

DAY = datetime.timedelta(days=1)


def record(follow_up, user, **findings):
    visit_date = follow_up.due_date
    return record_visit(
        follow_up=follow_up,
        version=follow_up.version,
        findings=visit_findings(visit_date, **findings),
        user=user,
        now=timezone.now(),
    )


def build_clinic_record(patient, *, nurse, clinician, started=None):
    """One patient with a conservative, an urgent, an emergency, a resolved and a voided episode,
    and a draft.

    The emergency episode runs the whole escalated course: an intake with emergency signs (an
    emergency referral and an infection work-up, an emergency escalation), signed off; serious
    disease excluded, so a clinician makes the conservative plan that continues it; at its first
    visit new emergency signs open a second emergency escalation, still open.
    """
    started = started or timezone.now() - 80 * DAY
    conservative = make_conservative_episode(
        patient=patient,
        recorded_by=nurse,
        occurred_at=started,
        pain_location="neck",
        muscle_spasm=True,
        pain_score=8,
    )
    first, second, _third = conservative.follow_ups.order_by("due_date")
    record(
        first,
        nurse,
        pain_score=5,
        global_change=2,
        activity_1_name="Driving",
        activity_1_score=6,
        muscle_relaxant_days=15,
    )
    record_missed(
        follow_up=second,
        version=second.version,
        reason="Patient was away",
        user=nurse,
        now=timezone.now(),
    )

    urgent = make_red_flag_episode(
        patient=patient, recorded_by=nurse, occurred_at=started + DAY, fever=True
    )
    sign_off_encounter(encounter=urgent, user=clinician, now=timezone.now())
    close_escalation(
        escalation=urgent.escalations.get(),
        outcome="serious_cause_excluded",
        note="Bloods normal.",
        user=clinician,
        now=timezone.now(),
    )
    still_open = make_red_flag_episode(
        patient=patient, recorded_by=nurse, occurred_at=started + 2 * DAY, malignancy_history=True
    )

    resolved = make_conservative_episode(
        patient=patient, recorded_by=nurse, occurred_at=started + 3 * DAY, pain_location="both"
    )
    record(resolved.follow_ups.order_by("due_date").first(), nurse, pain_score=1, global_change=4)

    voided = make_conservative_episode(
        patient=patient, recorded_by=nurse, occurred_at=started + 4 * DAY
    )
    record(voided.follow_ups.order_by("due_date").first(), nurse, pain_score=4)
    void_encounter(encounter=voided, user=clinician, reason="Wrong patient", now=timezone.now())

    emergency = make_red_flag_episode(
        patient=patient,
        recorded_by=nurse,
        occurred_at=started + 5 * DAY,
        progressive_neuro_deficit=True,
        fever=True,
    )
    sign_off_encounter(encounter=emergency, user=clinician, now=started + 5 * DAY)
    close_escalation(
        escalation=emergency.escalations.get(),
        outcome="serious_cause_excluded",
        note="MRI of the spine and bloods normal.",
        user=clinician,
        now=started + 6 * DAY,
    )
    continued = make_conservative_plan(encounter=emergency, user=clinician, now=started + 6 * DAY)
    record(continued.follow_ups.order_by("due_date").first(), nurse, cervical_arterial_signs=True)

    IntakeDraftFactory(
        owner=nurse,
        patient=patient,
        answers={
            "patient": {"patient": str(patient.pk)},
            "pain": {"pain_score": "6", "muscle_spasm": "yes", "onset_date": "not a date"},
        },
    )
    return {
        "conservative": conservative,
        "urgent": urgent,
        "escalated": still_open,
        "emergency": emergency,
        "emergency_continued": continued,
        "resolved": resolved,
        "voided": voided,
    }
