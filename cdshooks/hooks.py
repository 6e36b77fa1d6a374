"""The CDS Hooks services Upright offers, and the cards each one answers with."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.utils import formats, timezone

from triage.guideline import RULESET_VERSION
from triage.guideline.text import NO_ROUTINE_IMAGING
from triage.models import episode_status_label

from .cards import Advice, Card, Cards, advice_card, notice_card
from .models import EhrClient
from .selectors import CurrentEpisode, current_episode, matching_patient
from .spine_imaging import SpineImaging, spine_imaging_orders

PATIENT_PREFETCH = {"patient": "Patient/{{context.patientId}}"}


@dataclass(frozen=True, slots=True)
class HookCall:
    """A validated request to one of the services."""

    client: EhrClient
    hook: str
    context: Mapping
    prefetch: object
    base_url: str


@dataclass(frozen=True, slots=True)
class Service:
    id: str
    hooks: tuple[str, ...]
    title: str
    description: str
    answer: Callable[[HookCall], Cards]
    prefetch: Mapping[str, str] = field(default_factory=lambda: dict(PATIENT_PREFETCH))

    def discovery(self) -> dict:
        return {
            "hook": self.hooks[0],
            "id": self.id,
            "title": self.title,
            "description": self.description,
            "prefetch": dict(self.prefetch),
        }


def _day(moment) -> str:
    return formats.date_format(timezone.localdate(moment), "j M Y")


def _escalation_cards(episode: CurrentEpisode, *, base_url: str, only_open: bool) -> list[Card]:
    """The escalation's stored critical cards: every open escalation, or else the latest one."""
    escalations = episode.open_escalations or ([] if only_open else episode.escalations[-1:])
    if not escalations and not only_open:
        escalations = [None]  # red flags at intake without an escalation row: the plan's cards
    cards = []
    for escalation in escalations:
        if escalation is None:
            note = "Upright recorded red flags in this episode."
        elif escalation.is_open:
            note = (
                f"Upright opened an escalation for red flags on {_day(escalation.opened_at)}; "
                "it is open until a clinician records the outcome."
            )
        else:
            note = (
                f"Upright recorded red flags in this episode (escalation of "
                f"{_day(escalation.opened_at)}, closed: {escalation.get_outcome_display()})."
            )
        cards.extend(
            advice_card(
                Advice.of(item),
                base_url=base_url,
                indicator="critical",
                detail_note=note,
                with_override_reasons=False,
            )
            for item in episode.escalation_advice(escalation)
        )
    return cards


def _cancel_imaging(orders: list[tuple[str, SpineImaging]]) -> dict:
    return {
        "label": "Remove the spine imaging order",
        "uuid": str(uuid.uuid4()),
        "isRecommended": True,
        "actions": [
            {
                "type": "delete",
                "description": f"Remove the draft order: {study.display}",
                "resourceId": reference,
            }
            for reference, study in orders
        ],
    }


def imaging_cards(call: HookCall) -> Cards:
    """Spine imaging ordered: no routine imaging without red flags, or the escalation's card."""
    draft_orders = call.context.get("draftOrders")
    selections = call.context.get("selections") if call.hook == "order-select" else None
    orders = spine_imaging_orders(draft_orders, only=selections)
    if not orders:
        return Cards()
    patient = matching_patient(client=call.client, context=call.context, prefetch=call.prefetch)
    episode = current_episode(patient) if patient is not None else None
    if episode is None:
        return Cards()
    if episode.red_flags_recorded:
        return Cards(_escalation_cards(episode, base_url=call.base_url, only_open=False))
    references = [(reference, study) for reference, study in orders if reference]
    card = advice_card(
        Advice.of(NO_ROUTINE_IMAGING, ruleset=RULESET_VERSION),
        base_url=call.base_url,
        detail_note=(
            f"Upright's assessment of {_day(episode.encounter.occurred_at)} recorded no red flags "
            "for this patient's neck or upper-back pain."
        ),
        suggestions=[_cancel_imaging(references)] if references else (),
    )
    return Cards([card])


def _status_card(episode: CurrentEpisode, *, base_url: str) -> Card:
    status = episode_status_label(episode.encounter.episode_status).lower()
    started = _day(episode.encounter.occurred_at)
    next_visit = next((f for f in episode.follow_ups if f.status == "scheduled"), None)
    detail = f"Pathway: {episode.encounter.get_pathway_display().lower()}."
    if next_visit is not None:
        detail += f" Next follow-up visit due {formats.date_format(next_visit.due_date, 'j M Y')}."
    indicator = {"escalated": "critical", "persistent": "warning", "not_improving": "warning"}
    return notice_card(
        summary=f"Upright: neck and upper-back pain episode since {started}, {status}.",
        detail=detail,
        indicator=indicator.get(episode.encounter.episode_status, "info"),
        label=f"Upright rule set {episode.care_plan.ruleset}",
        base_url=base_url,
    )


def episode_cards(call: HookCall) -> Cards:
    """The current episode's stored plan: open escalations first, then the status, then the plan."""
    patient = matching_patient(client=call.client, context=call.context, prefetch=call.prefetch)
    episode = current_episode(patient) if patient is not None else None
    if episode is None:
        return Cards()
    escalation_cards = _escalation_cards(episode, base_url=call.base_url, only_open=True)
    shown = {card.record.code for card in escalation_cards if card.record}
    plan_cards = [
        advice_card(Advice.of(item), base_url=call.base_url)
        for item in episode.recommendations
        if item.code not in shown
    ]
    return Cards([*escalation_cards, _status_card(episode, base_url=call.base_url), *plan_cards])


SERVICES: dict[str, Service] = {
    service.id: service
    for service in (
        Service(
            id="upright-imaging",
            hooks=("order-select", "order-sign"),
            title="Upright: imaging for neck and upper-back pain",
            description=(
                "When an X-ray, CT or MRI of the cervical or thoracic spine is ordered for a "
                "patient Upright follows for acute neck or upper-back pain, advises against "
                "routine imaging when Upright recorded no red flags, or shows the red-flag "
                "escalation when it did. Answers order-select and order-sign."
            ),
            answer=imaging_cards,
        ),
        Service(
            id="upright-episode",
            hooks=("patient-view",),
            title="Upright: current neck and upper-back pain episode",
            description=(
                "The stored care plan of the patient's current Upright episode: open "
                "escalations first, then the episode's status, then each recommendation."
            ),
            answer=episode_cards,
        ),
    )
}
