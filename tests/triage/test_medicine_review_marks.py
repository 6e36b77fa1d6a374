"""A missed medicine review's `review_done` mark, kept by the services that record, miss or void
a visit, puts the review on the worklist exactly when the former search for a visit recorded
since did (kept below as the reference), and the migration's backfill sets it the same way."""

import datetime
import importlib
import random
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from tests.conftest import make_user
from tests.factories import make_conservative_episode, visit_findings
from triage.followup import services
from triage.followup.selectors import worklist
from triage.models import FollowUp, FollowUpStatus
from triage.review import services as review_services

pytestmark = pytest.mark.django_db


def reference_reviews() -> list[int]:
    """The worklist's missed medicine reviews as the page found them before the mark: missed
    day-14 visits of non-voided episodes with no completed, non-voided visit of the episode
    dated on or after their due date."""
    visit_since = FollowUp.objects.filter(
        encounter=OuterRef("encounter"),
        status=FollowUpStatus.COMPLETED,
        voided_at__isnull=True,
        visit__visit_date__gte=OuterRef("due_date"),
    )
    return list(
        FollowUp.objects.filter(
            status=FollowUpStatus.MISSED,
            plan_day=14,
            voided_at__isnull=True,
            encounter__voided_at__isnull=True,
        )
        .exclude(Exists(visit_since))
        .order_by("due_date", "pk")
        .values_list("pk", flat=True)
    )


def listed() -> list[int]:
    return list(worklist.missed_medicine_reviews().values_list("pk", flat=True))


@pytest.fixture
def staff(db):
    # A clinician records, misses and voids visits.
    return make_user(roles.CLINICIAN)


def _episode(days_ago: int = 60):
    now = timezone.now()
    return make_conservative_episode(occurred_at=now - datetime.timedelta(days=days_ago))


def _miss(follow_up, staff):
    follow_up.refresh_from_db()
    return services.record_missed(
        follow_up=follow_up,
        version=follow_up.version,
        reason="Did not attend",
        user=staff,
        now=timezone.now(),
    )


def _record(follow_up, staff, visit_date):
    follow_up.refresh_from_db()
    return services.record_visit(
        follow_up=follow_up,
        version=follow_up.version,
        findings=visit_findings(visit_date),
        user=staff,
        now=timezone.now(),
    )


def _void(follow_up, staff):
    review_services.void_follow_up(
        follow_up=follow_up, user=staff, reason="Wrong patient", now=timezone.now()
    )


def test_a_later_visit_takes_the_review_off_the_list_and_voiding_it_puts_it_back(staff):
    episode = _episode()
    review = _miss(episode.follow_ups.get(plan_day=14), staff)
    assert listed() == [review.pk]

    later = episode.follow_ups.get(plan_day=42)
    _record(later, staff, review.due_date + datetime.timedelta(days=28))
    assert listed() == []
    review.refresh_from_db()
    assert review.review_done is True

    _void(later, staff)
    assert listed() == [review.pk]
    review.refresh_from_db()
    assert review.review_done is False
    assert listed() == reference_reviews()


def test_the_review_leaves_the_home_page_once_the_review_is_recorded(staff, nurse_client):
    episode = _episode()
    review = _miss(episode.follow_ups.get(plan_day=14), staff)
    home = reverse("triage:home")

    def shown_reviews():
        groups = nurse_client.get(home).context["groups"]
        return [row.pk for row in next(g for g in groups if g.key == "medicine_reviews").rows]

    assert shown_reviews() == [review.pk]
    services.add_unscheduled_visit(
        encounter=episode,
        findings=visit_findings(review.due_date),  # on the due date itself: it counts
        user=staff,
        now=timezone.now(),
    )
    assert shown_reviews() == []
    assert "No missed medicine reviews." in nurse_client.get(home).content.decode()


def test_a_visit_dated_before_the_due_date_leaves_the_review_on_the_list(staff):
    episode = _episode()
    review = _miss(episode.follow_ups.get(plan_day=14), staff)
    services.add_unscheduled_visit(
        encounter=episode,
        findings=visit_findings(review.due_date - datetime.timedelta(days=1)),
        user=staff,
        now=timezone.now(),
    )
    assert listed() == [review.pk] == reference_reviews()


def test_a_review_missed_after_a_later_visit_was_recorded_is_not_listed(staff):
    episode = _episode()
    day_14 = episode.follow_ups.get(plan_day=14)
    _record(episode.follow_ups.get(plan_day=42), staff, day_14.due_date + datetime.timedelta(28))
    review = _miss(day_14, staff)
    review.refresh_from_db()
    assert review.review_done is True
    assert listed() == [] == reference_reviews()


