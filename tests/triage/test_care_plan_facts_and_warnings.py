"""The care plan's facts panel, its sources (primary documents first) and the handout's medicine
warnings, through HTTP."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from patients.models import Sex
from tests.factories import CarePlanFactory, PatientFactory, RecommendationFactory
from tests.triage.intake_answers import fill_intake, submit, years_ago
from triage.models import Encounter

pytestmark = pytest.mark.django_db


def _submitted(client, *, patient=None, **answers) -> Encounter:
    submit(client, fill_intake(client, patient or PatientFactory(), **answers))
    return Encounter.objects.latest("pk")


def _page(client, name: str, encounter: Encounter) -> str:
    response = client.get(reverse(name, args=[encounter.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _panel(html: str) -> str:
    start = html.index('aria-labelledby="facts-title"')
    return _text(html[start : html.index("</section>", start)])


def _relaxant(name: str, days: int, *, other_condition: bool = False) -> dict[str, str]:
    started = timezone.localdate() - datetime.timedelta(days=days)
    return {
        "takes_muscle_relaxant": "yes",
        "muscle_relaxant_name": name,
        "muscle_relaxant_other_condition": "yes" if other_condition else "no",
        "muscle_relaxant_start": started.isoformat(),
    }


def test_the_panel_shows_the_facts_the_plan_was_computed_from(nurse_client):
    patient = PatientFactory(date_of_birth=years_ago(52) - datetime.timedelta(days=3))
    encounter = _submitted(
        nurse_client,
        patient=patient,
        pain={"pain_score": "8", "neuropathic_features": "yes", **_relaxant("tizanidine", 3)},
        red_flags={"osteoporosis": "yes"},
        history={"gi_bleed_or_ulcer": "yes", "takes_cyp1a2_inhibitor": "yes"},
    )
    html = _page(nurse_client, "triage:care_plan", encounter)
    panel = _panel(html)

    assert html.index('id="facts-title"') < html.index(">Do now</h2>"), "the panel is at the top"
    assert "Age 52" in panel
    assert "Pain score 8 of 10" in panel
    assert "Days since the pain began 5" in panel
    assert "Muscle spasm Yes" in panel
    assert "Nerve-type symptoms (stable) Yes" in panel
    assert "Muscle relaxant Tizanidine, 3 days since the first dose" in panel
    # Every red-flag answer, and why a yes did not count.
    assert "Fever: No" in panel
    assert "Night pain that does not ease: No" in panel
    assert "Osteoporosis: Yes, not a red flag at this age" in panel
    # The history answers that changed a card: the NSAID and tizanidine are withheld for them.
    assert "Stomach ulcer or gut bleeding; Takes fluvoxamine or ciprofloxacin" in panel
    assert "Heart failure" not in panel
    codes = set(encounter.care_plan.recommendations.values_list("code", flat=True))
    assert {"NSAID_WITHHELD", "MUSCLE_RELAXANT_STOP"} <= codes


def test_the_panel_marks_the_red_flags_that_fired(nurse_client):
    encounter = _submitted(nurse_client, red_flags={"fever": "yes"})
    html = _page(nurse_client, "triage:care_plan", encounter)
    assert '<li class="list-inline-item fw-bold text-danger">Fever: Yes' in html
    assert "History and medicines answered yes None" in _panel(html)


def test_a_plan_stored_with_fewer_facts_shows_only_those(nurse_client):
    plan = CarePlanFactory()
    RecommendationFactory(care_plan=plan)
    html = _page(nurse_client, "triage:care_plan", plan.encounter)
    panel = _panel(html)
    assert "Age 46" in panel
    assert "Muscle spasm" not in panel
    assert "Red-flag answers" in panel


def test_cards_show_primary_documents_first_and_keep_the_summary_numbers(nurse_client):
    encounter = _submitted(nurse_client)
    html = _page(nurse_client, "triage:care_plan", encounter)
    heat = encounter.care_plan.recommendations.get(code="SUPERFICIAL_HEAT")
    imaging = encounter.care_plan.recommendations.get(code="NO_ROUTINE_IMAGING")
    assert "S1" in imaging.sources, "S1-S6 stay in the stored data"
    assert imaging.sources[0] != "S1"
    shown = f"Sources: {', '.join(imaging.primary_sources)} · guideline summary S1"
    assert shown in _text(html)
    assert "extrapolated from low back pain" in heat.sources[0]
    marked = f'<span class="source-extrapolated">{heat.sources[0]}</span>'
    assert marked in html


def test_a_rule_set_1_card_shows_its_sources_as_it_always_did(nurse_client):
    plan = CarePlanFactory(ruleset="2026.11-1")
    RecommendationFactory(care_plan=plan, sources=["S1", "S3"])
    html = _page(nurse_client, "triage:care_plan", plan.encounter)
    assert re.search(r"Sources: S1, S3\s*</p>", html)


@pytest.mark.parametrize(
    ("pain", "history", "expected", "absent"),
    [
        (
            _relaxant("tizanidine", 20),
            {},
            ["Stop taking tizanidine, but not all at once"],
            ["Keep taking"],
        ),
        (
            _relaxant("baclofen", 400, other_condition=True),
            {},
            ["Keep taking baclofen exactly as prescribed", "Do not drive"],
            ["Stop taking"],
        ),
        (
            _relaxant("cyclobenzaprine", 2),
            {"takes_serotonergic_drug": "yes"},
            ["serotonin syndrome", "Do not drive"],
            ["Stop taking"],
        ),
        (
            _relaxant("methocarbamol", 15),
            {},
            ["Stop taking methocarbamol as your clinician advises"],
            ["Do not drive", "not all at once"],
        ),
        (
            {},
            {"pregnant": "yes", "pregnancy_weeks": "12"},
            ["stop it before week 20 of your pregnancy"],
            ["do not buy them over the counter"],
        ),
        (
            {},
            {"pregnant": "yes", "pregnancy_weeks": "24"},
            ["do not buy them over the counter"],
            ["stop it before week 20"],
        ),
        ({}, {}, ["never put it on skin that feels numb"], ["serotonin", "week 20"]),
    ],
)
def test_the_handout_warns_about_what_matters_for_this_patients_medicines(
    nurse_client, pain, history, expected, absent
):
    patient = PatientFactory(sex=Sex.FEMALE, date_of_birth=years_ago(40))
    encounter = _submitted(nurse_client, patient=patient, pain=pain, history=history)
    handout = _text(_page(nurse_client, "triage:handout", encounter))
    for words in expected:
        assert words in handout, words
    for words in absent:
        assert words not in handout, words
