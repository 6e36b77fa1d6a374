"""record_intake: one transaction storing typed facts, the plan snapshot, visits or escalation."""

import dataclasses
import datetime
import threading

import pytest
from django.db import IntegrityError, connection
from django.urls import reverse
from django.utils import timezone

from patients.models import Sex
from tests.factories import PatientFactory, UserFactory
from tests.triage.intake_answers import fill_intake, step_url, submit, years_ago
from triage.guideline import FollowUpVisit, IntakeFacts, evaluate_intake
from triage.intake import services as intake_services
from triage.intake.answers import submit_draft
from triage.models import (
    ASKED_HISTORY_KEYS,
    ASKED_RED_FLAG_KEYS,
    CarePlan,
    Encounter,
    Escalation,
    FollowUp,
    IntakeDraft,
    Recommendation,
)

pytestmark = pytest.mark.django_db


def _nothing_saved() -> bool:
    return not (
        Encounter.objects.exists()
        or CarePlan.objects.exists()
        or Recommendation.objects.exists()
        or FollowUp.objects.exists()
        or Escalation.objects.exists()
    )


def test_every_fact_is_a_typed_column(nurse_client):
    today = timezone.localdate()
    patient = PatientFactory(date_of_birth=years_ago(40) - datetime.timedelta(1))
    onset = today - datetime.timedelta(days=20)
    started = today - datetime.timedelta(days=4)
    token = fill_intake(
        nurse_client,
        patient,
        pain={
            "onset_date": onset.isoformat(),
            "pain_location": "both",
            "pain_score": "7",
            "neuropathic_features": "yes",
            "declines_neck_manipulation": "yes",
            "takes_muscle_relaxant": "yes",
            "muscle_relaxant_name": "cyclobenzaprine",
            "muscle_relaxant_other_condition": "no",
            "muscle_relaxant_start": started.isoformat(),
        },
        history={"liver_disease": "yes", "takes_serotonergic_drug": "yes"},
    )
    submit(nurse_client, token)

    encounter = Encounter.objects.get()
    assert encounter.status == "submitted"
    assert encounter.age_years == 40
    assert encounter.onset_date == onset
    assert encounter.days_since_onset == 20
    assert encounter.pain_location == "both"
    assert encounter.pain_score == 7
    assert encounter.muscle_spasm is True
    assert encounter.neuropathic_features is True
    assert encounter.declines_neck_manipulation is True
    assert encounter.muscle_relaxant_start == started
    assert encounter.muscle_relaxant_days == 4
    assert encounter.liver_disease is True
    assert encounter.takes_serotonergic_drug is True
    assert encounter.heart_failure is False
    assert encounter.pregnancy_weeks is None
    assert Encounter.objects.filter(liver_disease=True, pain_score__gte=7).count() == 1


def test_stored_plan_is_the_engines_plan_for_the_stored_facts(nurse_client):
    token = fill_intake(nurse_client, PatientFactory(), history={"takes_anticoagulant": "yes"})
    submit(nurse_client, token)

    care_plan = CarePlan.objects.get()
    facts = care_plan.input_facts
    expected_keys = {*("age", "days_since_onset", "pain_score", "muscle_relaxant_days")}
    assert expected_keys | set(ASKED_RED_FLAG_KEYS) | set(ASKED_HISTORY_KEYS) <= set(facts)
    assert facts["encounter_date"] == timezone.localdate().isoformat()
    plan = evaluate_intake(IntakeFacts.from_mapping(facts))
    assert care_plan.ruleset == plan.ruleset
    stored = list(care_plan.recommendations.order_by("position"))
    assert [row.code for row in stored] == list(plan.codes)
    for row, item in zip(stored, plan.recommendations, strict=True):
        assert (row.summary, row.detail, row.sources) == (
            item.summary,
            item.detail,
            list(item.sources),
        )
        assert (row.indicator, row.category, row.ruleset) == (
            item.indicator,
            item.category,
            plan.ruleset,
        )
    assert "NSAID_WITHHELD" in plan.codes
    assert care_plan.encounter.needs_review is True


