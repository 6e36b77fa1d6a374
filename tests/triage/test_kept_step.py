"""No lost typing: an intake step posted after the session ended is kept server-side for the
same user, filled in after they sign in again (with a banner), and shown to nobody else."""

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import roles
from accounts.session_limits import SEEN_AT, SIGNED_IN_AT
from tests.conftest import make_user, totp_code
from tests.factories import IntakeDraftFactory, PatientFactory
from tests.triage.intake_answers import pain_answers, red_flag_answers, step_url
from triage.intake import services
from triage.models import IntakeDraft, KeptStep

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
BANNER = "We kept the answers you typed before you were signed out"
HOUR = 3600


@pytest.fixture
def nurse_browser(nurse):
    """A nurse signed in through a client that checks CSRF tokens, as a browser's would be."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(nurse)
    return client


@pytest.fixture
def draft(nurse):
    return IntakeDraftFactory(owner=nurse, patient=PatientFactory())


def _post_step(client, url: str, answers: dict):
    """Post a step with the CSRF token the step's page handed out, as the form would."""
    client.get(url)
    token = client.cookies["csrftoken"].value
    return client.post(url, {**answers, "csrfmiddlewaretoken": token})


def _expire(client, *, idle: bool = True) -> None:
    session = client.session
    now = time.time()
    session[SIGNED_IN_AT] = int(now - (HOUR if idle else 13 * HOUR))
    session[SEEN_AT] = int(now - (HOUR if idle else 10))
    session.save()


def _post_after_expiry(client, url: str, answers: dict, *, idle: bool = True):
    client.get(url)
    token = client.cookies["csrftoken"].value
    _expire(client, idle=idle)
    return client.post(url, {**answers, "csrfmiddlewaretoken": token})


