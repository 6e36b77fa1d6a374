"""A care plan stored under rule set 1 renders the same page after the rule-set-2 upgrade.

The page reads only the stored snapshot; the rule set that wrote it is never run again. The
expected page (`snapshots/ruleset1_care_plan.html`) was rendered by the code before the upgrade.
"""

import datetime
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import EncounterFactory, PatientFactory, UserFactory
from tests.triage.snapshots.ruleset1_plan import RULESET_1_PLAN
from triage.guideline import RULESET_VERSION
from triage.models import CarePlan, FollowUp, Recommendation

pytestmark = pytest.mark.django_db
EXPECTED_PAGE = Path(__file__).parent / "snapshots" / "ruleset1_care_plan.html"
OCCURRED_AT = datetime.datetime(2026, 11, 24, 10, 30, tzinfo=datetime.UTC)


def stored_ruleset1_encounter():
    """The encounter and its care plan as rule set 1 stored them."""
    facts = RULESET_1_PLAN["input_facts"]
    encounter = EncounterFactory(
        patient=PatientFactory(mrn="MRN-RS1", given_name="Ada", family_name="Example"),
        recorded_by=UserFactory(username="nurse-rs1"),
        occurred_at=OCCURRED_AT,
        age_years=facts["age"],
        days_since_onset=facts["days_since_onset"],
        pain_score=facts["pain_score"],
        pathway=RULESET_1_PLAN["pathway"],
    )
    care_plan = CarePlan.objects.create(
        encounter=encounter,
        ruleset=RULESET_1_PLAN["ruleset"],
        pathway=RULESET_1_PLAN["pathway"],
        red_flags=RULESET_1_PLAN["red_flags"],
        input_facts=facts,
    )
    Recommendation.objects.bulk_create(
        Recommendation(care_plan=care_plan, position=position, ruleset=care_plan.ruleset, **item)
        for position, item in enumerate(RULESET_1_PLAN["recommendations"], start=1)
    )
    day_zero = timezone.localdate(OCCURRED_AT)
    for visit in RULESET_1_PLAN["follow_ups"]:
        FollowUp.objects.create(
            encounter=encounter,
            due_date=day_zero + datetime.timedelta(days=visit["day"]),
            plan_day=visit["day"],
            purpose=visit["purpose"],
        )
    return encounter


def rendered_care_plan(client) -> str:
    """The care plan page's main content, with the database's row numbers taken out."""
    encounter = stored_ruleset1_encounter()
    response = client.get(reverse("triage:care_plan", args=[encounter.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    main = page[page.index("<main") : page.index("</main>") + len("</main>")]
    return without_row_numbers(main)


def without_row_numbers(html: str) -> str:
    """Row numbers depend on the database's sequences, not on what the page says."""
    html = re.sub(r"/patients/\d+/", "/patients/PATIENT/", html)
    html = re.sub(r"/encounters/\d+/", "/encounters/ENCOUNTER/", html)
    return re.sub(r"recommendation-\d+", "recommendation-ID", html)


def test_a_stored_ruleset1_plan_renders_the_same_page_after_the_upgrade(nurse_client):
    assert RULESET_1_PLAN["ruleset"] != RULESET_VERSION

    assert rendered_care_plan(nurse_client) == without_row_numbers(EXPECTED_PAGE.read_text())


def test_the_expected_page_holds_every_stored_card_and_no_rule_set_2_card(nurse_client):
    page = EXPECTED_PAGE.read_text()

    assert "rule set 2026.11-1" in page
    for item in RULESET_1_PLAN["recommendations"]:
        assert item["summary"].replace("'", "&#x27;") in page
    # Rule set 2 would add heat and stomach protection for this patient; rule set 1 did not.
    assert not re.search("heat pack|proton-pump", page)
