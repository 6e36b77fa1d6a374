"""The review queue in the admin: what it holds, its order, and sign-off (action and button)."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    CarePlanFactory,
    EncounterFactory,
    FollowUpFactory,
    RecommendationFactory,
    UrgentEncounterFactory,
    UserFactory,
)
from triage.models import Encounter
from triage.review import services as review

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:triage_encounterawaitingreview_changelist")
ENCOUNTERS = reverse("admin:triage_encounter_changelist")


def _ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def _withheld_nsaid(**kwargs) -> Encounter:
    """A conservative encounter whose plan withheld the NSAID: it needs a clinician's look."""
    encounter = EncounterFactory(needs_review=True, gi_bleed_or_ulcer=True, **kwargs)
    plan = CarePlanFactory(encounter=encounter)
    RecommendationFactory(care_plan=plan, code="NSAID_WITHHELD", indicator="warning")
    return encounter


def _queue(client) -> list[int]:
    response = client.get(QUEUE)
    assert response.status_code == 200
    return [encounter.pk for encounter in response.context["cl"].result_list]


def test_queue_holds_unsigned_urgent_and_flagged_encounters_only(clinician_client, clinician):
    urgent = UrgentEncounterFactory()
    withheld = _withheld_nsaid()
    EncounterFactory()  # nothing to review
    UrgentEncounterFactory(reviewed_at=timezone.now(), reviewed_by=clinician)
    UrgentEncounterFactory(voided_at=timezone.now(), voided_by=clinician, void_reason="wrong")
    assert sorted(_queue(clinician_client)) == sorted([urgent.pk, withheld.pk])


def test_queue_puts_urgent_first_then_the_longest_waiting(clinician_client):
    old_withheld = _withheld_nsaid(occurred_at=_ago(5))
    new_urgent = UrgentEncounterFactory(occurred_at=_ago(1))
    old_urgent = UrgentEncounterFactory(occurred_at=_ago(3))
    new_withheld = _withheld_nsaid(occurred_at=_ago(0))
    assert _queue(clinician_client) == [
        old_urgent.pk,
        new_urgent.pk,
        old_withheld.pk,
        new_withheld.pk,
    ]


def test_queue_puts_emergency_before_urgent(clinician_client):
    old_urgent = UrgentEncounterFactory(occurred_at=_ago(3))
    new_emergency = UrgentEncounterFactory(
        occurred_at=_ago(0), pathway="emergency", fever=False, progressive_neuro_deficit=True
    )
    withheld = _withheld_nsaid(occurred_at=_ago(6))
    assert _queue(clinician_client) == [new_emergency.pk, old_urgent.pk, withheld.pk]
    page = clinician_client.get(QUEUE).content.decode()
    assert '<span class="review-emergency">Emergency – awaiting sign-off</span>' in page


def test_unsigned_urgent_encounters_stand_out_in_both_lists(clinician_client):
    UrgentEncounterFactory()
    _withheld_nsaid()
    for url in (QUEUE, ENCOUNTERS):
        page = clinician_client.get(url).content.decode()
        assert '<span class="review-urgent">Urgent – awaiting sign-off</span>' in page
        assert '<span class="review-awaiting">Awaiting sign-off</span>' in page


def test_encounter_list_filters_by_review_state(clinician_client, clinician):
    waiting = UrgentEncounterFactory()
    signed = UrgentEncounterFactory(reviewed_at=timezone.now(), reviewed_by=clinician)
    response = clinician_client.get(ENCOUNTERS, {"review": "awaiting"})
    assert [e.pk for e in response.context["cl"].result_list] == [waiting.pk]
    response = clinician_client.get(ENCOUNTERS, {"review": "signed"})
    assert [e.pk for e in response.context["cl"].result_list] == [signed.pk]


def test_encounter_list_filters_by_each_red_flag(clinician_client):
    febrile = UrgentEncounterFactory(fever=True)
    injured = UrgentEncounterFactory(fever=False, significant_trauma=True)
    response = clinician_client.get(ENCOUNTERS, {"significant_trauma__exact": "1"})
    assert [e.pk for e in response.context["cl"].result_list] == [injured.pk]
    response = clinician_client.get(ENCOUNTERS, {"fever__exact": "1"})
    assert [e.pk for e in response.context["cl"].result_list] == [febrile.pk]


def test_encounter_list_shows_the_plans_red_flags(clinician_client):
    encounter = UrgentEncounterFactory()
    CarePlanFactory(encounter=encounter, pathway="urgent", red_flags=["fever", "iv_drug_use"])
    page = clinician_client.get(ENCOUNTERS).content.decode()
    assert "Fever, Injecting drug use" in page


