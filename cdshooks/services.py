"""Writes of the CDS Hooks services: used tokens, the cards sent, the EHR's feedback."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from .models import CardFeedback, EhrClient, IssuedCard, UsedToken

PURGE_EVERY = datetime.timedelta(minutes=1)
_last_purge: list[datetime.datetime] = []


def remember_token(
    *, client: EhrClient, jti: str, expires_at: datetime.datetime, now: datetime.datetime
) -> bool:
    """Record a token id as used; False when it was used before (a replay)."""
    if not _last_purge or now - _last_purge[0] >= PURGE_EVERY:
        # Tokens live minutes: forget the expired ones (they can no longer be replayed), once a
        # minute per process rather than on every call.
        UsedToken.objects.filter(expires_at__lt=now).delete()
        _last_purge[:] = [now]
    try:
        with transaction.atomic():
            UsedToken.objects.create(client=client, jti=jti, expires_at=expires_at)
    except IntegrityError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class CardRecord:
    """What is kept of a card sent: its id and the rule it came from (never the patient)."""

    uuid: uuid.UUID
    code: str
    ruleset: str
    indicator: str
    summary: str


def record_cards(
    *,
    client: EhrClient,
    service: str,
    hook: str,
    cards: Sequence[CardRecord],
    now: datetime.datetime,
) -> None:
    """Keep the cards sent to an EHR, so its feedback and the per-rule report can find them."""
    if not cards:
        return
    IssuedCard.objects.bulk_create(
        [
            IssuedCard(
                uuid=card.uuid,
                client=client,
                service=service,
                hook=hook,
                code=card.code,
                ruleset=card.ruleset,
                indicator=card.indicator,
                summary=card.summary[:200],
                issued_at=now,
            )
            for card in cards
        ]
    )


@dataclass(frozen=True, slots=True)
class FeedbackItem:
    card: uuid.UUID
    outcome: str
    outcome_at: datetime.datetime
    reason_system: str = ""
    reason_code: str = ""
    reason_display: str = ""
    user_comment: str = ""


class UnknownCardError(Exception):
    """Feedback names a card this service did not send to this EHR."""


def record_feedback(
    *, client: EhrClient, service: str, items: Iterable[FeedbackItem]
) -> list[CardFeedback]:
    """Store what the EHR's users did with our cards: all of the items, or none of them."""
    items = list(items)
    with transaction.atomic():
        cards = IssuedCard.objects.in_bulk([item.card for item in items], field_name="uuid")
        rows = []
        for item in items:
            card = cards.get(item.card)
            if card is None or card.client_id != client.pk or card.service != service:
                raise UnknownCardError
            rows.append(
                CardFeedback(
                    card=card,
                    outcome=item.outcome,
                    reason_system=item.reason_system[:255],
                    reason_code=item.reason_code[:64],
                    reason_display=item.reason_display[:200],
                    user_comment=item.user_comment,
                    outcome_at=item.outcome_at,
                )
            )
        return CardFeedback.objects.bulk_create(rows)
