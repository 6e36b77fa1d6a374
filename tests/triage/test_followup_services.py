"""Recording visits through the services: the engine decides, the episode follows."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from tests.factories import (
    EscalationFactory,
    PatientFactory,
    UserFactory,
    make_conservative_episode,
    visit_findings,
)
from tests.triage.intake_answers import years_ago
from triage.followup import services as services
from triage.models import (
    EpisodeStatus,
    Escalation,
    EscalationOutcome,
    FollowUp,
    FollowUpStatus,
    VisitRecord,
)

pytestmark = pytest.mark.django_db


def _episode_started(days_ago: int, **fields):
    return make_conservative_episode(
        occurred_at=timezone.now() - datetime.timedelta(days=days_ago), **fields
    )


def _record(follow_up, **overrides):
    return services.record_visit(
        follow_up=follow_up,
        version=follow_up.version,
        findings=visit_findings(timezone.localdate(), **overrides),
        user=UserFactory(),
        now=timezone.now(),
    )


@pytest.mark.parametrize(
    ("day", "intake_pain", "findings", "status", "codes"),
    [
        (14, 6, {"pain_score": 2}, "improving", []),
        (14, 6, {"pain_score": 5}, "not_improving", []),
        (14, 6, {"pain_score": 1}, "resolved", []),
        (14, 6, {"pain_score": 0, "global_change": 5}, "resolved", []),
        (42, 6, {"pain_score": 5}, "not_improving", ["REASSESS"]),
        (42, 6, {"pain_score": 4}, "improving", []),
        (56, 6, {"pain_score": 3}, "persistent", ["PERSISTENT_COURSE"]),
        (
            14,
            6,
            {"pain_score": 3, "muscle_relaxant_days": 20},
            "improving",
            ["MUSCLE_RELAXANT_STOP"],
        ),
        (14, 6, {"fever": True}, "escalated", ["URGENT_EVALUATION", "INFECTION_WORKUP"]),
        (14, 6, {"myelopathy_signs": True}, "escalated", ["URGENT_EVALUATION"]),
    ],
)
def test_visit_status_and_recommendations_come_from_the_engine(
    day, intake_pain, findings, status, codes
):
    encounter = _episode_started(day, pain_score=intake_pain)
    follow_up = encounter.follow_ups.first()

    visit = _record(follow_up, **findings)

    encounter.refresh_from_db()
    assert visit.day == day
    assert visit.outcome_status == status
    assert encounter.episode_status == status
    assert [rec.code for rec in visit.recommendations.all()] == codes
    assert visit.input_facts["day"] == day
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.COMPLETED
    assert follow_up.version == 2


def test_age_dependent_red_flag_counts_only_over_65():
    # The visit reads the age on its own date, from the date of birth.
    younger = _episode_started(
        14, age_years=50, patient=PatientFactory(date_of_birth=years_ago(50))
    ).follow_ups.first()
    older = _episode_started(
        14, age_years=70, patient=PatientFactory(date_of_birth=years_ago(70))
    ).follow_ups.first()
    assert _record(younger, osteoporosis=True).outcome_status == "improving"
    assert _record(older, osteoporosis=True).outcome_status == "escalated"


def test_resolution_cancels_the_remaining_visits_with_the_reason_resolved():
    encounter = _episode_started(14)
    first, *_later = encounter.follow_ups.order_by("due_date")

    _record(first, pain_score=1)

    statuses = {f.plan_day: (f.status, f.status_reason) for f in encounter.follow_ups.all()}
    assert statuses == {
        14: ("completed", ""),
        42: ("cancelled", "resolved"),
        56: ("cancelled", "resolved"),
    }
    assert FollowUp.objects.count() == 3  # kept, never deleted


def test_red_flag_at_a_visit_opens_an_escalation_and_keeps_the_other_visits():
    encounter = _episode_started(14)
    follow_up = encounter.follow_ups.order_by("due_date").first()

    visit = _record(follow_up, fever=True, significant_trauma=True)

    escalation = Escalation.objects.get()
    assert escalation.encounter == encounter
    assert escalation.visit == visit
    assert escalation.red_flags == ["fever", "significant_trauma"]
    assert escalation.is_open
    assert encounter.follow_ups.open().count() == 2


def test_an_open_escalation_keeps_the_episode_escalated_until_closed():
    encounter = _episode_started(42)
    first, second, _ = encounter.follow_ups.order_by("due_date")
    _record(first, fever=True)

    visit = _record(second, pain_score=2)

    encounter.refresh_from_db()
    assert visit.outcome_status == "improving"
    assert encounter.episode_status == EpisodeStatus.ESCALATED

    services.close_escalation(
        escalation=Escalation.objects.get(),
        outcome=EscalationOutcome.SERIOUS_CAUSE_EXCLUDED,
        note="MRI normal.",
        user=UserFactory(),
        now=timezone.now(),
    )
    encounter.refresh_from_db()
    assert encounter.episode_status == EpisodeStatus.IMPROVING


def test_closing_an_escalation_records_who_when_and_what():
    escalation = EscalationFactory()
    clinician = UserFactory(username="dr-who")
    now = timezone.now()

    services.close_escalation(
        escalation=escalation,
        outcome=EscalationOutcome.IMAGING_ORDERED,
        note="  MRI booked for tomorrow.  ",
        user=clinician,
        now=now,
    )

    escalation.refresh_from_db()
    assert (escalation.closed_by, escalation.closed_at) == (clinician, now)
    assert escalation.outcome == "imaging_ordered"
    assert escalation.outcome_note == "MRI booked for tomorrow."
    assert escalation.encounter.episode_status == EpisodeStatus.ACTIVE


def test_closing_a_closed_escalation_changes_nothing():
    escalation = EscalationFactory()
    first = UserFactory()
    args = {"outcome": EscalationOutcome.REFERRED, "note": "Referred.", "now": timezone.now()}
    services.close_escalation(escalation=escalation, user=first, **args)

    with pytest.raises(services.EscalationAlreadyClosedError):
        services.close_escalation(
            escalation=escalation, user=UserFactory(), **{**args, "note": "Other"}
        )
    escalation.refresh_from_db()
    assert (escalation.closed_by, escalation.outcome_note) == (first, "Referred.")


def test_second_write_with_the_same_version_is_refused_and_changes_nothing():
    follow_up = _episode_started(14).follow_ups.first()
    stale = FollowUp.objects.get(pk=follow_up.pk)
    _record(follow_up, pain_score=2)

    with pytest.raises(services.VisitConflictError) as conflict:
        _record(stale, pain_score=9)

    assert conflict.value.follow_up.status == FollowUpStatus.COMPLETED
    assert VisitRecord.objects.get().pain_score == 2
    with pytest.raises(services.VisitConflictError):
        services.record_missed(
            follow_up=stale, version=1, reason="No show", user=UserFactory(), now=timezone.now()
        )


def test_missed_visit_keeps_its_reason_and_is_never_deleted():
    follow_up = _episode_started(20).follow_ups.first()
    nurse = UserFactory()

    services.record_missed(
        follow_up=follow_up, version=1, reason="Did not attend", user=nurse, now=timezone.now()
    )

    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.status_reason) == ("missed", "Did not attend")
    assert follow_up.recorded_by == nurse
    with pytest.raises(ValueError, match="reason"):
        services.record_missed(
            follow_up=follow_up, version=2, reason=" ", user=nurse, now=timezone.now()
        )


def test_unscheduled_visit_is_added_and_recorded_together():
    encounter = _episode_started(10)

    visit = services.add_unscheduled_visit(
        encounter=encounter,
        findings=visit_findings(timezone.localdate(), pain_score=4),
        user=UserFactory(),
        now=timezone.now(),
    )

    assert visit.day == 10
    assert visit.follow_up.plan_day is None
    assert visit.follow_up.purpose == "Unscheduled visit"
    assert visit.follow_up.status == FollowUpStatus.COMPLETED
    assert encounter.follow_ups.count() == 4


def _race(*calls):
    """Run the calls at once, each in its own thread and connection; return what each did."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            call()
            outcomes[index] = "saved"
        except services.VisitConflictError:
            outcomes[index] = "conflict"
        except Exception as error:  # noqa: BLE001 (a thread reports any failure to the asserts)
            outcomes[index] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_two_people_recording_one_visit_at_once_one_wins_one_is_told():
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent writers need PostgreSQL")
    follow_up = _episode_started(14).follow_ups.first()
    copies = [FollowUp.objects.get(pk=follow_up.pk) for _ in range(2)]

    outcomes = _race(*(lambda copy=copy: _record(copy, pain_score=2) for copy in copies))

    assert sorted(outcomes) == ["conflict", "saved"]
    assert VisitRecord.objects.count() == 1
    assert FollowUp.objects.get(pk=follow_up.pk).version == 2


@pytest.mark.django_db(transaction=True)
def test_resolving_while_a_later_visit_is_recorded_does_not_deadlock():
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent writers need PostgreSQL")
    first, second, _ = _episode_started(42).follow_ups.order_by("due_date")

    outcomes = _race(lambda: _record(first, pain_score=1), lambda: _record(second, pain_score=4))

    # Either order is fine; what must not happen is a deadlock or a visit recorded as
    # completed after the episode resolved and cancelled it.
    assert outcomes in (["saved", "conflict"], ["saved", "saved"])
    second.refresh_from_db()
    if outcomes == ["saved", "conflict"]:
        assert (second.status, second.status_reason) == ("cancelled", "resolved")
    else:
        assert second.status == "completed"
