"""The care plan page and the handout read the stored snapshot; list pages keep their queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from tests.conftest import make_user
from tests.factories import (
    CarePlanFactory,
    EncounterFactory,
    IntakeDraftFactory,
    PatientFactory,
    RecommendationFactory,
)
from tests.triage.intake_answers import fill_intake, submit
from triage.intake import selectors as intake_selectors
from triage.intake import services as intake_services
from triage.models import Encounter, Recommendation
from triage.review import services as review

pytestmark = pytest.mark.django_db


def _submitted(client, **answers) -> Encounter:
    submit(client, fill_intake(client, PatientFactory(), **answers))
    return Encounter.objects.latest("pk")


def _page(client, name: str, encounter: Encounter) -> str:
    response = client.get(reverse(name, args=[encounter.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_conservative_plan_is_grouped_with_reasons_sources_and_rule_set(nurse_client):
    encounter = _submitted(nurse_client, history={"takes_anticoagulant": "yes"})
    html = _page(nurse_client, "triage:care_plan", encounter)
    headings = ["Do now", "Consider", "Cautions and withheld medicines", "Do not"]
    positions = [html.index(f">{heading}</h2>") for heading in headings]
    assert positions == sorted(positions)
    assert 'role="alert"' not in html
    assert f"rule set {encounter.care_plan.ruleset}" in html
    withheld = encounter.care_plan.recommendations.get(code="NSAID_WITHHELD")
    assert withheld.detail in html, "the withheld drug shows its reasons"
    assert "blood thinner" in withheld.detail
    # Primary documents first; the guideline summary's numbers after them.
    assert "Sources: FDA NSAID labels (boxed warning), AGS Beers Criteria 2023" in html
    assert re.search(r"Sources: [^<S]+ · guideline summary S1\b", html)
    assert reverse("triage:handout", args=[encounter.pk]) in html


def test_urgent_plan_puts_the_critical_items_in_a_banner_at_the_top(nurse_client):
    encounter = _submitted(nurse_client, red_flags={"significant_trauma": "yes"})
    html = _page(nurse_client, "triage:care_plan", encounter)
    banner = html.index('role="alert"')
    # The page heading and the patient come first, then the banner.
    assert html.index("<h1") < banner
    assert "Red flags found" in html[banner:]
    assert "a significant injury" in html
    # Trauma in the last 7 days is an emergency under rule set 2.
    assert "An emergency escalation was opened" in html
    assert ">Do now</h2>" not in html, "the conservative plan is withheld"


def test_the_page_shows_the_stored_text_and_never_reruns_the_engine(nurse_client, monkeypatch):
    encounter = _submitted(nurse_client)
    Recommendation.objects.filter(care_plan__encounter=encounter, code="EXERCISE_THERAPY").update(
        summary="Text as shown on the day of the intake."
    )

    def engine_must_not_run(facts):
        raise AssertionError("the care plan page re-ran the engine")

    monkeypatch.setattr(intake_services, "evaluate_intake", engine_must_not_run)
    html = _page(nurse_client, "triage:care_plan", encounter)
    assert "Text as shown on the day of the intake." in html


def test_conservative_handout_is_plain_language_with_the_visit_dates(nurse_client):
    encounter = _submitted(nurse_client)
    html = _page(nurse_client, "triage:handout", encounter)
    assert "What helps" in html
    assert "What to avoid" in html
    assert "Do not stay in bed for days" in html
    assert "Get urgent medical help if you notice" in html
    assert "trouble controlling your bladder or bowels" in html
    for visit in encounter.follow_ups.all():
        assert visit.due_date.strftime("%B %Y").split()[0] in html
    assert 'href="/static/css/print.css" media="print"' in html
    assert "NSAID" not in html, "no clinician wording on the handout"


def test_urgent_handout_says_to_see_a_doctor_and_gives_no_routine_advice(nurse_client):
    encounter = _submitted(nurse_client, red_flags={"fever": "yes"})
    html = _page(nurse_client, "triage:handout", encounter)
    assert "You need to see a doctor urgently" in html
    assert "What helps" not in html
    assert "Get urgent medical help if you notice" in html


def test_encounter_without_a_stored_plan_has_no_care_plan_page(nurse_client):
    encounter = EncounterFactory()
    assert nurse_client.get(reverse("triage:care_plan", args=[encounter.pk])).status_code == 404
    assert nurse_client.get(reverse("triage:handout", args=[encounter.pk])).status_code == 404


def test_chart_links_each_submitted_encounter_to_its_care_plan(nurse_client):
    encounter = _submitted(nurse_client)
    chart = _page(nurse_client, "triage:patient_chart", encounter.patient)
    assert reverse("triage:care_plan", args=[encounter.pk]) in chart


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_care_plan_page_queries_do_not_grow_with_recommendations(
    nurse_client, django_assert_max_num_queries
):
    small = CarePlanFactory()
    RecommendationFactory(care_plan=small)
    large = CarePlanFactory()
    for position in range(30):
        RecommendationFactory(care_plan=large, position=position, category="caution")
    for name in ("triage:care_plan", "triage:handout"):
        few = _queries(nurse_client, reverse(name, args=[small.encounter.pk]))
        many = _queries(nurse_client, reverse(name, args=[large.encounter.pk]))
        assert few == many, name
        # Session, user, permissions, encounter, recommendations, visits, escalations, session save.
        with django_assert_max_num_queries(12):
            nurse_client.get(reverse(name, args=[large.encounter.pk]))


def test_drafts_lists_queries_do_not_grow_with_drafts(client, django_assert_max_num_queries):
    nurse = make_user(roles.NURSE, username="busy-nurse")
    client.force_login(nurse)
    IntakeDraftFactory(owner=nurse)
    home, drafts = reverse("triage:home"), reverse("triage:intake_drafts")
    one = (_queries(client, home), _queries(client, drafts))
    IntakeDraftFactory.create_batch(30, owner=nurse)
    assert (_queries(client, home), _queries(client, drafts)) == one
    with django_assert_max_num_queries(12):
        client.get(drafts)


def test_home_lists_only_your_own_drafts_newest_first_and_links_to_all(client):
    nurse = make_user(roles.NURSE, username="nadia")
    other = make_user(roles.NURSE, username="other")
    mine = IntakeDraftFactory.create_batch(12, owner=nurse)
    theirs = IntakeDraftFactory(owner=other, patient__family_name="Elsewhere")
    client.force_login(nurse)
    response = client.get(reverse("triage:home"))
    shown = response.context["drafts"]
    assert len(shown) == intake_selectors.DRAFTS_ON_HOME
    assert theirs not in shown
    assert shown[0] == mine[-1]
    html = response.content.decode()
    assert "ELSEWHERE" not in html
    assert reverse("triage:intake_drafts") in html
    page = client.get(reverse("triage:intake_drafts"))
    assert len(page.context["page"].object_list) == 12
    assert "Presenting pain" in page.content.decode(), "each draft names its next step"


def test_handout_warns_against_shop_bought_anti_inflammatories_when_they_are_withheld(
    nurse_client,
):
    withheld = _submitted(nurse_client, history={"takes_anticoagulant": "yes"})
    assert "Do not take anti-inflammatory painkillers" in _page(
        nurse_client, "triage:handout", withheld
    )
    offered = _submitted(nurse_client)
    assert "Do not take anti-inflammatory painkillers" not in _page(
        nurse_client, "triage:handout", offered
    )


def test_voided_encounter_is_marked_first_and_has_no_handout(nurse_client, clinician):
    encounter = _submitted(nurse_client, red_flags={"fever": "yes"})
    review.void_encounter(
        encounter=encounter, user=clinician, reason="Wrong patient", now=timezone.now()
    )
    html = _page(nurse_client, "triage:care_plan", encounter)
    assert html.index("Voided:") < html.index("Urgent: red flags found")
    assert "An escalation was opened" not in html
    assert reverse("triage:handout", args=[encounter.pk]) not in html
    handout = _page(nurse_client, "triage:handout", encounter)
    assert "must not be given to the patient" in handout
    assert "You need to see a doctor urgently" not in handout


def test_handout_names_the_clinic_and_its_number_and_has_a_print_button(nurse_client, settings):
    settings.UPRIGHT_CLINIC_NAME = "Riverside Spine Clinic"
    settings.UPRIGHT_CLINIC_PHONE = "0161 496 0000"
    encounter = _submitted(nurse_client, red_flags={"fever": "yes"})
    html = _page(nurse_client, "triage:handout", encounter)
    assert "call Riverside Spine Clinic on 0161 496 0000" in html
    assert "data-print-button" in html
    assert 'src="/static/js/print.js"' in html