def _sign_in(client, user, next_url: str):
    """Sign in through the form (with its CSRF token), as the sign-in page's `next` asks, then
    give the authenticator app's code on the second-factor page, which keeps that `next`."""
    sign_in_url = reverse("login") + f"?next={next_url}"
    client.get(sign_in_url)
    token = client.cookies["csrftoken"].value
    response = client.post(
        sign_in_url,
        {
            "username": user.username,
            "password": PASSWORD,
            "next": next_url,
            "csrfmiddlewaretoken": token,
        },
    )
    if response.status_code != 302 or not response["Location"].startswith(reverse("second_factor")):
        return response
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, confirmed=True, defaults={"name": "test authenticator"}
    )
    return client.post(
        response["Location"],
        {
            "otp_token": totp_code(device),
            "next": next_url,
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
    )


def test_a_step_posted_after_the_session_ended_is_kept_and_refilled(nurse_browser, nurse, draft):
    url = step_url(draft.token, "pain")
    typed = pain_answers(pain_score="7", pain_location="both")
    response = _post_after_expiry(nurse_browser, url, typed)

    # Sent to sign in (not a CSRF 403), coming back to the step; no answer in the URL.
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == reverse("login")
    assert parse_qs(location.query) == {"next": [url]}
    kept = KeptStep.objects.get()
    assert (kept.draft, kept.user, kept.step) == (draft, nurse, "pain")
    assert kept.answers["pain_score"] == "7"
    assert "csrfmiddlewaretoken" not in kept.answers
    draft.refresh_from_db()
    assert "pain" not in draft.answers  # kept aside, not saved as the draft's answer
    sign_in_page = nurse_browser.get(response["Location"]).content.decode()
    assert "signed out after 30 minutes" in sign_in_page
    assert "answers you had typed were kept" in sign_in_page

    signed_in = _sign_in(nurse_browser, nurse, url)
    assert signed_in.status_code == 302
    assert signed_in["Location"] == url
    page = nurse_browser.get(url)
    assert page.status_code == 200
    assert BANNER in page.content.decode()
    assert page.context["form"]["pain_score"].value() == "7"
    assert page.context["form"]["pain_location"].value() == "both"
    # Shown once: the kept copy is gone, and the next visit shows the draft as saved.
    assert not KeptStep.objects.exists()
    assert BANNER not in nurse_browser.get(url).content.decode()


def test_the_refilled_step_saves_as_any_step_does(nurse_browser, nurse, draft):
    url = step_url(draft.token, "pain")
    _post_after_expiry(nurse_browser, url, pain_answers(pain_score="6"))
    _sign_in(nurse_browser, nurse, url)
    nurse_browser.get(url)
    response = _post_step(nurse_browser, url, pain_answers(pain_score="6"))
    assert response["Location"] == step_url(draft.token, "red_flags")
    draft.refresh_from_db()
    assert draft.answers["pain"]["pain_score"] == "6"


def test_after_the_absolute_limit_too(nurse_browser, nurse, draft):
    url = step_url(draft.token, "red_flags")
    response = _post_after_expiry(nurse_browser, url, red_flag_answers(fever="yes"), idle=False)
    assert response["Location"].startswith(reverse("login"))
    assert KeptStep.objects.get().answers["fever"] == "yes"


def test_another_user_never_sees_the_kept_answers(nurse_browser, nurse, draft):
    url = step_url(draft.token, "pain")
    _post_after_expiry(nurse_browser, url, pain_answers(pain_score="9"))
    # Even were the draft handed to a colleague, the kept typing stays the nurse's own.
    colleague = make_user(roles.NURSE, username="colleague")
    IntakeDraft.objects.filter(pk=draft.pk).update(owner=colleague)
    client = Client()
    client.force_login(colleague)
    page = client.get(url)
    assert page.status_code == 200
    assert BANNER not in page.content.decode()
    assert page.context["form"]["pain_score"].value() in (None, "")
    assert KeptStep.objects.filter(user=nurse).exists()


def test_a_post_to_someone_elses_draft_keeps_nothing(nurse_browser, nurse):
    theirs = IntakeDraftFactory(owner=make_user(roles.NURSE, username="colleague"))
    url = step_url(theirs.token, "pain")
    nurse_browser.get(reverse("triage:home"))
    token = nurse_browser.cookies["csrftoken"].value
    _expire(nurse_browser)
    response = nurse_browser.post(url, {**pain_answers(), "csrfmiddlewaretoken": token})
    assert response["Location"].startswith(reverse("login"))
    assert not KeptStep.objects.exists()


def test_newer_saved_answers_win_over_older_kept_typing(nurse_browser, nurse, draft):
    url = step_url(draft.token, "pain")
    _post_after_expiry(nurse_browser, url, pain_answers(pain_score="3"))
    # Meanwhile, signed in elsewhere, the nurse saved the step again: the draft is newer.
    other_tab = Client()
    other_tab.force_login(nurse)
    assert other_tab.post(url, pain_answers(pain_score="8")).status_code == 302
    _sign_in(nurse_browser, nurse, url)
    page = nurse_browser.get(url)
    assert BANNER not in page.content.decode()
    assert page.context["form"]["pain_score"].value() == "8"
    assert not KeptStep.objects.exists()


def test_a_save_of_another_step_makes_the_kept_step_stale(nurse, draft):
    services.keep_step(draft=draft, user=nurse, step="pain", answers={"pain_score": "4"})
    draft.answers = {**draft.answers, "red_flags": red_flag_answers()}
    draft.save()
    assert services.take_kept_step(draft=draft, user=nurse, step="pain") is None
    assert not KeptStep.objects.exists()


def test_a_second_late_post_of_the_step_replaces_the_first(nurse, draft):
    services.keep_step(draft=draft, user=nurse, step="pain", answers={"pain_score": "4"})
    services.keep_step(draft=draft, user=nurse, step="pain", answers={"pain_score": "5"})
    assert services.take_kept_step(draft=draft, user=nurse, step="pain") == {"pain_score": "5"}


def test_the_first_step_of_an_intake_from_a_chart_is_kept_too(nurse_browser, nurse):
    patient = PatientFactory()
    url = reverse("triage:intake_new") + f"?patient={patient.pk}"
    response = _post_after_expiry(nurse_browser, url, pain_answers(pain_score="5"))
    assert response["Location"].startswith(reverse("login"))
    # A draft for the patient was opened, as choosing them would, with the typing kept aside.
    draft = IntakeDraft.objects.get(owner=nurse, patient=patient)
    assert "pain" not in draft.answers
    assert KeptStep.objects.get(draft=draft).answers["pain_score"] == "5"

    back = _sign_in(nurse_browser, nurse, url)
    assert back["Location"] == url
    resumed = nurse_browser.get(url)
    assert resumed["Location"] == step_url(draft.token, "pain")
    page = nurse_browser.get(resumed["Location"])
    assert BANNER in page.content.decode()
    assert page.context["form"]["pain_score"].value() == "5"


def test_posts_elsewhere_keep_nothing(nurse_browser):
    nurse_browser.get(reverse("patients:create"))
    token = nurse_browser.cookies["csrftoken"].value
    _expire(nurse_browser)
    response = nurse_browser.post(
        reverse("patients:create"), {"mrn": "MRN-1", "csrfmiddlewaretoken": token}
    )
    assert response["Location"].startswith(reverse("login"))
    assert not KeptStep.objects.exists()


def test_a_discarded_draft_takes_its_kept_steps_with_it(nurse, draft):
    services.keep_step(draft=draft, user=nurse, step="pain", answers={"pain_score": "4"})
    services.discard_draft(draft=draft)
    assert not KeptStep.objects.exists()


def test_a_step_page_looks_for_kept_answers_in_the_drafts_own_query(
    nurse_client, nurse, draft, django_assert_num_queries
):
    """The session with its user, permissions (own and groups', one query), the draft (with
    whether answers were kept for this user), and the chart-access record (its patient look-up
    and the insert)."""
    url = step_url(draft.token, "pain")
    nurse_client.get(url)
    with django_assert_num_queries(5):
        assert nurse_client.get(url).status_code == 200
