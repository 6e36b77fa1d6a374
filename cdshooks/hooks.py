"""The CDS Hooks services Upright offers, and the cards each one answers with."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.utils import formats, timezone

from triage.followup.selectors.worklist import red_flag_labels
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


def _escalation_cards(episode: CurrentEpisode, *, base_url: str) -> list[Card]:
    """The stored critical cards of each open escalation (red flags recorded with no escalation
    row at all: the plan's own). A closed escalation gives none: a clinician has acted on it."""
    escalations = episode.open_escalations
    if not episode.escalations and episode.standing_red_flags:
        escalations = [None]
    cards = []
    for escalation in escalations:
        if escalation is None:
            note = "Upright recorded red flags in this episode."
        else:
            note = (
                f"Upright opened an escalation for red flags on {_day(escalation.opened_at)}; "
                "it is open until a clinician records the outcome."
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


def _closed_note(escalation) -> str:
    return (
        f"The escalation of {_day(escalation.opened_at)} was closed on "
        f"{_day(escalation.closed_at)}: {escalation.get_outcome_display().lower()}."
    )


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
    """Spine imaging ordered: while an escalation is open, its critical card; red flags that still
    count (escalation closed without excluding serious disease): a notice, no advice against
    imaging; no red flags, or all cleared by a clinician: no routine imaging."""
    draft_orders = call.context.get("draftOrders")
    selections = call.context.get("selections") if call.hook == "order-select" else None
    orders = spine_imaging_orders(draft_orders, only=selections)
    if not orders:
        return Cards()
    patient = matching_patient(client=call.client, context=call.context, prefetch=call.prefetch)
    episode = current_episode(patient) if patient is not None else None
    if episode is None:
        return Cards()
    if escalation_cards := _escalation_cards(episode, base_url=call.base_url):
        return Cards(escalation_cards)
    if standing := episode.standing_red_flags:
        closed = episode.last_closed_escalation
        return Cards(
            [
                notice_card(
                    summary="Upright recorded red flags for this patient: imaging may be needed.",
                    detail=(
                        f"Red flags recorded in this episode: {red_flag_labels(standing)}. "
                        + (_closed_note(closed) + " " if closed else "")
                        + "Upright does not advise against imaging while red flags count."
                    ),
                    indicator="info",
                    label=f"Upright rule set {episode.care_plan.ruleset}",
                    base_url=call.base_url,
                )
            ]
        )
    if episode.red_flags_recorded:
        closed = episode.last_closed_escalation
        when = f" on {_day(closed.closed_at)}" if closed else ""
        note = (
            f"A clinician excluded serious disease{when}: the red flags recorded in this episode "
        )
        if episode.encounter.continues_id is not None:
            note += (
                "no longer count, and Upright's conservative plan of "
                f"{_day(episode.encounter.occurred_at)} applies."
            )
        else:
            note += "no longer count; the conservative plan has not been made yet."
    else:
        note = (
            f"Upright's assessment of {_day(episode.encounter.occurred_at)} recorded no red flags "
            "for this patient's neck or upper-back pain."
        )
    references = [(reference, study) for reference, study in orders if reference]
    card = advice_card(
        Advice.of(NO_ROUTINE_IMAGING, ruleset=RULESET_VERSION),
        base_url=call.base_url,
        detail_note=note,
        suggestions=[_cancel_imaging(references)] if references else (),
    )
    return Cards([card])


def _status_card(episode: CurrentEpisode, *, base_url: str) -> Card:
    status = episode_status_label(episode.encounter.episode_status).lower()
    started = _day(episode.started_at)
    next_visit = next((f for f in episode.follow_ups if f.status == "scheduled"), None)
    detail = f"Pathway: {episode.encounter.get_pathway_display().lower()}."
    closed = episode.last_closed_escalation
    if closed is not None and not episode.open_escalations:
        detail += " " + _closed_note(closed)
    if episode.encounter.continues_id is not None:
        detail += (
            " A clinician excluded serious disease; this is the conservative plan made on "
            f"{_day(episode.encounter.occurred_at)}."
        )
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
    """The newest stored plan of the current episode: open escalations first, then the status,
    then the plan. Once every escalation is closed, the escalated plan's critical cards are not
    sent (the status card says how it was closed)."""
    patient = matching_patient(client=call.client, context=call.context, prefetch=call.prefetch)
    episode = current_episode(patient) if patient is not None else None
    if episode is None:
        return Cards()
    escalation_cards = _escalation_cards(episode, base_url=call.base_url)
    shown = {card.record.code for card in escalation_cards if card.record}
    settled = bool(episode.escalations) and not episode.open_escalations
    plan_cards = [
        advice_card(Advice.of(item), base_url=call.base_url)
        for item in episode.recommendations
        if item.code not in shown and not (settled and item.indicator == "critical")
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
                "routine imaging when Upright recorded no red flags (or a clinician cleared "
                "them), shows the red-flag escalation's card while it is open, and otherwise "
                "notes the red flags. Answers order-select and order-sign."
            ),
            answer=imaging_cards,
        ),
        Service(
            id="upright-episode",
            hooks=("patient-view",),
            title="Upright: current neck and upper-back pain episode",
            description=(
                "The newest stored care plan of the patient's current Upright episode: open "
                "escalations first, then the episode's status, then each recommendation."
            ),
            answer=episode_cards,
        ),
    )
}
