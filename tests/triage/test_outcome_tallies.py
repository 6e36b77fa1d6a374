"""The outcomes page's stored tallies give exactly the figures of counting every episode afresh.

The reference below is the page's former computation (one pass over the episodes joined to
their visits and escalations), kept here so the fast path is checked against it for many
windows, in several time zones (where the clinic's day does not start at UTC midnight the
window's edges are counted from the records), after edits made long after the intake. Blocks
of four encounters here (64 in the app), so the clinics below have days of several blocks and
blocks of several days.
"""

import datetime
import importlib
import random
import statistics
import threading
from collections import Counter
from io import StringIO
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Min, Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from tests.conftest import make_user
from tests.factories import (
    EncounterFactory,
    EscalationFactory,
    UrgentEncounterFactory,
    make_conservative_episode,
    make_red_flag_episode,
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
    Escalation,
    EscalationOutcome,
    FollowUp,
    FollowUpStatus,
    OutcomeBlock,
    OutcomeTally,
)
from triage.review import services as review_services

APP_BLOCK_SIZE = OutcomeBlock.SIZE
SMALL_BLOCK_SIZE = 4


@pytest.fixture(autouse=True)
def _small_blocks(monkeypatch):
    monkeypatch.setattr(OutcomeBlock, "SIZE", SMALL_BLOCK_SIZE)


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
        block=10**9,
        intake_day=datetime.date(2001, 1, 1),
        episodes=1,
        persistent=0,
        escalated=0,
        visits_missed=0,
        visits_closed=0,
    )
    assert rebuild_all_outcome_tallies() == len(kept)
    assert sorted(OutcomeTally.objects.values_list(*columns), key=repr) == kept


