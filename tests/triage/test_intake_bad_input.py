"""Bad input at each step: a clear message next to the field, a summary, and no encounter."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from patients.models import Sex
from tests.conftest import make_user
from tests.factories import IntakeDraftFactory, PatientFactory
from tests.triage.intake_answers import (
    fill_intake,
    history_answers,
    pain_answers,
    red_flag_answers,
    start_from_chart,
    step_url,
    submit,
    years_ago,
)
from triage.models import ASKED_RED_FLAG_KEYS, Encounter, IntakeDraft

pytestmark = pytest.mark.django_db


def _days(n: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=n)).isoformat()


def _assert_refused(response, field: str, message: str) -> None:
    """The step is shown again with the message beside the field and in the summary."""
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors[field]), form.errors
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert f'id="{form[field].auto_id}_error"' in html, "the message sits next to the field"
    assert 'aria-invalid="true"' in html
    assert not Encounter.objects.exists()


@pytest.fixture
def draft_token(nurse_client):
    start_from_chart(nurse_client, PatientFactory(sex=Sex.FEMALE))
    return IntakeDraft.objects.get().token


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"pain_score": "11"}, "pain_score", "must be from 0 to 10"),
        ({"pain_score": "-1"}, "pain_score", "must be from 0 to 10"),
        ({"pain_score": "7.5"}, "pain_score", "whole number from 0 to 10"),
        ({"pain_score": ""}, "pain_score", "Enter a pain score"),
        ({"onset_date": _days(1)}, "onset_date", "cannot begin in the future"),
        ({"onset_date": "2026-02-30"}, "onset_date", "Enter a real date"),
        ({"onset_date": "1975-01-01"}, "onset_date", "before the patient was born"),
        ({"pain_location": "elbow"}, "pain_location", "Choose neck, upper back, or both"),
        ({"muscle_spasm": ""}, "muscle_spasm", "Answer yes or no"),
        ({"muscle_spasm": "maybe"}, "muscle_spasm", "Answer yes or no"),
        (
            {"takes_muscle_relaxant": "yes", "muscle_relaxant_start": ""},
            "muscle_relaxant_start",
            "Enter the date the patient started",
        ),
        (
            {"takes_muscle_relaxant": "yes", "muscle_relaxant_start": _days(2)},
            "muscle_relaxant_start",
            "cannot be in the future",
        ),
    ],
)
def test_bad_pain_answers_are_refused_next_to_the_field(nurse_client, overrides, field, message):
    patient = PatientFactory(date_of_birth=datetime.date(1980, 5, 17))
    url = reverse("triage:intake_new") + f"?patient={patient.pk}"
    _assert_refused(nurse_client.post(url, pain_answers(**overrides)), field, message)
    assert not IntakeDraft.objects.exists()


@pytest.mark.parametrize("started", [-5, -400], ids=["on the onset day", "before the onset"])
def test_relaxant_start_on_or_before_the_onset_is_accepted(nurse_client, started):
    patient = PatientFactory()
    response = start_from_chart(
        nurse_client,
        patient,
        onset_date=_days(-5),
        takes_muscle_relaxant="yes",
        muscle_relaxant_name="methocarbamol",
        muscle_relaxant_other_condition="no",
        muscle_relaxant_start=_days(started),
    )
    assert response.status_code == 302
    assert IntakeDraft.objects.get().answers["pain"]["muscle_relaxant_start"] == _days(started)


def test_every_red_flag_must_be_answered_none_is_preselected(nurse_client, draft_token):
    page = nurse_client.get(step_url(draft_token, "red_flags")).content.decode()
    assert "checked" not in page
    for key in ASKED_RED_FLAG_KEYS:
        assert page.count(f'name="{key}"') == 2, key
    unanswered = red_flag_answers()
    del unanswered["fever"]
    response = nurse_client.post(step_url(draft_token, "red_flags"), unanswered)
    _assert_refused(response, "fever", "Answer yes or no")
    assert list(response.context["form"].errors) == ["fever"]
    assert "red_flags" not in IntakeDraft.objects.get().answers


def test_red_flag_questions_are_fieldsets_with_a_legend_and_a_hint(nurse_client, draft_token):
    page = nurse_client.get(step_url(draft_token, "red_flags")).content.decode()
    assert page.count("<fieldset") == len(ASKED_RED_FLAG_KEYS)
    assert "Does the patient have a fever?" in page
    assert "Have you had a high temperature" in page
    assert 'aria-describedby="id_fever_helptext"' in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"pregnant": "yes", "pregnancy_weeks": "43"}, "pregnancy_weeks", "from 1 to 42"),
        ({"pregnant": "yes", "pregnancy_weeks": "0"}, "pregnancy_weeks", "from 1 to 42"),
        ({"pregnant": "yes", "pregnancy_weeks": ""}, "pregnancy_weeks", "how many weeks"),
        ({"pregnant": "yes", "pregnancy_weeks": "ten"}, "pregnancy_weeks", "whole number"),
        ({"pregnant": ""}, "pregnant", "Answer yes or no"),
        ({"heart_failure": ""}, "heart_failure", "Answer yes or no"),
    ],
)
def test_bad_history_answers_are_refused(nurse_client, draft_token, overrides, field, message):
    response = nurse_client.post(step_url(draft_token, "history"), history_answers(**overrides))
    _assert_refused(response, field, message)


def test_pregnancy_cannot_be_recorded_for_a_patient_recorded_as_male(nurse_client):
    start_from_chart(nurse_client, PatientFactory(sex=Sex.MALE))
    token = IntakeDraft.objects.get().token
    tampered = history_answers(pregnant="yes", pregnancy_weeks="20")
    response = nurse_client.post(step_url(token, "history"), tampered)
    assert response.status_code == 200
    assert "recorded as male" in response.content.decode()
    assert "history" not in IntakeDraft.objects.get().answers


def test_patient_changed_to_male_after_pregnancy_was_recorded_blocks_the_submit(nurse_client):
    patient = PatientFactory(sex=Sex.FEMALE)
    token = fill_intake(nurse_client, patient, history={"pregnant": "yes", "pregnancy_weeks": "12"})
    review = nurse_client.get(step_url(token, "review"))
    patient.sex = Sex.MALE
    patient.save()

    response = nurse_client.post(
        reverse("triage:intake_submit", args=[token]), {"reviewed": review.context["digest"]}
    )

    assert response.status_code == 200
    assert "recorded as male" in response.content.decode()
    assert not Encounter.objects.exists()
    assert IntakeDraft.objects.filter(token=token).exists()


def test_a_patient_under_16_is_refused_at_the_patient_step(nurse_client):
    child = PatientFactory(date_of_birth=years_ago(15))
    response = nurse_client.post(
        reverse("triage:intake_new"), {"action": "choose", "patient": child.pk}
    )
    assert response.status_code == 200
    assert "aged 16 and over" in response.content.decode()
    assert not IntakeDraft.objects.exists()


def test_a_patient_under_16_is_refused_when_started_from_the_chart(nurse_client):
    child = PatientFactory(date_of_birth=years_ago(10))
    response = nurse_client.get(reverse("triage:intake_new"), {"patient": child.pk})
    assert response.status_code == 200
    assert "aged 16 and over" in response.content.decode()
    response = start_from_chart(nurse_client, child)
    assert response.status_code == 200
    assert not IntakeDraft.objects.exists()


def test_registering_an_under_16_from_the_intake_is_refused_next_to_the_birth_date(nurse_client):
    data = {
        "action": "register",
        "new-mrn": "MRN-5",
        "new-family_name": "Young",
        "new-given_name": "Tim",
        "new-date_of_birth": years_ago(12).isoformat(),
        "new-sex": "male",
    }
    response = nurse_client.post(reverse("triage:intake_new"), data)
    assert response.status_code == 200
    form = response.context["new_patient"]
    assert any("aged 16 and over" in error for error in form.errors["date_of_birth"])
    assert 'href="#id_new-date_of_birth"' in response.content.decode()


def test_turning_16_on_the_encounter_date_is_accepted(nurse_client):
    today = timezone.localdate()
    if (today.month, today.day) == (2, 29):
        pytest.skip("no 16th birthday exactly today")
    patient = PatientFactory(date_of_birth=years_ago(16))
    token = fill_intake(nurse_client, patient, pain={"onset_date": today.isoformat()})
    assert submit(nurse_client, token).status_code == 302
    assert Encounter.objects.get().age_years == 16


def test_tampered_patient_choice_is_a_clear_error(nurse_client):
    for value in ("999999", "abc", "1 OR 1=1", "99999999999999999999999"):
        response = nurse_client.post(
            reverse("triage:intake_new"), {"action": "choose", "patient": value}
        )
        assert response.status_code == 200, value
        assert "could not be found" in response.content.decode()
    assert not IntakeDraft.objects.exists()


def test_tampered_patient_in_the_chart_link_is_not_found(nurse_client):
    for value in ("999999", "abc", "-1"):
        response = nurse_client.get(reverse("triage:intake_new"), {"patient": value})
        assert response.status_code == 404, value


def test_unknown_step_name_is_not_found(nurse_client, draft_token):
    for step in ("payment", "submit2", "PAIN"):
        assert nurse_client.get(f"/intake/{draft_token}/{step}/").status_code == 404
        assert nurse_client.post(f"/intake/{draft_token}/{step}/", {}).status_code == 404


def test_another_nurses_draft_is_not_found(client, nurse):
    other = make_user(roles.NURSE, username="other-nurse")
    draft = IntakeDraftFactory(owner=other)
    client.force_login(nurse)
    urls = [
        step_url(draft.token, "pain"),
        step_url(draft.token, "review"),
    ]
    for url in urls:
        assert client.get(url).status_code == 404
    assert client.post(step_url(draft.token, "pain"), pain_answers()).status_code == 404
    submit_url = reverse("triage:intake_submit", args=[draft.token])
    assert client.post(submit_url, {"reviewed": "x"}).status_code == 404
    discard_url = reverse("triage:intake_discard", args=[draft.token])
    assert client.post(discard_url).status_code == 404
    assert IntakeDraft.objects.filter(pk=draft.pk).exists()


def test_unknown_draft_token_is_not_found(nurse_client):
    token = uuid.uuid4()
    assert nurse_client.get(step_url(token, "pain")).status_code == 404
    assert nurse_client.post(reverse("triage:intake_submit", args=[token]), {}).status_code == 404


def test_tampered_review_fingerprint_is_a_clear_error_and_saves_nothing(nurse_client):
    token = fill_intake(nurse_client, PatientFactory())
    for value in ("", "0" * 32, "<script>"):
        response = nurse_client.post(
            reverse("triage:intake_submit", args=[token]), {"reviewed": value}
        )
        assert response.status_code == 200
        assert "was not submitted" in response.content.decode()
    assert not Encounter.objects.exists()


def test_answers_changed_in_another_tab_after_review_are_not_submitted_unseen(nurse_client):
    token = fill_intake(nurse_client, PatientFactory())
    review = nurse_client.get(step_url(token, "review"))
    nurse_client.post(step_url(token, "pain"), pain_answers(pain_score="2"))
    response = nurse_client.post(
        reverse("triage:intake_submit", args=[token]), {"reviewed": review.context["digest"]}
    )
    assert "answers changed after this review page was opened" in response.content.decode()
    assert not Encounter.objects.exists()


def test_submitting_an_incomplete_draft_lists_the_missing_steps(nurse_client, draft_token):
    response = submit(nurse_client, draft_token)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Red-flag screen" in html
    assert "not answered yet" in html
    assert not Encounter.objects.exists()


def test_submit_only_accepts_post(nurse_client, draft_token):
    assert nurse_client.get(reverse("triage:intake_submit", args=[draft_token])).status_code == 405