def test_sign_off_action_records_who_and_when(clinician_client, clinician):
    first, second = UrgentEncounterFactory(), _withheld_nsaid()
    before = timezone.now()
    response = clinician_client.post(
        QUEUE, {"action": "sign_off_selected", "_selected_action": [first.pk, second.pk]}
    )
    assert response.status_code == 302
    for encounter in (first, second):
        encounter.refresh_from_db()
        assert encounter.reviewed_by == clinician
        assert encounter.reviewed_at >= before
    assert _queue(clinician_client) == []


def test_sign_off_button_records_who_and_returns_to_the_queue(clinician_client, clinician):
    encounter = UrgentEncounterFactory()
    change_page = clinician_client.get(
        reverse("admin:triage_encounter_change", args=[encounter.pk])
    )
    button_url = reverse("admin:triage_encounter_sign_off", args=[encounter.pk])
    assert f'action="{button_url}"' in change_page.content.decode()

    response = clinician_client.post(
        reverse("admin:triage_encounterawaitingreview_sign_off", args=[encounter.pk])
    )
    assert response["Location"] == QUEUE
    encounter.refresh_from_db()
    assert (encounter.reviewed_by, encounter.reviewed_at is not None) == (clinician, True)
    page = clinician_client.get(reverse("admin:triage_encounter_change", args=[encounter.pk]))
    assert "Signed off by clinician1" in page.content.decode()
    assert f'action="{button_url}"' not in page.content.decode()


def test_sign_off_button_only_answers_post(clinician_client):
    encounter = UrgentEncounterFactory()
    url = reverse("admin:triage_encounter_sign_off", args=[encounter.pk])
    assert clinician_client.get(url).status_code == 405
    encounter.refresh_from_db()
    assert encounter.reviewed_at is None


def test_signing_twice_keeps_the_first_sign_off(clinician, administrator):
    encounter = UrgentEncounterFactory()
    first_time = timezone.now()
    assert review.sign_off_encounter(encounter=encounter, user=clinician, now=first_time)
    later = first_time + datetime.timedelta(hours=1)
    assert not review.sign_off_encounter(encounter=encounter, user=administrator, now=later)
    encounter.refresh_from_db()
    assert (encounter.reviewed_by, encounter.reviewed_at) == (clinician, first_time)


def test_a_voided_encounter_cannot_be_signed_off(clinician_client, clinician):
    encounter = UrgentEncounterFactory(
        voided_at=timezone.now(), voided_by=clinician, void_reason="wrong patient"
    )
    with pytest.raises(review.ReviewError):
        review.sign_off_encounter(encounter=encounter, user=clinician, now=timezone.now())
    clinician_client.post(reverse("admin:triage_encounter_sign_off", args=[encounter.pk]))
    encounter.refresh_from_db()
    assert encounter.reviewed_at is None


def test_nurse_cannot_sign_off_by_any_path(client, nurse):
    encounter = UrgentEncounterFactory()
    with pytest.raises(PermissionDenied):
        review.sign_off_encounter(encounter=encounter, user=nurse, now=timezone.now())
    client.force_login(nurse)
    url = reverse("admin:triage_encounter_sign_off", args=[encounter.pk])
    assert client.post(url)["Location"].startswith("/admin/login/")
    client.post(ENCOUNTERS, {"action": "sign_off_selected", "_selected_action": [encounter.pk]})
    encounter.refresh_from_db()
    assert encounter.reviewed_at is None


def test_staff_without_the_sign_off_permission_is_refused(client):
    # A staff account that can read encounters but was never made a clinician.
    reader = UserFactory(username="reader", is_staff=True)
    reader.user_permissions.add(
        Permission.objects.get(codename="view_encounter", content_type__app_label="triage")
    )
    client.force_login(reader)
    encounter = UrgentEncounterFactory()
    assert client.get(ENCOUNTERS).status_code == 200
    assert client.get(QUEUE).status_code == 403
    url = reverse("admin:triage_encounter_sign_off", args=[encounter.pk])
    assert client.post(url).status_code == 403
    client.post(ENCOUNTERS, {"action": "sign_off_selected", "_selected_action": [encounter.pk]})
    encounter.refresh_from_db()
    assert encounter.reviewed_at is None
    page = client.get(reverse("admin:triage_encounter_change", args=[encounter.pk]))
    assert url not in page.content.decode()


def test_change_page_shows_the_stored_plan_and_follow_ups_read_only(clinician_client):
    encounter = EncounterFactory(needs_review=True)
    plan = CarePlanFactory(encounter=encounter)
    RecommendationFactory(
        care_plan=plan,
        code="NSAID_WITHHELD",
        indicator="warning",
        summary="No anti-inflammatory: past stomach bleeding.",
    )
    FollowUpFactory(encounter=encounter, purpose="Medicine review")
    page = clinician_client.get(reverse("admin:triage_encounter_change", args=[encounter.pk]))
    text = page.content.decode()
    assert "NSAID_WITHHELD" in text
    assert "No anti-inflammatory: past stomach bleeding." in text
    assert "Follow-up visits (read-only)" in text
    assert "Medicine review" in text
    assert page.context["has_change_permission"] is False
