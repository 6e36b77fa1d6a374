"""The demo data includes submitted intakes, so `make run` shows care plans straight away."""

import pytest

from patients.demo import create_demo_data
from patients.models import Encounter
from triage.models import CarePlan, Escalation, IntakeDraft

pytestmark = pytest.mark.django_db


def test_demo_data_has_a_conservative_and_an_urgent_intake_and_a_draft_once_only():
    create_demo_data()
    create_demo_data()
    assert sorted(Encounter.objects.values_list("pathway", flat=True)) == [
        "conservative",
        "urgent",
    ]
    assert CarePlan.objects.count() == 2
    assert Escalation.objects.count() == 1
    assert IntakeDraft.objects.get().owner.username == "nurse"