def test_the_migration_counts_existing_episodes_in_the_apps_blocks(varied_clinic, monkeypatch):
    OutcomeTally.objects.all().delete()
    OutcomeBlock.objects.all().delete()
    migration = importlib.import_module("triage.migrations.0010_outcome_tally_blocks")
    migration.backfill_block_tallies(apps, SimpleNamespace(connection=connection))
    # The migration's block size is the app's: the services go on from what it counted.
    assert migration.BLOCK_SIZE == APP_BLOCK_SIZE
    monkeypatch.setattr(OutcomeBlock, "SIZE", APP_BLOCK_SIZE)
    assert days_out_of_step() == []
    counted = set(OutcomeTally.objects.values_list("block", flat=True))
    assert set(OutcomeBlock.objects.values_list("block", flat=True)) == counted
    assert counted == {episode.pk // APP_BLOCK_SIZE for episode in varied_clinic}
    today = timezone.localdate()
    assert clinic_outcomes(today=today, intake_from=None) == reference_outcomes(
        today=today, intake_from=None, intake_to=None
    )


def test_outcomes_page_costs_one_statement_for_any_window(
    varied_clinic, clinician_client, django_assert_num_queries, settings
):
    # The session with its user, the permissions (one statement), one statement for every
    # figure: the stored tallies of the whole days and, outside UTC, the window's edge hours in
    # the same UNION.
    url = reverse("triage:outcomes")
    for zone in ("UTC", "Asia/Kolkata"):
        settings.TIME_ZONE = zone
        for query in ({}, {"intake_from": "", "intake_to": ""}, {"intake_from": "2020-01-01"}):
            with django_assert_num_queries(3):
                response = clinician_client.get(url, query)
            assert response.status_code == 200
            assert response.context["figures"].episodes > 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("block_size", [10**6, 1], ids=["one-block", "a-block-each"])
def test_visits_recorded_at_once_on_episodes_of_one_day_all_count(block_size, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent writers need PostgreSQL")
    # One block: the three rebuilds take turns on its lock. A block each: they run side by side
    # and each replaces only its own rows of the day.
    monkeypatch.setattr(OutcomeBlock, "SIZE", block_size)
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
    # Each rebuild of a block waited for the one before it and read what it committed.
    assert days_out_of_step() == []
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


def _day_blocks() -> tuple[Counter, Counter]:
    """How many blocks each intake day's tallies come from, and how many days each block's."""
    pairs = set(OutcomeTally.objects.values_list("intake_day", "block"))
    return Counter(day for day, _ in pairs), Counter(block for _, block in pairs)


def test_a_random_course_of_services_leaves_no_day_out_of_step(clinician):
    chance = random.Random(31)  # noqa: S311 - test data, not security
    now = timezone.now()
    today = timezone.localdate()
    # Few days, many intakes each: days of several blocks, and blocks of several days.
    starts = [now - datetime.timedelta(days=days_ago) for days_ago in (60, 61, 75, 200)]

    def intake():
        occurred_at = chance.choice(starts) + datetime.timedelta(minutes=chance.randint(0, 600))
        if chance.random() < 0.25:
            make_red_flag_episode(occurred_at=occurred_at, fever=True)
        else:
            make_conservative_episode(
                occurred_at=occurred_at, pain_score=chance.randint(2, 9), recorded_by=clinician
            )

    for _ in range(6):
        intake()
    actions = ["intake"] * 3 + ["visit"] * 3 + ["missed", "unscheduled", "void visit", "close"]
    seen = Counter()
    for step in range(90):
        action = chance.choice([*actions, "void intake"] if step % 6 == 5 else actions)
        live = Encounter.objects.filter(voided_at__isnull=True)
        due = list(FollowUp.objects.open().filter(due_date__lte=today, encounter__in=live))
        completed = list(
            FollowUp.objects.filter(
                status=FollowUpStatus.COMPLETED, voided_at__isnull=True, encounter__in=live
            )
        )
        escalations = list(Escalation.objects.open().select_related("encounter"))
        calm = list(live.exclude(escalations__in=Escalation.objects.open()))
        if action == "intake":
            intake()
        elif action in ("visit", "missed") and due:
            outcome = "missed" if action == "missed" else chance.choice([0, 1, 4, 6])
            _record(chance.choice(due), outcome, staff=clinician)
        elif action == "unscheduled" and calm:
            episode = chance.choice(calm)
            visit_day = timezone.localdate(episode.occurred_at) + datetime.timedelta(
                days=chance.randint(1, 50)
            )
            followup_services.add_unscheduled_visit(
                encounter=episode,
                findings=visit_findings(min(visit_day, today), pain_score=chance.randint(0, 6)),
                user=clinician,
                now=timezone.now(),
            )
        elif action == "void visit" and completed:
            review_services.void_follow_up(
                follow_up=chance.choice(completed), user=clinician, reason="Wrong visit", now=now
            )
        elif action == "close" and escalations:
            escalation = chance.choice(escalations)
            followup_services.close_escalation(
                escalation=escalation,
                outcome=EscalationOutcome.SERIOUS_CAUSE_EXCLUDED,
                note="Examined",
                user=clinician,
                now=timezone.now(),
            )
            if escalation.visit_id is None and chance.random() < 0.5:
                followup_services.make_conservative_plan(
                    encounter=escalation.encounter, user=clinician, now=timezone.now()
                )
        elif action == "void intake":
            review_services.void_encounter(
                encounter=chance.choice(list(live)),
                user=clinician,
                reason="Entered twice",
                now=now,
            )
        else:
            action = f"nothing ({action})"
        seen[action] += 1
        assert days_out_of_step() == [], f"step {step}: {action}"

    assert clinic_outcomes(today=today, intake_from=None) == reference_outcomes(
        today=today, intake_from=None, intake_to=None
    )
    # The course reached every service, and days of several blocks and blocks of several days.
    assert {
        "intake",
        "visit",
        "missed",
        "unscheduled",
        "void visit",
        "close",
        "void intake",
    } <= set(seen), seen
    blocks_a_day, days_a_block = _day_blocks()
    assert max(blocks_a_day.values()) >= 3
    assert max(days_a_block.values()) >= 2


def test_a_refresh_recounts_its_own_block_and_reads_no_other(clinician):
    occurred_at = timezone.now() - datetime.timedelta(days=70)
    episodes = [
        _episode(occurred_at + datetime.timedelta(minutes=minute), [], staff=clinician)
        for minute in range(3 * SMALL_BLOCK_SIZE)
    ]
    day = occurred_at.astimezone(datetime.UTC).date()
    # The block holding the most of them (ids run on from earlier tests on PostgreSQL, so the
    # first episode may be the last of its block).
    blocks = [episode.pk // SMALL_BLOCK_SIZE for episode in episodes]
    block = max(set(blocks), key=blocks.count)
    mine = [episode for episode in episodes if episode.pk // SMALL_BLOCK_SIZE == block]
    others = [episode for episode in episodes if episode.pk // SMALL_BLOCK_SIZE != block]
    assert len(mine) >= 2
    assert len({episode.pk // SMALL_BLOCK_SIZE for episode in others}) >= 2
    assert days_out_of_step() == []
    # Around the services, on the same day: a visit missed in the block and one in another
    # block, and an intake added (a newer id: never in the first block).
    for episode in (mine[-1], others[0]):
        episode.follow_ups.filter(plan_day=14).update(
            status=FollowUpStatus.MISSED, status_reason="Did not attend"
        )
    added = EncounterFactory(occurred_at=occurred_at, recorded_by=clinician)
    assert added.pk // SMALL_BLOCK_SIZE != block
    columns = [field.name for field in OutcomeTally._meta.fields if field.name != "id"]
    elsewhere = OutcomeTally.objects.exclude(block=block).order_by().values_list(*columns)
    untouched = sorted(elsewhere, key=repr)

    with CaptureQueriesContext(connection) as captured:
        refresh_outcome_tallies(encounters=[mine[0]])

    # The block made and locked, its rows deleted, counted afresh and stored.
    assert len(captured.captured_queries) == 3
    # Its own block counts the missed visit; no other block's rows were touched, and neither
    # the other block's missed visit nor the added intake was read.
    assert (
        sum(OutcomeTally.objects.filter(block=block).values_list("visits_missed", flat=True)) == 1
    )
    assert sorted(elsewhere, key=repr) == untouched
    assert days_out_of_step() == [day]
    refresh_outcome_tallies(encounters=[others[0], added])
    assert days_out_of_step() == []
    today = timezone.localdate()
    assert clinic_outcomes(today=today, intake_from=None) == reference_outcomes(
        today=today, intake_from=None, intake_to=None
    )
