"""Upright's own codes, served as CodeSystem resources so every local code can be looked up."""

from __future__ import annotations

from triage.guideline import ALL_CODES, RULESET_VERSION

from .common import canonical, observation_codes, recommendation_codes
from .plan_definition import code_title

# (code, display, definition): the observations and conditions Upright records.
OBSERVATION_CONCEPTS: tuple[tuple[str, str, str], ...] = (
    (
        "global-change",
        "Global rating of change",
        "The patient's own rating of their neck compared with the start of treatment, from -5 "
        "(vastly worse) through 0 (unchanged) to +5 (completely recovered).",
    ),
    (
        "activity-score",
        "Activity score (Patient-Specific Functional Scale item)",
        "How well the patient can do one activity of their own choosing, from 0 (unable) to 10 "
        "(as well as before the pain); the activity is named in the code's text.",
    ),
    ("neck", "Neck pain", "Acute pain in the neck, the presenting complaint of the episode."),
    (
        "upper_back",
        "Upper-back pain",
        "Acute pain in the upper (thoracic) back, the presenting complaint of the episode.",
    ),
    (
        "both",
        "Neck and upper-back pain",
        "Acute pain in the neck and the upper back, the presenting complaint of the episode.",
    ),
    (
        "neck-or-upper-back",
        "Neck or upper-back pain",
        "Acute neck or upper-back pain where the place was not recorded.",
    ),
)
OBSERVATION_DISPLAY = {code: display for code, display, _ in OBSERVATION_CONCEPTS}


def _code_system(*, slug: str, url: str, title: str, version: str, description: str, concepts):
    return {
        "resourceType": "CodeSystem",
        "id": slug,
        "url": url,
        "version": version,
        "name": "".join(part.capitalize() for part in slug.split("-")),
        "title": title,
        "status": "active",
        "experimental": False,
        "publisher": "Upright",
        "description": description,
        "caseSensitive": True,
        "content": "complete",
        "count": len(concepts),
        "concept": concepts,
    }


def observation_code_system() -> dict:
    return _code_system(
        slug="upright-observation",
        url=observation_codes(),
        title="Upright observation and condition codes",
        version="1",
        description="Local codes for what Upright records that LOINC does not name for it.",
        concepts=[
            {"code": code, "display": display, "definition": definition}
            for code, display, definition in OBSERVATION_CONCEPTS
        ],
    )


def recommendation_code_system() -> dict:
    """The engine's recommendation codes, straight from its code table."""
    return _code_system(
        slug="upright-recommendation",
        url=recommendation_codes(),
        title="Upright recommendation codes",
        version=RULESET_VERSION,
        description=(
            "Every recommendation the engine can give under this rule set; the "
            f"PlanDefinition {canonical('PlanDefinition/upright-rules')} says when each applies."
        ),
        concepts=[{"code": code, "display": code_title(code)} for code in ALL_CODES],
    )


CODE_SYSTEMS = {
    "upright-observation": observation_code_system,
    "upright-recommendation": recommendation_code_system,
}