def test_voiding_one_of_two_later_visits_keeps_the_review_done(staff):
    episode = _episode(days_ago=70)
    review = _miss(episode.follow_ups.get(plan_day=14), staff)
    day_42, day_56 = episode.follow_ups.get(plan_day=42), episode.follow_ups.get(plan_day=56)
    _record(day_42, staff, day_42.due_date)
    _record(day_56, staff, day_56.due_date)
    _void(day_56, staff)
    assert listed() == [] == reference_reviews()
    _void(day_42, staff)
    assert listed() == [review.pk] == reference_reviews()


def test_a_visit_of_another_episode_does_not_count(staff):
    episode = _episode()
    review = _miss(episode.follow_ups.get(plan_day=14), staff)
    other = _episode()
    _record(other.follow_ups.get(plan_day=42), staff, review.due_date + datetime.timedelta(28))
    assert listed() == [review.pk] == reference_reviews()


def test_the_mark_agrees_with_the_former_search_through_any_course(staff):
    chance = random.Random(7)  # noqa: S311 - test data, not security
    today = timezone.localdate()
    episodes = [_episode(days_ago=chance.randint(30, 90)) for _ in range(6)]
    ever_listed, ever_done, undone = set(), set(), set()
    for step in range(80):
        episode = chance.choice(episodes)
        intake_day = timezone.localdate(episode.occurred_at)
        open_visits = [f for f in episode.follow_ups.open() if f.due_date <= today]
        completed = list(
            episode.follow_ups.filter(status=FollowUpStatus.COMPLETED, voided_at__isnull=True)
        )
        action = chance.choice(["miss", "miss", "record", "unscheduled", "void"])
        visit_date = intake_day + datetime.timedelta(
            days=chance.randint(1, (today - intake_day).days)
        )
        if action == "miss" and open_visits:
            _miss(chance.choice(open_visits), staff)
        elif action == "record" and open_visits:
            _record(chance.choice(open_visits), staff, visit_date)
        elif action == "unscheduled" and episode.voided_at is None:
            services.add_unscheduled_visit(
                encounter=episode,
                findings=visit_findings(visit_date),
                user=staff,
                now=timezone.now(),
            )
        elif action == "void" and completed:
            _void(chance.choice(completed), staff)
        if step == 50:
            review_services.void_encounter(
                encounter=episodes[0], user=staff, reason="Wrong patient", now=timezone.now()
            )
            episodes[0].refresh_from_db()
        assert listed() == reference_reviews(), f"step {step}: {action}"
        done = set(
            FollowUp.objects.filter(review_done=True, voided_at__isnull=True).values_list(
                "pk", flat=True
            )
        )
        undone |= ever_done - done
        ever_done |= done
        ever_listed |= set(listed())
    # The course above reached every case: reviews listed, done, and done then due again.
    assert ever_listed
    assert ever_done
    assert undone


def _varied_reviews(staff):
    """Missed reviews: with no later visit, with one, with one voided, with one too early."""
    done, due, undone, early = (_episode() for _ in range(4))
    for episode in (done, due, undone, early):
        _miss(episode.follow_ups.get(plan_day=14), staff)
    for episode in (done, undone):
        day_42 = episode.follow_ups.get(plan_day=42)
        _record(day_42, staff, day_42.due_date)
    _void(undone.follow_ups.get(plan_day=42), staff)
    services.add_unscheduled_visit(
        encounter=early,
        findings=visit_findings(timezone.localdate(early.occurred_at) + datetime.timedelta(7)),
        user=staff,
        now=timezone.now(),
    )
    return sorted(FollowUp.objects.filter(plan_day=14).values_list("pk", "review_done"))


def test_the_migration_backfills_the_mark_of_existing_reviews(staff):
    kept = _varied_reviews(staff)
    assert [done for _, done in kept] == [True, False, False, False]
    # Rows from before the mark: all "not done", including the one a visit has done since.
    FollowUp.objects.update(review_done=False)
    assert len(listed()) == 4
    migration = importlib.import_module("triage.migrations.0008_followup_review_done")
    migration.backfill_review_done(apps, SimpleNamespace(connection=connection))
    assert sorted(FollowUp.objects.filter(plan_day=14).values_list("pk", "review_done")) == kept
    assert listed() == reference_reviews()
    assert len(listed()) == 3


def test_refreshing_every_episode_mends_a_bulk_load(staff):
    kept = _varied_reviews(staff)
    FollowUp.objects.filter(plan_day=14).update(review_done=True)
    assert listed() == []
    assert services.refresh_medicine_review_marks() == 4
    assert sorted(FollowUp.objects.filter(plan_day=14).values_list("pk", "review_done")) == kept
    assert listed() == reference_reviews()
