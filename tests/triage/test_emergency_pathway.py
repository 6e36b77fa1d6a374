"""The emergency and urgent pathways in the product: the escalation's priority, what the care
plan and the handout say first, and a visit that finds emergency signs."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import PatientFactory, make_conservative_episode
from tests.triage.intake_answers import fill_intake, history_answers, submit
from tests.triage.test_followup_pages import _post_data
from triage.models import Encounter, Escalation, FollowUp

pytestmark = pytest.mark.django_db


def _intake(nurse_client, **red_flags) -> Encounter:
    answers = dict.fromkeys(red_flags, "yes")
    submit(nurse_client, fill_intake(nurse_client, PatientFactory(), red_flags=answers))
    return Encounter.objects.get()


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _do_now(html: str) -> str:
    match = re.search(r'<p class="[^"]*" id="do-now">([^<]*)</p>', html)
    assert match, "the page says what to do now"
    return match.group(1)


@pytest.mark.parametrize(
    ("flag", "staff_first", "patient_first"),
    [
        ("cervical_arterial_signs", "Call an ambulance now", "Call an ambulance now."),
        (
            "progressive_neuro_deficit",
            "Send the patient to the emergency department now",
            "Go to the emergency department now.",
        ),
        (
            "bowel_bladder_dysfunction",
            "Send the patient to the emergency department now",
            "Go to the emergency department now.",
        ),
    ],
)
def test_an_emergency_says_first_and_plainly_what_to_do_now(
    nurse_client, flag, staff_first, patient_first
):
    encounter = _intake(nurse_client, **{flag: True})
    assert (encounter.pathway, encounter.episode_status) == ("emergency", "escalated")
    escalation = encounter.escalations.get()
    assert (escalation.priority, escalation.red_flags) == ("emergency", [flag])
    assert not FollowUp.objects.exists()

    plan = nurse_client.get(reverse("triage:care_plan", args=[encounter.pk])).content.decode()
    banner = plan[plan.index('<h2 class="h4" id="critical-title">') :]
    assert _text(banner).strip().startswith(f"Emergency: act now {staff_first}")
    assert _do_now(plan).startswith(staff_first)
    assert banner.index('id="do-now"') < banner.index('class="fw-bold mb-1"'), "before the cards"
    assert "An emergency escalation was opened" in plan

    handout = nurse_client.get(reverse("triage:handout", args=[encounter.pk])).content.decode()
    after_title = handout[handout.index("what to do next</h1>") :]
    assert _do_now(after_title).startswith(patient_first)
    assert after_title.index('id="do-now"') < after_title.index("For ")
    assert "wait for" not in _text(handout).lower()
    assert "will call you" not in handout


def test_the_urgent_handout_says_the_clinic_will_call_today(nurse_client):
    encounter = _intake(nurse_client, night_pain=True)
    assert encounter.escalations.get().priority == "urgent"

    plan = nurse_client.get(reverse("triage:care_plan", args=[encounter.pk])).content.decode()
    assert "Urgent: red flags found" in plan
    assert "the clinic calls the patient today" in _do_now(plan)

    handout = nurse_client.get(reverse("triage:handout", args=[encounter.pk])).content.decode()
    assert _do_now(handout).startswith("The clinic will call you today")
    text = _text(handout)
    assert "Go to the emergency department at once, without waiting for the call" in text
    assert "new trouble controlling your bladder or bowels" in text.lower()


def test_a_conservative_plan_has_no_banner_and_no_do_now_line(nurse_client):
    encounter = _intake(nurse_client)
    for name in ("triage:care_plan", "triage:handout"):
        html = nurse_client.get(reverse(name, args=[encounter.pk])).content.decode()
        assert 'id="do-now"' not in html
        assert "Emergency: act now" not in html


def test_a_visit_with_emergency_signs_opens_an_emergency_escalation(nurse_client):
    encounter = make_conservative_episode(occurred_at=timezone.now() - datetime.timedelta(days=14))
    follow_up = encounter.follow_ups.order_by("due_date").first()
    # The day-14 visit is the medicine review: it asks the history and medicines again too.
    medicines = {f"medicines-{key}": value for key, value in history_answers().items()}
    data = _post_data(follow_up, progressive_neuro_deficit="yes") | medicines

    response = nurse_client.post(reverse("triage:followup_record", args=[follow_up.pk]), data)

    assert response.status_code == 302
    escalation = Escalation.objects.get()
    assert (escalation.priority, escalation.visit.follow_up) == ("emergency", follow_up)
    html = nurse_client.get(reverse("triage:home")).content.decode()
    assert "worklist-emergency" in html