def test_follow_ups_are_due_from_the_encounter_date(nurse_client):
    submit(nurse_client, fill_intake(nurse_client, PatientFactory()))
    today = timezone.localdate()
    visits = list(FollowUp.objects.order_by("due_date"))
    assert [(v.plan_day, v.due_date - today) for v in visits] == [
        (14, datetime.timedelta(days=14)),
        (42, datetime.timedelta(days=42)),
        (56, datetime.timedelta(days=56)),
    ]
    assert all(v.status == "scheduled" and v.purpose for v in visits)


def test_plain_conservative_plan_does_not_need_review(nurse_client):
    token = fill_intake(nurse_client, PatientFactory(), pain={"pain_score": "4"})
    submit(nurse_client, token)
    encounter = Encounter.objects.get()
    assert encounter.needs_review is False
    assert encounter.episode_status == "active"


def test_osteoporosis_under_65_is_not_a_red_flag_but_over_65_is(nurse_client):
    younger = PatientFactory(date_of_birth=years_ago(50), mrn="MRN-50")
    older = PatientFactory(date_of_birth=years_ago(70), mrn="MRN-70")
    for patient in (younger, older):
        token = fill_intake(nurse_client, patient, red_flags={"osteoporosis": "yes"})
        submit(nurse_client, token)
    assert Encounter.objects.get(patient=younger).pathway == "conservative"
    assert Encounter.objects.get(patient=older).pathway == "urgent"
    escalation = Escalation.objects.get()
    assert (escalation.red_flags, escalation.priority) == (["osteoporosis"], "urgent")


def test_double_submit_creates_one_encounter(nurse_client):
    token = fill_intake(nurse_client, PatientFactory())
    review = nurse_client.get(step_url(token, "review"))
    url = reverse("triage:intake_submit", args=[token])
    first = nurse_client.post(url, {"reviewed": review.context["digest"]})
    second = nurse_client.post(url, {"reviewed": review.context["digest"]})
    replay = nurse_client.post(url, {})
    assert Encounter.objects.count() == 1
    assert CarePlan.objects.count() == 1
    assert FollowUp.objects.count() == 3
    assert first["Location"] == second["Location"] == replay["Location"]


def test_record_intake_called_again_returns_the_first_encounter(nurse):
    draft = _complete_draft(nurse)
    first = submit_draft(draft=draft, user=nurse, now=timezone.now())
    again = submit_draft(draft=draft, user=nurse, now=timezone.now())
    assert again == first
    assert Encounter.objects.count() == 1


def _complete_draft(nurse, **red_flags) -> IntakeDraft:
    from django.test import Client

    client = Client()
    client.force_login(nurse)
    token = fill_intake(client, PatientFactory(sex=Sex.FEMALE), red_flags=red_flags)
    return IntakeDraft.objects.get(token=token)


def test_engine_failure_rolls_everything_back_and_keeps_the_draft(nurse, monkeypatch):
    draft = _complete_draft(nurse)

    def broken_engine(facts):
        raise RuntimeError("engine failed")

    monkeypatch.setattr(intake_services, "evaluate_intake", broken_engine)
    with pytest.raises(RuntimeError):
        submit_draft(draft=draft, user=nurse, now=timezone.now())
    assert _nothing_saved()
    assert IntakeDraft.objects.filter(pk=draft.pk).exists()


def test_failed_follow_up_write_rolls_back_the_encounter_and_plan(nurse, monkeypatch):
    draft = _complete_draft(nurse)

    def plan_with_an_impossible_visit(facts):
        # A negative plan day breaks the database's own check on FollowUp.plan_day.
        plan = evaluate_intake(facts)
        bad = (*plan.follow_ups, FollowUpVisit(day=-1, purpose="impossible"))
        return dataclasses.replace(plan, follow_ups=bad)

    monkeypatch.setattr(intake_services, "evaluate_intake", plan_with_an_impossible_visit)
    with pytest.raises(IntegrityError):
        submit_draft(draft=draft, user=nurse, now=timezone.now())
    assert _nothing_saved()
    assert IntakeDraft.objects.filter(pk=draft.pk).exists()


