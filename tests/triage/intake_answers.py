"""Valid answers for each intake step, posted as a browser would; tests override one field."""

import datetime

from django.urls import reverse
from django.utils import timezone

from triage.models import ASKED_HISTORY_KEYS, ASKED_RED_FLAG_KEYS


def years_ago(years: int) -> datetime.date:
    """Today's date that many years back (28 February for a 29 February)."""
    today = timezone.localdate()
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def pain_answers(**overrides) -> dict[str, str]:
    today = timezone.localdate()
    answers = {
        "onset_date": (today - datetime.timedelta(days=5)).isoformat(),
        "pain_location": "neck",
        "pain_score": "8",
        "muscle_spasm": "yes",
        "neuropathic_features": "no",
        "declines_neck_manipulation": "no",
        "takes_muscle_relaxant": "no",
        "muscle_relaxant_start": "",
    }
    return answers | overrides


def red_flag_answers(**overrides) -> dict[str, str]:
    return dict.fromkeys(ASKED_RED_FLAG_KEYS, "no") | overrides


def history_answers(**overrides) -> dict[str, str]:
    answers = {key: "no" for key in ASKED_HISTORY_KEYS if key != "pregnancy_weeks"}
    return answers | {"pregnant": "no", "pregnancy_weeks": ""} | overrides


def step_url(token, step: str) -> str:
    if step == "review":
        return reverse("triage:intake_review", args=[token])
    return reverse("triage:intake_step", args=[token, step])


def start_from_chart(client, patient, **pain_overrides):
    """Post the pain step from a chart's Start intake link; return the response."""
    url = reverse("triage:intake_new") + f"?patient={patient.pk}"
    return client.post(url, pain_answers(**pain_overrides))


def fill_intake(client, patient, *, pain=None, red_flags=None, history=None):
    """Complete every step through HTTP and return the draft's token (not yet submitted)."""
    from triage.models import IntakeDraft

    response = start_from_chart(client, patient, **(pain or {}))
    assert response.status_code == 302, response.content.decode()[:2000]
    draft = IntakeDraft.objects.get(patient=patient)
    response = client.post(
        step_url(draft.token, "red_flags"), red_flag_answers(**(red_flags or {}))
    )
    assert response.status_code == 302
    response = client.post(step_url(draft.token, "history"), history_answers(**(history or {})))
    assert response.status_code == 302
    assert response["Location"] == step_url(draft.token, "review")
    return draft.token


def submit(client, token):
    """Post the review page's submit form with the fingerprint the page carries."""
    review = client.get(step_url(token, "review"))
    return client.post(
        reverse("triage:intake_submit", args=[token]), {"reviewed": review.context["digest"]}
    )
