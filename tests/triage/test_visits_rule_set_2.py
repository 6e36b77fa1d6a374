"""Visits under rule set 2, through HTTP: relaxant days pre-filled, the medicine review asks the
medicine questions again, age on the visit date, escalated visits, missed visits and the task a
missed medicine review leaves on the worklist."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from patients.models import Sex
from tests.factories import PatientFactory, make_conservative_episode
from tests.triage.intake_answers import history_answers
from tests.triage.test_followup_pages import _post_data
from triage.followup.selectors import worklist
from triage.models import Escalation, FollowUp, VisitRecord

pytestmark = pytest.mark.django_db


def _ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def _visit(days_ago: int = 14, plan_day: int = 14, **encounter_fields) -> FollowUp:
    encounter = make_conservative_episode(occurred_at=_ago(days_ago), **encounter_fields)
    return encounter.follow_ups.get(plan_day=plan_day)


def _medicines(**overrides) -> dict[str, str]:
    return {f"medicines-{key}": value for key, value in history_answers(**overrides).items()}


def _record(client, follow_up, **overrides):
    return client.post(reverse("triage:followup_record", args=[follow_up.pk]), overrides)


def _day_14_data(follow_up, *, medicines=None, **overrides):
    return _post_data(follow_up, **overrides) | _medicines(**(medicines or {}))


def test_relaxant_days_are_prefilled_from_the_start_date_on_record(nurse_client):
    today = timezone.localdate()
    follow_up = _visit(
        muscle_relaxant_start=today - datetime.timedelta(days=19),
        muscle_relaxant_days=5,
        muscle_relaxant_name="methocarbamol",
    )
    response = nurse_client.get(reverse("triage:followup_record", args=[follow_up.pk]))
    form = response.context["form"]
    assert form["muscle_relaxant_days"].value() == 19
    assert 'name="muscle_relaxant_days" value="19"' in response.content.decode()
    assert "Filled in from the start date on record" in response.content.decode()


def test_relaxant_days_follow_the_latest_visit_and_are_empty_once_stopped(nurse_client):
    today = timezone.localdate()
    follow_up = _visit(
        days_ago=42,
        plan_day=42,
        muscle_relaxant_start=today - datetime.timedelta(days=45),
        muscle_relaxant_days=3,
    )
    day_14 = follow_up.encounter.follow_ups.get(plan_day=14)
    data = _day_14_data(day_14, visit_date=(today - datetime.timedelta(days=28)).isoformat())
    assert _record(nurse_client, day_14, **data).status_code == 302
    assert VisitRecord.objects.get().muscle_relaxant_days is None
    form = nurse_client.get(reverse("triage:followup_record", args=[follow_up.pk])).context["form"]
    assert form["muscle_relaxant_days"].value() is None


def test_the_medicine_review_asks_the_medicine_questions_again(nurse_client):
    follow_up = _visit()
    html = nurse_client.get(reverse("triage:followup_record", args=[follow_up.pk]))
    html = html.content.decode()
    assert "History and medicines, asked again" in html
    for key in ("takes_maoi", "takes_antiplatelet", "breastfeeding", "heavy_alcohol_use"):
        assert html.count(f'name="medicines-{key}"') == 2, key
    assert 'name="muscle_relaxant_name"' in html
    later = follow_up.encounter.follow_ups.get(plan_day=42)
    html = nurse_client.get(reverse("triage:followup_record", args=[later.pk])).content.decode()
    assert "medicines-takes_maoi" not in html


def test_a_medicine_started_since_the_intake_changes_the_advice(nurse_client):
    follow_up = _visit()
    data = _day_14_data(
        follow_up,
        medicines={"takes_maoi": "yes"},
        muscle_relaxant_days="5",
        muscle_relaxant_name="cyclobenzaprine",
        muscle_relaxant_other_condition="no",
    )
    assert _record(nurse_client, follow_up, **data).status_code == 302
    visit = VisitRecord.objects.get()
    assert visit.input_facts["takes_maoi"] is True
    assert visit.input_facts["muscle_relaxant_name"] == "cyclobenzaprine"
    stop = visit.recommendations.get(code="MUSCLE_RELAXANT_STOP")
    assert "MAO inhibitor" in stop.detail


def test_the_medicine_questions_must_all_be_answered(nurse_client):
    follow_up = _visit()
    data = _day_14_data(follow_up)
    del data["medicines-takes_antiplatelet"]
    response = _record(nurse_client, follow_up, **data)
    assert response.status_code == 200
    assert "Answer yes or no." in response.content.decode()
    assert "takes_antiplatelet" in response.context["medicines"].errors
    assert not VisitRecord.objects.exists()


def test_relaxant_days_at_the_review_need_the_relaxant_named(nurse_client):
    follow_up = _visit()
    data = _day_14_data(follow_up, muscle_relaxant_days="3")
    response = _record(nurse_client, follow_up, **data)
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {
        "muscle_relaxant_name",
        "muscle_relaxant_other_condition",
    }
    assert not VisitRecord.objects.exists()


def test_breastfeeding_is_not_asked_again_for_a_patient_recorded_as_male(nurse_client):
    follow_up = _visit(patient=PatientFactory(sex=Sex.MALE))
    html = nurse_client.get(reverse("triage:followup_record", args=[follow_up.pk]))
    assert 'name="medicines-breastfeeding"' not in html.content.decode()
    data = _day_14_data(follow_up, medicines={"breastfeeding": "yes"})
    response = _record(nurse_client, follow_up, **data)
    assert response.status_code == 200
    assert "recorded as male" in response.content.decode()
    assert not VisitRecord.objects.exists()


def test_red_flags_use_the_age_on_the_visit_date(nurse_client):
    today = timezone.localdate()
    turned_66 = today - datetime.timedelta(days=7)
    patient = PatientFactory(date_of_birth=turned_66.replace(year=turned_66.year - 66))
    follow_up = _visit(patient=patient, age_years=65)
    data = _day_14_data(follow_up, osteoporosis="yes")
    assert _record(nurse_client, follow_up, **data).status_code == 302
    visit = VisitRecord.objects.get()
    assert visit.input_facts["age"] == 66
    assert visit.red_flags == ["osteoporosis"]
    assert Escalation.objects.get().priority == "urgent"


def test_an_escalated_visit_gives_only_escalation_and_relaxant_cards(nurse_client):
    follow_up = _visit(days_ago=42, plan_day=42, pain_score=6)
    data = _post_data(
        follow_up, pain_score="6", fever="yes", muscle_relaxant_days="20", global_change="-1"
    )
    assert _record(nurse_client, follow_up, **data).status_code == 302
    codes = list(VisitRecord.objects.get().recommendations.values_list("code", flat=True))
    assert codes == ["URGENT_EVALUATION", "INFECTION_WORKUP", "MUSCLE_RELAXANT_STOP"]


def test_a_visit_cannot_be_marked_missed_before_it_is_due(nurse_client):
    follow_up = _visit(days_ago=13)
    url = reverse("triage:followup_missed", args=[follow_up.pk])
    response = nurse_client.post(url, {"version": "1", "reason": "Rang to cancel."})
    assert response.status_code == 200
    assert "only on or after the day it is due" in response.content.decode()
    follow_up.refresh_from_db()
    assert follow_up.status == "scheduled"


def test_a_visit_can_be_marked_missed_on_its_due_date(nurse_client):
    follow_up = _visit(days_ago=14)
    url = reverse("triage:followup_missed", args=[follow_up.pk])
    response = nurse_client.post(url, {"version": "1", "reason": "Did not attend."})
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.status == "missed"


def test_a_missed_medicine_review_stays_a_task_until_a_visit_is_recorded(nurse_client):
    follow_up = _visit(days_ago=16)
    nurse_client.post(
        reverse("triage:followup_missed", args=[follow_up.pk]),
        {"version": "1", "reason": "Did not attend."},
    )
    later_missed = follow_up.encounter.follow_ups.get(plan_day=42)
    assert later_missed.status == "scheduled"

    home = nurse_client.get(reverse("triage:home"))
    [task] = next(g for g in home.context["groups"] if g.key == "medicine_reviews").rows
    assert (task.pk, task.encounter_pk) == (follow_up.pk, follow_up.encounter_id)
    add_url = reverse("triage:visit_add", args=[follow_up.encounter_id]) + "?review=medicines"
    html = home.content.decode()
    assert "Medicine reviews still due" in html
    assert add_url.replace("&", "&amp;") in html

    page = nurse_client.get(add_url).content.decode()
    assert 'name="medicines-takes_maoi"' in page
    data = _post_data(None) | _medicines()
    assert nurse_client.post(add_url, data).status_code == 302

    assert not worklist.missed_medicine_reviews().exists()
    home = nurse_client.get(reverse("triage:home"))
    assert "No missed medicine reviews." in home.content.decode()


def test_a_missed_six_week_visit_leaves_no_task():
    follow_up = _visit(days_ago=43, plan_day=42)
    FollowUp.objects.filter(pk=follow_up.pk).update(status="missed", status_reason="Away")
    assert not worklist.missed_medicine_reviews().exists()
