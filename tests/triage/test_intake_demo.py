"""The demo data shows every part of the product straight after `make run`, and loads once only."""

import pytest
from django.utils import timezone

from triage.demo import create_demo_data
from triage.followup.selectors.worklist import build_worklist
from triage.models import CarePlan, Encounter, Escalation, IntakeDraft

pytestmark = pytest.mark.django_db


def test_demo_data_covers_both_pathways_the_course_and_a_draft_once_only():
    create_demo_data()
    create_demo_data()
    statuses = dict(Encounter.objects.values_list("patient__mrn", "episode_status"))
    assert statuses == {
        "DEMO-0001": "active",
        "DEMO-0002": "escalated",
        "DEMO-0004": "resolved",
        "DEMO-0005": "persistent",
        "DEMO-0006": "active",
        "DEMO-0007": "active",
        "DEMO-0008": "escalated",
    }
    assert CarePlan.objects.count() == 7
    assert list(Escalation.objects.values_list("priority", flat=True).order_by("priority")) == [
        "emergency",
        "urgent",
    ]
    assert IntakeDraft.objects.get().owner.username == "nurse"


def test_demo_worklist_has_an_escalation_an_overdue_visit_and_one_due_today():
    create_demo_data()
    groups = {group.key: group for group in build_worklist(today=timezone.localdate())}
    assert groups["escalations"].total >= 1
    assert groups["escalations"].rows[0].is_emergency
    assert groups["overdue"].total >= 1
    assert groups["today"].total >= 1
