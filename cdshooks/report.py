"""The per-rule report: how often each recommendation was shown, followed and overridden.

Per recommendation code and rule-set version, from both places advice is shown: Upright's own
care plans and visit assessments (the clinician's mark on the plan page) and the cards sent to
EHRs (the EHR's feedback). Counts are of recommendations shown in the chosen dates; voided
records are left out. Three queries, however many rows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from triage.models import FeedbackOutcome, OverrideReason, Recommendation

from .cards import OVERRIDE_REASON_SYSTEM
from .models import CardOutcome, IssuedCard

APP, CDS_HOOKS = "Upright", "CDS Hooks"
REASONS = tuple(OverrideReason)


@dataclass
class RuleRow:
    code: str
    ruleset: str
    source: str
    shown: int = 0
    followed: int = 0
    overridden: int = 0
    by_reason: dict[str, int] = field(default_factory=dict)

    @property
    def uncoded(self) -> int:
        """Overrides without one of our reasons (an EHR may send none, or its own codes)."""
        return self.overridden - sum(self.by_reason.values())

    @property
    def reason_counts(self) -> list[int]:
        return [self.by_reason.get(reason, 0) for reason in REASONS]

    @property
    def override_percent(self) -> int | None:
        decided = self.followed + self.overridden
        return round(100 * self.overridden / decided) if decided else None


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _app_counts(queryset) -> dict:
    overridden = Q(feedback__outcome=FeedbackOutcome.OVERRIDDEN)
    return queryset.values("code", "ruleset").annotate(
        shown=Count("pk"),
        followed=Count("pk", filter=Q(feedback__outcome=FeedbackOutcome.FOLLOWED)),
        overridden=Count("pk", filter=overridden),
        **{
            f"reason_{reason.value}": Count("pk", filter=overridden & Q(feedback__reason=reason))
            for reason in REASONS
        },
    )


def _cds_counts(queryset) -> dict:
    overridden = Q(feedback__outcome=CardOutcome.OVERRIDDEN)
    ours = Q(feedback__reason_system=OVERRIDE_REASON_SYSTEM)
    return queryset.values("code", "ruleset").annotate(
        shown=Count("pk", distinct=True),
        followed=Count("pk", filter=Q(feedback__outcome=CardOutcome.ACCEPTED), distinct=True),
        overridden=Count("pk", filter=overridden, distinct=True),
        **{
            f"reason_{reason.value}": Count(
                "pk", filter=overridden & ours & Q(feedback__reason_code=reason), distinct=True
            )
            for reason in REASONS
        },
    )


def rule_report(
    *, date_from: datetime.date | None = None, date_to: datetime.date | None = None
) -> list[RuleRow]:
    """One row per recommendation code, rule-set version and source, by code and version."""
    plans = Recommendation.objects.filter(
        care_plan__isnull=False, care_plan__encounter__voided_at__isnull=True
    )
    visits = Recommendation.objects.filter(
        visit__isnull=False, visit__follow_up__voided_at__isnull=True
    )
    cards = IssuedCard.objects.all()
    if date_from:
        plans = plans.filter(care_plan__encounter__occurred_at__gte=_day_start(date_from))
        visits = visits.filter(visit__visit_date__gte=date_from)
        cards = cards.filter(issued_at__gte=_day_start(date_from))
    if date_to:
        after = _day_start(date_to + datetime.timedelta(days=1))
        plans = plans.filter(care_plan__encounter__occurred_at__lt=after)
        visits = visits.filter(visit__visit_date__lte=date_to)
        cards = cards.filter(issued_at__lt=after)
    rows: dict[tuple[str, str, str], RuleRow] = {}
    for source, counts in (
        (APP, _app_counts(plans)),
        (APP, _app_counts(visits)),
        (CDS_HOOKS, _cds_counts(cards)),
    ):
        for count in counts:
            key = (count["code"], count["ruleset"], source)
            row = rows.setdefault(key, RuleRow(*key))
            row.shown += count["shown"]
            row.followed += count["followed"]
            row.overridden += count["overridden"]
            for reason in REASONS:
                added = count[f"reason_{reason.value}"]
                row.by_reason[reason] = row.by_reason.get(reason, 0) + added
    return [rows[key] for key in sorted(rows)]
