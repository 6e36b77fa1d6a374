"""CDS Hooks cards built from Upright's recommendations: stored ones, or the engine's own.

The wording is the engine's (stored with each plan, or the engine's current text for the imaging
card); this module only frames it as a card: summary, indicator, source, override reasons.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from triage.models import OverrideReason

from .services import CardRecord

# The rule set as a FHIR PlanDefinition (served by Upright's FHIR endpoint).
PLAN_DEFINITION_PATH = "/fhir/PlanDefinition/upright-rules"
RECOMMENDATION_SYSTEM = "urn:upright:codesystem:recommendation"
OVERRIDE_REASON_SYSTEM = "urn:upright:codesystem:override-reason"
SUMMARY_LIMIT = 140  # characters; a card's summary must be shorter
_GUIDELINE_SUMMARY_SOURCE = re.compile(r"S\d+")

OVERRIDE_REASONS = tuple(
    {"code": reason.value, "system": OVERRIDE_REASON_SYSTEM, "display": reason.label}
    for reason in OverrideReason
)


@dataclass(frozen=True, slots=True)
class Advice:
    """One recommendation as the card needs it (a stored row or the engine's dataclass)."""

    code: str
    indicator: str
    summary: str
    detail: str
    sources: tuple[str, ...]
    ruleset: str

    @classmethod
    def of(cls, recommendation, *, ruleset: str | None = None) -> Advice:
        return cls(
            code=recommendation.code,
            indicator=str(recommendation.indicator),
            summary=recommendation.summary,
            detail=recommendation.detail,
            sources=tuple(recommendation.sources),
            ruleset=ruleset or recommendation.ruleset,
        )


@dataclass(slots=True)
class Card:
    """A card to send, and what is recorded of it (only cards with a uuid are recorded)."""

    body: dict
    record: CardRecord | None = None


def primary_sources(sources: Iterable[str]) -> list[str]:
    """The primary documents among a recommendation's sources (S1..S6 number the summary)."""
    return [source for source in sources if not _GUIDELINE_SUMMARY_SOURCE.fullmatch(source)]


def source_label(advice: Advice) -> str:
    primary = primary_sources(advice.sources)
    named = "; ".join(primary) if primary else "guideline summary " + ", ".join(advice.sources)
    return f"Upright rule set {advice.ruleset}: {named}"


def short_summary(summary: str) -> str:
    """The summary as the card shows it: under 140 characters (older stored text may be longer)."""
    if len(summary) < SUMMARY_LIMIT:
        return summary
    return summary[: SUMMARY_LIMIT - 2].rstrip() + "…"


def advice_card(
    advice: Advice,
    *,
    base_url: str,
    indicator: str | None = None,
    detail_note: str = "",
    suggestions: Sequence[dict] = (),
    with_override_reasons: bool = True,
) -> Card:
    """A card for one recommendation, with its source and the reasons a clinician may override."""
    card_uuid = uuid.uuid4()
    indicator = indicator or advice.indicator
    summary = short_summary(advice.summary)
    body: dict = {
        "uuid": str(card_uuid),
        "summary": summary,
        "indicator": indicator,
        "detail": " ".join(part for part in (advice.detail, detail_note) if part),
        "source": {
            "label": source_label(advice),
            "url": base_url + PLAN_DEFINITION_PATH,
            "topic": {"system": RECOMMENDATION_SYSTEM, "code": advice.code},
        },
    }
    if suggestions:
        body["suggestions"] = list(suggestions)
        body["selectionBehavior"] = "at-most-one"
    if with_override_reasons:
        body["overrideReasons"] = [dict(reason) for reason in OVERRIDE_REASONS]
    record = CardRecord(
        uuid=card_uuid,
        code=advice.code,
        ruleset=advice.ruleset,
        indicator=indicator,
        summary=summary,
    )
    return Card(body=body, record=record)


def notice_card(*, summary: str, detail: str, indicator: str, label: str, base_url: str) -> Card:
    """An informational card that is not a recommendation (not recorded, no feedback expected)."""
    return Card(
        body={
            "summary": short_summary(summary),
            "indicator": indicator,
            "detail": detail,
            "source": {"label": label, "url": base_url + PLAN_DEFINITION_PATH},
        }
    )


@dataclass(slots=True)
class Cards:
    items: list[Card] = field(default_factory=list)

    def response(self) -> dict:
        return {"cards": [card.body for card in self.items]}

    def records(self) -> list[CardRecord]:
        return [card.record for card in self.items if card.record is not None]
