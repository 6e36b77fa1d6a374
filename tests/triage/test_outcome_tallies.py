"""The outcomes page's stored tallies give exactly the figures of counting every episode afresh.

The reference below is the page's former computation (one pass over the episodes joined to
their visits and escalations), kept here so the fast path is checked against it for many
windows, in several time zones (where the clinic's day does not start at UTC midnight the
window's edges are counted from the records), after edits made long after the intake.
"""

import datetime
import importlib
import random
import statistics
import threading
from io import StringIO
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from tests.conftest import make_user
from tests.factories import (
    EscalationFactory,
    UrgentEncounterFactory,
    make_conservative_episode,
    visit_findings,
)
from triage.followup import services as followup_services
from triage.followup.selectors.outcomes import (
    MILESTONE_DAY,
    OutcomeFigures,
    Share,
    clinic_outcomes,
    default_intake_from,
)
from triage.intake.outcome_tallies import (
    days_out_of_step,
    rebuild_all_outcome_tallies,
    refresh_outcome_tallies,
)
from triage.models import (
    Encounter,
    EncounterStatus,
    EpisodeStatus,
    EscalationOutcome,
    FollowUpStatus,
    OutcomeTally,
)
from triage.review import services as review_services


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def reference_outcomes(
    *, today: datetime.date, intake_from: datetime.date | None, intake_to: datetime.date | None
) -> OutcomeFigures:
    """The straightforward computation: every episode in the window with its visits."""
    latest_intake = today - datetime.timedelta(days=MILESTONE_DAY)
    if intake_to is not None:
        latest_intake = min(latest_intake, intake_to)
    episodes = Encounter.objects.filter(
        status=EncounterStatus.SUBMITTED,
        voided_at__isnull=True,
        occurred_at__lt=_local_midnight(latest_intake + datetime.timedelta(days=1)),
    )
    if intake_from is not None:
        episodes = episodes.filter(occurred_at__gte=_local_midnight(intake_from))
    live = Q(follow_ups__voided_at__isnull=True)
    closed = [FollowUpStatus.MISSED, FollowUpStatus.COMPLETED]
    rows = list(
        episodes.order_by()
        .annotate(
            first_resolved_day=Min(
                "follow_ups__visit__day",
                filter=live & Q(follow_ups__visit__outcome_status=EpisodeStatus.RESOLVED),
            ),
            visits_missed=Count(
                "follow_ups",
                filter=live & Q(follow_ups__status=FollowUpStatus.MISSED),
                distinct=True,
            ),
            visits_closed=Count(
                "follow_ups", filter=live & Q(follow_ups__status__in=closed), distinct=True
            ),
            escalation_count=Count("escalations", distinct=True),
        )
        .values(
            "episode_status",
            "first_resolved_day",
            "visits_missed",
            "visits_closed",
            "escalation_count",
        )
    )
    total = len(rows)
    resolved = [row["first_resolved_day"] for row in rows if row["first_resolved_day"] is not None]
    return OutcomeFigures(
        episodes=total,
        resolved_by_milestone=Share(sum(day <= MILESTONE_DAY for day in resolved), total),
        persistent=Share(
            sum(row["episode_status"] == EpisodeStatus.PERSISTENT for row in rows), total
        ),
        escalated=Share(sum(row["escalation_count"] > 0 for row in rows), total),
        median_days_to_resolution=statistics.median(resolved) if resolved else None,
        resolved_ever=len(resolved),
        visits_missed=Share(
            sum(row["visits_missed"] for row in rows), sum(row["visits_closed"] for row in rows)
        ),
    )


def _record(follow_up, outcome, *, staff):
    args = {"follow_up": follow_up, "version": follow_up.version, "user": staff}
    now = timezone.now()
    if outcome == "missed":
        followup_services.record_missed(reason="Did not attend", now=now, **args)
    else:
        extra = outcome if isinstance(outcome, dict) else {"pain_score": outcome}
        followup_services.record_visit(
            findings=visit_findings(follow_up.due_date, **extra), now=now, **args
        )


def _episode(occurred_at, visits, *, staff, **fields) -> Encounter:
    """A conservative episode whose plan's visits (days 14, 42, 56) are recorded in order."""
    encounter = make_conservative_episode(
        occurred_at=occurred_at, pain_score=6, recorded_by=staff, **fields
    )
    today = timezone.localdate()
    for follow_up, outcome in zip(encounter.follow_ups.order_by("due_date"), visits, strict=False):
        follow_up.refresh_from_db()
        if follow_up.status != FollowUpStatus.SCHEDULED or follow_up.due_date > today:
            break
        _record(follow_up, outcome, staff=staff)
    return encounter


