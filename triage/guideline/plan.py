"""What the engine returns: care plans, recommendations and follow-up assessments."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType


class Pathway(StrEnum):
    EMERGENCY = "emergency"
    URGENT = "urgent"
    CONSERVATIVE = "conservative"


class EscalationPriority(StrEnum):
    """How fast an escalation needs a clinician: the emergency and urgent pathways."""

    EMERGENCY = "emergency"
    URGENT = "urgent"


class Indicator(StrEnum):
    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"


class EpisodeStatus(StrEnum):
    ESCALATED = "escalated"
    RESOLVED = "resolved"
    PERSISTENT = "persistent"
    IMPROVING = "improving"
    NOT_IMPROVING = "not_improving"
    # An episode's state before any visit has been assessed (the engine never returns it).
    ACTIVE = "active"


class Category(StrEnum):
    """Presentation group of a recommendation on the care-plan page."""

    URGENT = "urgent"
    DO_NOW = "do_now"
    CONSIDER = "consider"
    CAUTION = "caution"
    DO_NOT = "do_not"


_I, _W, _C = Indicator.INFO, Indicator.WARNING, Indicator.CRITICAL

# Every code the engine can emit, in presentation order: critical first, then warnings, then
# information. Within a level: what needs acting on today, then drug safety, then the "do not"
# list; the first-line treatments lead the information items, the expected course closes them.
_CODE_TABLE: tuple[tuple[str, Indicator, Category], ...] = (
    ("EMERGENCY_REFERRAL", _C, Category.URGENT),
    ("URGENT_EVALUATION", _C, Category.URGENT),
    ("INFECTION_WORKUP", _C, Category.URGENT),
    ("MUSCLE_RELAXANT_STOP", _W, Category.CAUTION),
    ("MUSCLE_RELAXANT_REVIEW", _W, Category.CAUTION),
    ("PERSISTENT_COURSE", _W, Category.CAUTION),
    ("REASSESS", _W, Category.CAUTION),
    ("NSAID_WITHHELD", _W, Category.CAUTION),
    ("NSAID_CAUTION", _W, Category.CAUTION),
    ("MUSCLE_RELAXANT_WITHHELD", _W, Category.CAUTION),
    ("MUSCLE_RELAXANT_CAUTION", _W, Category.CAUTION),
    ("DULOXETINE_WITHHELD", _W, Category.CAUTION),
    ("DULOXETINE_CAUTION", _W, Category.CAUTION),
    ("MANIPULATION_WITHHELD", _W, Category.CAUTION),
    ("AVOID_BED_REST", _W, Category.DO_NOT),
    ("AVOID_SYSTEMIC_CORTICOSTEROIDS", _W, Category.DO_NOT),
    ("AVOID_INTERVENTIONAL_PROCEDURES", _W, Category.DO_NOT),
    ("EXERCISE_THERAPY", _I, Category.DO_NOW),
    ("SPINAL_MANIPULATION", _I, Category.DO_NOW),
    ("THORACIC_MANIPULATION", _I, Category.DO_NOW),
    ("POSTURE_ERGONOMICS", _I, Category.DO_NOW),
    ("SUPERFICIAL_HEAT", _I, Category.DO_NOW),
    ("NSAID", _I, Category.CONSIDER),
    ("NSAID_GASTROPROTECTION", _I, Category.CONSIDER),
    ("MUSCLE_RELAXANT", _I, Category.CONSIDER),
    ("MUSCLE_RELAXANT_CONTINUE", _I, Category.CONSIDER),
    ("DULOXETINE_SECOND_LINE", _I, Category.CONSIDER),
    ("NO_ROUTINE_IMAGING", _I, Category.DO_NOT),
    ("EXPECTED_COURSE", _I, Category.DO_NOW),
)

ALL_CODES: tuple[str, ...] = tuple(code for code, _, _ in _CODE_TABLE)
CODE_INDICATOR = MappingProxyType({code: ind for code, ind, _ in _CODE_TABLE})
CODE_CATEGORY = MappingProxyType({code: cat for code, _, cat in _CODE_TABLE})
CODE_RANK = MappingProxyType({code: rank for rank, code in enumerate(ALL_CODES)})


@dataclass(frozen=True, slots=True, kw_only=True)
class Recommendation:
    """One piece of advice; the field names follow CDS Hooks cards."""

    code: str
    indicator: Indicator
    summary: str
    detail: str
    sources: tuple[str, ...]
    category: str
    evidence: str | None = None

    def to_dict(self) -> dict[str, object]:
        """Return the command-line shape of this recommendation."""
        return {
            "code": self.code,
            "indicator": str(self.indicator),
            "summary": self.summary,
            "detail": self.detail,
            "sources": list(self.sources),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class FollowUpVisit:
    """A visit due a number of days after the intake encounter."""

    day: int
    purpose: str

    def to_dict(self) -> dict[str, object]:
        """Return the command-line shape of this visit."""
        return {"day": self.day, "purpose": self.purpose}


@dataclass(frozen=True, slots=True, kw_only=True)
class CarePlan:
    """The outcome of an intake: pathway, red flags, recommendations and visits.

    `red_flags` are the flags that fired, in the red-flag table's order; `cleared_red_flags` are
    the flags a clinician had excluded for this episode when the plan was made (they did not
    count, even when answered yes).
    """

    ruleset: str
    pathway: Pathway
    red_flags: tuple[str, ...]
    recommendations: tuple[Recommendation, ...]
    follow_ups: tuple[FollowUpVisit, ...]
    cleared_red_flags: tuple[str, ...] = ()

    @property
    def codes(self) -> tuple[str, ...]:
        """Return the recommendation codes in order."""
        return tuple(rec.code for rec in self.recommendations)

    @property
    def escalation_priority(self) -> EscalationPriority | None:
        """Return the priority of the escalation this plan opens, or None on the conservative
        pathway."""
        if self.pathway is Pathway.CONSERVATIVE:
            return None
        return EscalationPriority(self.pathway.value)

    def to_dict(self) -> dict[str, object]:
        """Return the command-line shape of this plan."""
        return {
            "ruleset": self.ruleset,
            "pathway": str(self.pathway),
            "red_flags": list(self.red_flags),
            "cleared_red_flags": list(self.cleared_red_flags),
            "recommendations": [rec.to_dict() for rec in self.recommendations],
            "follow_ups": [visit.to_dict() for visit in self.follow_ups],
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class FollowUpAssessment:
    """The outcome of a follow-up visit: episode status, why, and recommendations.

    `status_text` is the sentence that explains the status (the pages show it and never restate
    a threshold); `escalation_priority` is set when the visit opens an escalation.
    """

    ruleset: str
    status: EpisodeStatus
    status_text: str
    recommendations: tuple[Recommendation, ...]
    red_flags: tuple[str, ...] = ()
    escalation_priority: EscalationPriority | None = None

    @property
    def codes(self) -> tuple[str, ...]:
        """Return the recommendation codes in order."""
        return tuple(rec.code for rec in self.recommendations)

    def to_dict(self) -> dict[str, object]:
        """Return the command-line shape of this assessment."""
        priority = self.escalation_priority
        return {
            "ruleset": self.ruleset,
            "status": str(self.status),
            "status_text": self.status_text,
            "escalation_priority": None if priority is None else str(priority),
            "red_flags": list(self.red_flags),
            "recommendations": [rec.to_dict() for rec in self.recommendations],
        }