def test_failed_recommendation_write_rolls_back_an_urgent_intake(nurse, monkeypatch):
    draft = _complete_draft(nurse, fever="yes")

    def plan_with_an_unknown_indicator(facts):
        # The database refuses an indicator outside info/warning/critical.
        plan = evaluate_intake(facts)
        broken = dataclasses.replace(plan.recommendations[-1], indicator="bogus")
        return dataclasses.replace(plan, recommendations=(*plan.recommendations[:-1], broken))

    monkeypatch.setattr(intake_services, "evaluate_intake", plan_with_an_unknown_indicator)
    with pytest.raises(IntegrityError):
        submit_draft(draft=draft, user=nurse, now=timezone.now())
    assert _nothing_saved()
    assert IntakeDraft.objects.filter(pk=draft.pk).exists()


def test_failed_submit_through_the_page_keeps_the_draft(nurse_client, monkeypatch):
    token = fill_intake(nurse_client, PatientFactory())

    def broken_engine(facts):
        raise RuntimeError("engine failed")

    monkeypatch.setattr(intake_services, "evaluate_intake", broken_engine)
    with pytest.raises(RuntimeError):
        submit(nurse_client, token)
    assert _nothing_saved()
    monkeypatch.undo()
    assert submit(nurse_client, token).status_code == 302
    assert Encounter.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_submits_of_one_draft_create_one_encounter():
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent writers need PostgreSQL")
    from tests.conftest import make_user

    nurse = make_user("Nurse", username="racer")
    draft = _complete_draft(nurse)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def submit_in_thread():
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            encounter = submit_draft(draft=draft, user=nurse, now=timezone.now())
            results.append(encounter.pk)
        except Exception as error:  # noqa: BLE001 (a thread reports any failure to the asserts)
            errors.append(error)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=submit_in_thread) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(results)) == 1
    assert Encounter.objects.count() == 1
    assert CarePlan.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_losing_the_race_on_the_token_returns_the_winners_encounter():
    if connection.vendor != "postgresql":
        pytest.skip("needs a second connection writing concurrently (PostgreSQL)")
    from tests.conftest import make_user

    nurse = make_user("Nurse", username="racer2")
    draft = _complete_draft(nurse)
    winner = []

    def other_submit_commits_first(execute, sql, params, many, context):
        if sql.startswith('INSERT INTO "triage_encounter"') and not winner:

            def insert_winner():
                from django.db import connection as thread_connection

                winner.append(
                    Encounter.objects.create(
                        patient=draft.patient,
                        recorded_by=UserFactory(),
                        occurred_at=timezone.now(),
                        intake_token=draft.token,
                    )
                )
                thread_connection.close()

            thread = threading.Thread(target=insert_winner)
            thread.start()
            thread.join()
        return execute(sql, params, many, context)

    with connection.execute_wrapper(other_submit_commits_first):
        encounter = submit_draft(draft=draft, user=nurse, now=timezone.now())
    assert encounter == winner[0]
    assert Encounter.objects.count() == 1
    assert not CarePlan.objects.exists()


@pytest.mark.parametrize(
    ("red_flags", "pathway"),
    [
        ({"cervical_arterial_signs": "yes"}, "emergency"),
        ({"progressive_neuro_deficit": "yes", "fever": "yes"}, "emergency"),
        ({"malignancy_history": "yes"}, "urgent"),
    ],
)
def test_an_emergency_or_urgent_intake_opens_an_escalation(nurse_client, red_flags, pathway):
    submit(nurse_client, fill_intake(nurse_client, PatientFactory(), red_flags=red_flags))

    encounter = Encounter.objects.get()
    assert encounter.pathway == pathway
    assert encounter.episode_status == "escalated"
    assert encounter.needs_review is True
    assert encounter.follow_ups.count() == 0
    escalation = Escalation.objects.get()
    assert escalation.red_flags == encounter.care_plan.red_flags
    assert set(red_flags) <= set(escalation.red_flags)
    page = nurse_client.get(reverse("triage:care_plan", args=[encounter.pk])).content.decode()
    assert 'role="alert"' in page
    assert ">Do now</h2>" not in page


def test_reloading_the_review_of_a_submitted_intake_opens_its_care_plan(nurse_client):
    token = fill_intake(nurse_client, PatientFactory())
    review = nurse_client.get(step_url(token, "review"))
    url = reverse("triage:intake_submit", args=[token])
    nurse_client.post(url, {"reviewed": review.context["digest"]})
    reload = nurse_client.get(step_url(token, "review"))
    encounter = Encounter.objects.get()
    assert reload.status_code == 302
    assert reload["Location"] == reverse("triage:care_plan", args=[encounter.pk])