VISIT_COURSES = [
    [],
    [1],
    [0],
    [5, 1],
    [5, 0],
    [5, 4, 1],
    [5, 4, 3],
    ["missed", 1],
    ["missed", "missed", "missed"],
    [5, "missed", 4],
    [4, 3, 2],
    [{"fever": True}],
    [5, {"fever": True}],
    [6, 6, 6],
]


@pytest.fixture
def varied_clinic(db):
    """About 50 episodes over 16 months: every course above, at every hour of the day, some
    voided, escalated at the intake or at a visit, and edited long after the intake."""
    staff = make_user(roles.CLINICIAN)
    chance = random.Random(12)  # noqa: S311 - test data, not security
    now = timezone.now()
    episodes = []
    for index in range(3 * len(VISIT_COURSES)):
        occurred_at = now - datetime.timedelta(
            days=chance.randint(57, 480), hours=chance.randint(0, 23), minutes=index
        )
        course = VISIT_COURSES[index % len(VISIT_COURSES)]
        episodes.append(_episode(occurred_at, course, staff=staff))
    # Too recent to count, and one voided from the start.
    _episode(now - datetime.timedelta(days=20), [1], staff=staff)
    _episode(
        now - datetime.timedelta(days=90),
        [1],
        staff=staff,
        voided_at=now,
        void_reason="Wrong patient",
    )
    # Urgent intakes with their escalation (as the intake service stores them).
    for days_ago in (70, 75, 200, 300):
        urgent = UrgentEncounterFactory(
            occurred_at=now - datetime.timedelta(days=days_ago, hours=days_ago % 24),
            recorded_by=staff,
            episode_status=EpisodeStatus.ESCALATED,
        )
        EscalationFactory(encounter=urgent)
        refresh_outcome_tallies(encounters=[urgent])
    # Edits after the fact: voided encounters, voided visits, closed escalations.
    review_services.void_encounter(
        encounter=episodes[3], user=staff, reason="Entered twice", now=now
    )
    review_services.void_encounter(
        encounter=episodes[11], user=staff, reason="Entered twice", now=now
    )
    for episode in (episodes[4], episodes[9], episodes[17]):
        visit = episode.follow_ups.filter(status=FollowUpStatus.COMPLETED).last()
        review_services.void_follow_up(follow_up=visit, user=staff, reason="Wrong visit", now=now)
    for episode in (episodes[11 + 14], episodes[12 + 14]):
        for escalation in episode.escalations.all():
            followup_services.close_escalation(
                escalation=escalation,
                outcome=EscalationOutcome.SERIOUS_CAUSE_EXCLUDED,
                note="Examined",
                user=staff,
                now=now,
            )
    # A late missed visit on an episode whose last visit was left open.
    late = episodes[10].follow_ups.filter(status=FollowUpStatus.SCHEDULED).first()
    if late is not None:
        _record(late, "missed", staff=staff)
    return episodes


def _windows(today: datetime.date):
    days = datetime.timedelta
    yield None, None
    yield default_intake_from(today), None
    yield today - days(200), today - days(90)
    yield today - days(150), None
    yield None, today - days(100)
    yield today - days(90), today - days(400)  # backwards: nothing
    yield today - days(30), None  # inside the last 56 days: nothing
    yield today - days(481), today - days(56)
    for days_ago in (57, 63, 70, 120, 121, 250, 479):
        yield today - days(days_ago), today - days(days_ago)


ZONES = ["UTC", "America/New_York", "Asia/Kolkata", "Pacific/Auckland", "Pacific/Honolulu"]


def test_fast_figures_equal_counting_every_episode(varied_clinic, settings):
    assert days_out_of_step() == []
    # One clinic for every zone (building it is the slow part); outside UTC the window's
    # edges fall inside UTC days and are counted from the records.
    for zone in ZONES:
        settings.TIME_ZONE = zone
        today = timezone.localdate()
        checked = 0
        for intake_from, intake_to in _windows(today):
            expected = reference_outcomes(today=today, intake_from=intake_from, intake_to=intake_to)
            found = clinic_outcomes(today=today, intake_from=intake_from, intake_to=intake_to)
            assert found == expected, (zone, intake_from, intake_to)
            checked += expected.episodes
        assert checked > 100  # the windows above are not all empty


def test_figures_follow_a_visit_voided_after_the_episode_resolved(varied_clinic, clinician):
    today = timezone.localdate()
    before = clinic_outcomes(today=today)
    resolved = next(
        episode
        for episode in varied_clinic
        if episode.voided_at is None
        and episode.follow_ups.filter(visit__outcome_status=EpisodeStatus.RESOLVED).exists()
    )
    visit = resolved.follow_ups.get(visit__outcome_status=EpisodeStatus.RESOLVED)
    review_services.void_follow_up(
        follow_up=visit, user=clinician, reason="Wrong patient", now=timezone.now()
    )
    after = clinic_outcomes(today=today)
    assert after.resolved_ever == before.resolved_ever - 1
    assert after == reference_outcomes(today=today, intake_from=None, intake_to=None)


