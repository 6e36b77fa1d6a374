"""Random values posted to each intake step never produce a server error."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import PatientFactory
from tests.triage.intake_answers import (
    fill_intake,
    history_answers,
    pain_answers,
    red_flag_answers,
    step_url,
)
from triage.models import ASKED_HISTORY_KEYS, ASKED_RED_FLAG_KEYS, Encounter, IntakeDraft

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Plausible values, near-misses and junk: what a tampering or clumsy client might send.
value = st.one_of(
    st.sampled_from(["yes", "no", "", "YES", "true", "1", "0", "neck", "both", "elbow"]),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.dates().map(lambda day: day.isoformat()),
    st.text(max_size=40),
)


def answers_for(fields) -> st.SearchStrategy[dict]:
    return st.dictionaries(st.sampled_from(sorted(fields)), value, max_size=len(fields))


def mixed(valid: dict) -> st.SearchStrategy[dict]:
    """A valid step with some answers replaced by random values or removed."""
    return st.builds(
        lambda replaced, removed: {
            key: replaced.get(key, answer) for key, answer in valid.items() if key not in removed
        },
        answers_for(valid),
        st.sets(st.sampled_from(sorted(valid)), max_size=3),
    )


PAIN_FIELDS = set(pain_answers())
HISTORY_FIELDS = set(history_answers())


@pytest.fixture
def patient(db):
    return PatientFactory()


@pytest.fixture
def token(nurse_client, patient):
    return fill_intake(nurse_client, patient)


def _no_server_error(response) -> None:
    assert response.status_code < 500, response.status_code


@FUZZ
@given(data=st.one_of(answers_for(PAIN_FIELDS), mixed(pain_answers())))
def test_random_pain_answers_never_fail(nurse_client, patient, data):
    url = reverse("triage:intake_new") + f"?patient={patient.pk}"
    _no_server_error(nurse_client.post(url, data))


@FUZZ
@given(data=st.one_of(answers_for(ASKED_RED_FLAG_KEYS), mixed(red_flag_answers())))
def test_random_red_flag_answers_never_fail(nurse_client, token, data):
    _no_server_error(nurse_client.post(step_url(token, "red_flags"), data))
    _no_server_error(nurse_client.get(step_url(token, "review")))


@FUZZ
@given(data=st.one_of(answers_for(HISTORY_FIELDS), mixed(history_answers())))
def test_random_history_answers_never_fail(nurse_client, token, data):
    _no_server_error(nurse_client.post(step_url(token, "history"), data))


@FUZZ
@given(
    action=st.sampled_from(["choose", "register", "", "other"]),
    data=answers_for(
        {"patient", "new-mrn", "new-family_name", "new-given_name", "new-date_of_birth", "new-sex"}
    ),
    query=answers_for({"q", "patient"}),
)
def test_random_patient_step_posts_never_fail(nurse_client, action, data, query):
    url = reverse("triage:intake_new")
    _no_server_error(nurse_client.get(url, query))
    _no_server_error(nurse_client.post(url, {"action": action, **data}))


@FUZZ
@given(step=st.text(max_size=20), data=answers_for({"reviewed", *ASKED_HISTORY_KEYS[:3]}))
def test_random_step_names_and_submits_never_fail(nurse_client, token, step, data):
    # Step names travel in the URL path; anything that is not a slug simply does not match.
    slug = "".join(ch for ch in step if ch.isascii() and (ch.isalnum() or ch in "-_")) or "x"
    _no_server_error(nurse_client.post(f"/intake/{token}/{slug}/", data))
    _no_server_error(nurse_client.post(reverse("triage:intake_submit", args=[token]), data))
    assert Encounter.objects.count() <= 1
    assert IntakeDraft.objects.count() <= 1
