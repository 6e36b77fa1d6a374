"""CarePlan: one per stored plan, a proposal (Upright advises; it never orders)."""

from __future__ import annotations

from .common import ENTERED_IN_ERROR, canonical, coding, instant, recommendation_codes, reference
from .plan_definition import CATEGORY_EXTENSION, INDICATOR_EXTENSION, plan_definition_url

SOURCE_EXTENSION = "StructureDefinition/recommendation-source"
EVIDENCE_EXTENSION = "StructureDefinition/recommendation-evidence"
FINISHED_EPISODES = {"resolved"}


def _activity(recommendation, *, voided: bool) -> dict:
    extensions = [
        {"url": canonical(INDICATOR_EXTENSION), "valueCode": recommendation.indicator},
        {"url": canonical(CATEGORY_EXTENSION), "valueCode": recommendation.category},
        *(
            {"url": canonical(SOURCE_EXTENSION), "valueString": source}
            for source in recommendation.sources
        ),
    ]
    if recommendation.evidence:
        extensions.append(
            {"url": canonical(EVIDENCE_EXTENSION), "valueString": recommendation.evidence}
        )
    sources = "; ".join(recommendation.sources)
    return {
        "detail": {
            "extension": extensions,
            "code": {
                "coding": [coding(recommendation_codes(), recommendation.code)],
                "text": recommendation.summary,
            },
            # Upright does not learn whether advice was followed: the honest status is unknown.
            "status": ENTERED_IN_ERROR if voided else "unknown",
            "description": f"{recommendation.detail} Sources: {sources}.",
        }
    }


def care_plan_resource(plan, encounter, recommendations, *, replaces=None, replaced=False) -> dict:
    """`replaces`: the escalated plan this conservative plan took over from (a reference);
    `replaced`: whether a conservative plan took over from this one (serious disease excluded)."""
    voided = encounter.voided_at is not None
    if voided:
        status = ENTERED_IN_ERROR
    elif encounter.episode_status in FINISHED_EPISODES or replaced:
        status = "completed"
    else:
        status = "active"
    resource = {
        "resourceType": "CarePlan",
        "id": str(plan.pk),
        "instantiatesCanonical": [f"{plan_definition_url()}|{plan.ruleset}"],
        "status": status,
        "intent": "proposal",
        "title": f"Care plan ({plan.pathway} pathway)",
        "description": (
            f"Upright's recommendations under rule set {plan.ruleset}, stored exactly as shown: "
            "advice for a clinician to weigh, not orders."
        ),
        "subject": reference("Patient", encounter.patient_id),
        "encounter": reference("Encounter", encounter.pk),
        "created": instant(plan.created_at),
        "addresses": [reference("Condition", encounter.pk)],
        "activity": [_activity(item, voided=voided) for item in recommendations],
    }
    if replaces is not None:
        resource["replaces"] = [replaces]
    return resource