def test_refreshing_a_day_twice_changes_nothing(varied_clinic):
    columns = [field.name for field in OutcomeTally._meta.fields if field.name != "id"]
    before = sorted(OutcomeTally.objects.values_list(*columns), key=repr)
    refresh_outcome_tallies(encounters=varied_clinic)
    refresh_outcome_tallies(encounters=varied_clinic[:5])
    assert sorted(OutcomeTally.objects.values_list(*columns), key=repr) == before


def test_rebuilding_every_day_gives_what_the_services_kept(varied_clinic):
    columns = [field.name for field in OutcomeTally._meta.fields if field.name != "id"]
    kept = sorted(OutcomeTally.objects.values_list(*columns), key=repr)
    # A bulk load that bypassed the services left wrong tallies behind: the rebuild mends them.
    OutcomeTally.objects.update(episodes=999)
    OutcomeTally.objects.create(
        intake_day=datetime.date(2001, 1, 1),
        episodes=1,
        persistent=0,
        escalated=0,
        visits_missed=0,
        visits_closed=0,
    )
    assert rebuild_all_outcome_tallies() == len(kept)
    assert sorted(OutcomeTally.objects.values_list(*columns), key=repr) == kept


def test_the_migration_backfills_the_tallies_of_existing_episodes(varied_clinic):
    columns = [field.name for field in OutcomeTally._meta.fields if field.name != "id"]
    kept = sorted(OutcomeTally.objects.values_list(*columns), key=repr)
    OutcomeTally.objects.all().delete()
    apps.get_model("triage", "OutcomeDay").objects.all().delete()
    migration = importlib.import_module("triage.migrations.0007_outcome_tallies")
    migration.backfill_tallies(apps, SimpleNamespace(connection=connection))
    assert sorted(OutcomeTally.objects.values_list(*columns), key=repr) == kept


def test_outcomes_page_costs_one_statement_for_any_window(
    varied_clinic, clinician_client, django_assert_num_queries, settings
):
    # The session with its user, two permission look-ups, one statement for every
    # figure: the stored tallies of the whole days and, outside UTC, the window's edge hours in
    # the same UNION.
    url = reverse("triage:outcomes")
    for zone in ("UTC", "Asia/Kolkata"):
        settings.TIME_ZONE = zone
        for query in ({}, {"intake_from": "", "intake_to": ""}, {"intake_from": "2020-01-01"}):
            with django_assert_num_queries(4):
                response = clinician_client.get(url, query)
            assert response.status_code == 200
            assert response.context["figures"].episodes > 0


@pytest.mark.django_db(transaction=True)
def test_visits_recorded_at_once_on_episodes_of_one_day_all_count():
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent writers need PostgreSQL")
    staff = make_user(roles.CLINICIAN)
    started = timezone.now() - datetime.timedelta(days=100)
    # Three writers: with the test's own connection, as many as the default pool holds.
    episodes = [
        _episode(started + datetime.timedelta(minutes=minute), [], staff=staff)
        for minute in range(3)
    ]
    barrier = threading.Barrier(len(episodes))
    failures = []

    def resolve(episode):
        try:
            follow_up = episode.follow_ups.order_by("due_date").first()
            barrier.wait(timeout=30)
            _record(follow_up, 1, staff=staff)
        except Exception as error:  # noqa: BLE001 (a thread reports any failure to the assert)
            failures.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=resolve, args=(episode,)) for episode in episodes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    # Each rebuild waited for the one before it and read what it committed.
    figures = clinic_outcomes(today=timezone.localdate(), intake_from=None)
    assert figures.resolved_ever == len(episodes)
    assert figures == reference_outcomes(
        today=timezone.localdate(), intake_from=None, intake_to=None
    )


def test_the_command_finds_a_day_out_of_step_and_rebuilds_it(varied_clinic):
    call_command("outcome_tallies", stdout=StringIO())
    tally = OutcomeTally.objects.order_by("intake_day").first()
    OutcomeTally.objects.filter(pk=tally.pk).update(episodes=tally.episodes + 1)

    with pytest.raises(CommandError, match=f"1 intake day\\(s\\) out of step: {tally.intake_day}"):
        call_command("outcome_tallies", stdout=StringIO())
    call_command("outcome_tallies", "--rebuild", stdout=StringIO())
    output = StringIO()
    call_command("outcome_tallies", stdout=output)
    assert "match the records" in output.getvalue()
