"""The intake through HTTP: every step, both pathways, editing from review, drafts and resume."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from patients.models import Patient, Sex
from tests.conftest import make_user
from tests.factories import PatientFactory
from tests.triage.intake_answers import (
    fill_intake,
    history_answers,
    pain_answers,
    red_flag_answers,
    start_from_chart,
    step_url,
    submit,
)
from triage.models import CarePlan, Encounter, Escalation, FollowUp, IntakeDraft

pytestmark = pytest.mark.django_db

NEW_PATIENT = {
    "new-mrn": "mrn-9001",
    "new-family_name": "Lovelace",
    "new-given_name": "Ada",
    "new-date_of_birth": "1985-12-10",
    "new-sex": "female",
    "new-phone": "",
}


def test_patient_step_finds_a_patient_by_record_number_or_name(nurse_client):
    PatientFactory(mrn="MRN-777", family_name="Okafor", given_name="Chidi")
    PatientFactory(mrn="MRN-123", family_name="Smith", given_name="Anna")
    url = reverse("triage:intake_new")
    for term in ("mrn-777", "okafor", "Chidi Okafor"):
        response = nurse_client.get(url, {"q": term})
        assert [p.mrn for p in response.context["matches"]] == ["MRN-777"], term
    assert "No patient matches" in nurse_client.get(url, {"q": "nobody"}).content.decode()


def test_choosing_a_patient_opens_a_draft_and_moves_to_the_pain_step(nurse_client, nurse):
    patient = PatientFactory()
    response = nurse_client.post(
        reverse("triage:intake_new"), {"action": "choose", "patient": patient.pk}
    )
    draft = IntakeDraft.objects.get()
    assert (draft.owner, draft.patient, draft.current_step) == (nurse, patient, "pain")
    assert response["Location"] == step_url(draft.token, "pain")


def test_patient_step_links_to_a_registration_form(nurse_client):
    url = reverse("triage:intake_new")
    search = nurse_client.get(url).content.decode()
    assert f'href="{url}?register=1"' in search
    assert "Medical record number" not in search
    form = nurse_client.get(url, {"register": "1"}).content.decode()
    assert "Medical record number" in form
    assert 'value="register"' in form


def test_registering_at_the_patient_step_creates_the_patient_and_the_draft(nurse_client):
    response = nurse_client.post(
        reverse("triage:intake_new"), {"action": "register", **NEW_PATIENT}
    )
    patient = Patient.objects.get(mrn="MRN-9001")
    draft = IntakeDraft.objects.get(patient=patient)
    assert response["Location"] == step_url(draft.token, "pain")


def test_registering_a_likely_duplicate_shows_the_same_warning_as_the_patient_pages(nurse_client):
    PatientFactory(
        family_name="Lovelace", given_name="Ada", date_of_birth=datetime.date(1985, 12, 10)
    )
    response = nurse_client.post(
        reverse("triage:intake_new"), {"action": "register", **NEW_PATIENT}
    )
    assert response.status_code == 200
    assert "may be a patient who is already registered" in response.content.decode()
    assert not IntakeDraft.objects.exists()
    confirmed = {**NEW_PATIENT, "new-confirm_not_duplicate": "on"}
    response = nurse_client.post(reverse("triage:intake_new"), {"action": "register", **confirmed})
    assert response.status_code == 302
    assert Patient.objects.filter(family_name="Lovelace").count() == 2


def test_starting_from_a_chart_skips_the_patient_step(nurse_client):
    patient = PatientFactory()
    chart = nurse_client.get(reverse("triage:patient_chart", args=[patient.pk])).content.decode()
    assert f'href="/intake/new/?patient={patient.pk}"' in chart
    page = nurse_client.get(reverse("triage:intake_new"), {"patient": patient.pk})
    assert page.context["step"].name == "pain"
    assert not IntakeDraft.objects.exists(), "nothing is saved until a step is completed"
    response = start_from_chart(nurse_client, patient)
    draft = IntakeDraft.objects.get()
    assert draft.patient == patient
    assert response["Location"] == step_url(draft.token, "red_flags")


def test_conservative_intake_through_every_step(nurse_client, nurse):
    patient = PatientFactory(date_of_birth=datetime.date(1980, 5, 17))
    token = fill_intake(nurse_client, patient)
    review = nurse_client.get(step_url(token, "review"))
    assert review.context["complete"]
    assert review.context["red_flags_yes"] == []

    response = submit(nurse_client, token)

    encounter = Encounter.objects.get()
    assert response["Location"] == reverse("triage:care_plan", args=[encounter.pk])
    assert encounter.pathway == "conservative"
    assert encounter.recorded_by == nurse
    assert encounter.intake_token == token
    assert not IntakeDraft.objects.exists()
    assert CarePlan.objects.get().pathway == "conservative"
    assert FollowUp.objects.filter(encounter=encounter).count() == 3
    assert not Escalation.objects.exists()
    page = nurse_client.get(response["Location"]).content.decode()
    assert "Supervised stretching and strengthening" in page


def test_urgent_intake_through_every_step(nurse_client):
    patient = PatientFactory()
    token = fill_intake(nurse_client, patient, red_flags={"fever": "yes"})
    review = nurse_client.get(step_url(token, "review"))
    assert review.context["red_flags_yes"] == ["Fever"]
    assert "Red flags answered yes" in review.content.decode()

    response = submit(nurse_client, token)

    encounter = Encounter.objects.get()
    assert (encounter.pathway, encounter.episode_status) == ("urgent", "escalated")
    assert encounter.fever is True
    assert encounter.needs_review is True
    escalation = Escalation.objects.get()
    assert escalation.red_flags == ["fever"]
    assert not FollowUp.objects.exists()
    page = nurse_client.get(response["Location"]).content.decode()
    assert 'role="alert"' in page
    assert "INFECTION" not in page  # codes are not shown; the words are
    assert "blood tests today, before any antibiotic" in page


def test_editing_from_the_review_step_returns_to_the_review(nurse_client):
    patient = PatientFactory()
    token = fill_intake(nurse_client, patient)
    review = nurse_client.get(step_url(token, "review")).content.decode()
    assert f'href="{step_url(token, "pain")}"' in review

    edit = nurse_client.get(step_url(token, "pain"))
    assert edit.context["form"]["pain_score"].value() == "8", "the saved answer is shown"
    response = nurse_client.post(step_url(token, "pain"), pain_answers(pain_score="3"))

    assert response["Location"] == step_url(token, "review")
    submit(nurse_client, token)
    assert Encounter.objects.get().pain_score == 3


def test_changing_the_patient_from_review_keeps_the_other_answers(nurse_client):
    first, second = PatientFactory(), PatientFactory(mrn="MRN-2")
    token = fill_intake(nurse_client, first)
    response = nurse_client.post(
        step_url(token, "patient"), {"action": "choose", "patient": second.pk}
    )
    assert response["Location"] == step_url(token, "review")
    submit(nurse_client, token)
    assert Encounter.objects.get().patient == second


def test_draft_survives_sign_out_and_resume_lands_on_the_next_step_with_answers(client):
    nurse = make_user(roles.NURSE, username="nadia")
    patient = PatientFactory()
    client.force_login(nurse)
    start_from_chart(client, patient, pain_score="6")
    token = IntakeDraft.objects.get().token
    client.post(reverse("logout"))
    assert client.get(reverse("triage:home")).status_code == 302  # signed out

    client.force_login(nurse)
    home = client.get(reverse("triage:home")).content.decode()
    assert "Your unfinished intakes" in home
    resume = step_url(token, "red_flags")
    assert f'href="{resume}"' in home

    assert client.get(resume).status_code == 200
    pain = client.get(step_url(token, "pain"))
    assert pain.context["form"]["pain_score"].value() == "6"


def test_unfinished_step_is_where_resume_lands_after_a_later_step_is_skipped(nurse_client):
    patient = PatientFactory()
    start_from_chart(nurse_client, patient)
    token = IntakeDraft.objects.get().token
    # The nurse jumps ahead to history; the red-flag screen is still the step to resume.
    nurse_client.post(step_url(token, "history"), history_answers())
    assert IntakeDraft.objects.get().current_step == "red_flags"
    review = nurse_client.get(step_url(token, "review"))
    assert not review.context["complete"]
    assert "Submit intake" not in review.content.decode()


def test_discard_removes_the_draft_but_keeps_a_registered_patient(nurse_client):
    nurse_client.post(reverse("triage:intake_new"), {"action": "register", **NEW_PATIENT})
    token = IntakeDraft.objects.get().token
    url = reverse("triage:intake_discard", args=[token])
    question = nurse_client.get(url)
    assert "Discard this unfinished intake?" in question.content.decode()
    assert IntakeDraft.objects.exists(), "asking deletes nothing"
    response = nurse_client.post(url)
    assert response.status_code == 302
    assert not IntakeDraft.objects.exists()
    assert Patient.objects.filter(mrn="MRN-9001").exists()


def test_a_second_start_from_the_chart_resumes_the_existing_draft(nurse_client):
    patient = PatientFactory()
    start_from_chart(nurse_client, patient)
    token = IntakeDraft.objects.get().token
    response = nurse_client.get(reverse("triage:intake_new"), {"patient": patient.pk})
    assert response["Location"] == step_url(token, "red_flags")
    assert IntakeDraft.objects.count() == 1


def test_pregnancy_is_not_asked_for_a_patient_recorded_as_male(nurse_client):
    patient = PatientFactory(sex=Sex.MALE)
    start_from_chart(nurse_client, patient)
    token = IntakeDraft.objects.get().token
    page = nurse_client.get(step_url(token, "history")).content.decode()
    assert "Is the patient pregnant?" not in page
    answers = history_answers()
    del answers["pregnant"]
    nurse_client.post(step_url(token, "red_flags"), red_flag_answers())
    response = nurse_client.post(step_url(token, "history"), answers)
    assert response["Location"] == step_url(token, "review")
    submit(nurse_client, token)
    assert Encounter.objects.get().pregnancy_weeks is None


def test_pregnancy_weeks_are_stored_for_a_pregnant_patient(nurse_client):
    patient = PatientFactory(sex=Sex.FEMALE)
    token = fill_intake(nurse_client, patient, history={"pregnant": "yes", "pregnancy_weeks": "24"})
    submit(nurse_client, token)
    encounter = Encounter.objects.get()
    assert encounter.pregnancy_weeks == 24
    assert "NSAID_WITHHELD" in set(
        encounter.care_plan.recommendations.values_list("code", flat=True)
    )


def test_intake_pages_need_the_intake_permissions(client):
    client.force_login(make_user(None, username="nobody"))
    assert client.get(reverse("triage:intake_new")).status_code == 403
    assert client.get(reverse("triage:intake_drafts")).status_code == 403


def test_clinicians_can_also_run_an_intake(clinician_client):
    patient = PatientFactory()
    token = fill_intake(clinician_client, patient)
    assert submit(clinician_client, token).status_code == 302
    assert Encounter.objects.get().recorded_by.username == "clinician1"


def test_the_encounter_date_is_the_submit_date(nurse_client):
    patient = PatientFactory()
    onset = timezone.localdate() - datetime.timedelta(days=9)
    token = fill_intake(nurse_client, patient, pain={"onset_date": onset.isoformat()})
    submit(nurse_client, token)
    encounter = Encounter.objects.get()
    assert encounter.days_since_onset == 9
    assert encounter.care_plan.input_facts["encounter_date"] == timezone.localdate().isoformat()
