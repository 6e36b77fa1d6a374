"""What the engine reads: intake and follow-up facts, validated when they are built."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Self

# Decision table section 1, in the table's order.
PRESENTATION_KEYS: tuple[str, ...] = (
    "age",
    "days_since_onset",
    "pain_score",
    "muscle_spasm",
    "neuropathic_features",
    "declines_neck_manipulation",
    "muscle_relaxant_days",
)
RED_FLAG_KEYS: tuple[str, ...] = (
    "progressive_neuro_deficit",
    "fever",
    "recent_bloodstream_infection",
    "malignancy_history",
    "iv_drug_use",
    "immunosuppression",
    "unexplained_weight_loss",
    "significant_trauma",
    "osteoporosis",
    "chronic_steroid_use",
    "bowel_bladder_dysfunction",
    "myelopathy_signs",
    "cervical_arterial_signs",
)
HISTORY_KEYS: tuple[str, ...] = (
    "gi_bleed_or_ulcer",
    "severe_kidney_disease",
    "heart_failure",
    "cardiovascular_disease",
    "recent_myocardial_infarction",
    "arrhythmia_or_heart_block",
    "hyperthyroidism",
    "liver_disease",
    "narrow_angle_glaucoma",
    "nsaid_allergy_or_asthma",
    "pregnancy_weeks",
    "takes_anticoagulant",
    "takes_maoi",
    "takes_serotonergic_drug",
)
INTAKE_KEYS: tuple[str, ...] = PRESENTATION_KEYS + RED_FLAG_KEYS + HISTORY_KEYS
REQUIRED_INTAKE_KEYS: tuple[str, ...] = ("age", "days_since_onset", "pain_score")
# Accepted beside the section 1 keys; it only dates the muscle relaxant's stop day.
ENCOUNTER_DATE_KEY = "encounter_date"

# Red flags only when the patient is older than this (S2: compression fracture risk).
AGE_DEPENDENT_RED_FLAGS: tuple[str, ...] = ("osteoporosis", "chronic_steroid_use")
RED_FLAG_AGE_OVER = 65

VISIT_KEYS: tuple[str, ...] = (
    "day",
    "pain_score",
    "muscle_relaxant_days",
    "global_change",
    "activity_scores",
    *RED_FLAG_KEYS,
)
REQUIRED_VISIT_KEYS: tuple[str, ...] = ("day", "pain_score", "global_change")

MIN_AGE = 16
MAX_AGE = 120
# 100 years: anything longer is a typing mistake, not an episode.
MAX_DAYS = 36_500
MAX_ACTIVITY_SCORES = 3
# Dates the plan arithmetic (a stop date 14 days on) can always handle.
EARLIEST_ENCOUNTER = datetime.date(1900, 1, 1)
LATEST_ENCOUNTER = datetime.date(2999, 12, 31)


class FactsError(ValueError):
    """Facts that cannot be evaluated; `errors` maps every bad field to its problem."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors: dict[str, str] = dict(errors)
        super().__init__("; ".join(f"{key}: {problem}" for key, problem in self.errors.items()))


def _json_kind(value: object) -> str:
    """Name a value's type the way someone writing JSON would."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a decimal number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    return type(value).__name__


def _bool_problem(value: object) -> str | None:
    if type(value) is bool:
        return None
    return f"must be true or false, got {_json_kind(value)}"


def _int_problem(value: object, low: int, high: int, *, nullable: bool = False) -> str | None:
    # bool is a subclass of int in Python; a true/false answer is never a count.
    if value is None and nullable:
        return None
    if type(value) is not int:
        return f"must be a whole number, got {_json_kind(value)}"
    if value < low or value > high:
        return f"must be from {low} to {high}, got {value}"
    return None


def _age_problem(value: object) -> str | None:
    problem = _int_problem(value, MIN_AGE, MAX_AGE)
    if problem and type(value) is int and value < MIN_AGE:
        return f"must be {MIN_AGE} or over (this service is for adults), got {value}"
    return problem


def _scores_problem(value: object) -> str | None:
    if not isinstance(value, list | tuple):
        return f"must be a list of up to {MAX_ACTIVITY_SCORES} scores, got {_json_kind(value)}"
    if len(value) > MAX_ACTIVITY_SCORES:
        return f"must hold at most {MAX_ACTIVITY_SCORES} scores, got {len(value)}"
    for position, score in enumerate(value, start=1):
        problem = _int_problem(score, 0, 10)
        if problem:
            return f"score {position} {problem}"
    return None


def _date_problem(value: object) -> str | None:
    # A datetime is a date subclass, but it carries a time and maybe a zone: refuse it.
    if value is None:
        return None
    if type(value) is datetime.date:
        if value < EARLIEST_ENCOUNTER or value > LATEST_ENCOUNTER:
            return (
                f"must be from {EARLIEST_ENCOUNTER.isoformat()} to {LATEST_ENCOUNTER.isoformat()}, "
                f"got {value.isoformat()}"
            )
        return None
    if isinstance(value, str):
        return f"must be a real date written YYYY-MM-DD, got {value[:40]!r}"
    return f"must be a date written YYYY-MM-DD, got {_json_kind(value)}"


def _pregnancy_problem(value: object) -> str | None:
    return _int_problem(value, 1, 42, nullable=True)


def _days_problem(value: object) -> str | None:
    return _int_problem(value, 0, MAX_DAYS)


def _optional_days_problem(value: object) -> str | None:
    return _int_problem(value, 0, MAX_DAYS, nullable=True)


def _pain_problem(value: object) -> str | None:
    return _int_problem(value, 0, 10)


def _global_change_problem(value: object) -> str | None:
    return _int_problem(value, -5, 5)


_INTAKE_CHECKS = {
    "age": _age_problem,
    "days_since_onset": _days_problem,
    "pain_score": _pain_problem,
    "muscle_relaxant_days": _optional_days_problem,
    "pregnancy_weeks": _pregnancy_problem,
    ENCOUNTER_DATE_KEY: _date_problem,
}
_VISIT_CHECKS = {
    "day": _days_problem,
    "pain_score": _pain_problem,
    "muscle_relaxant_days": _optional_days_problem,
    "global_change": _global_change_problem,
    "activity_scores": _scores_problem,
}


def _problems(values: Iterable[tuple[str, object]], checks: Mapping[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for key, value in values:
        problem = checks.get(key, _bool_problem)(value)
        if problem:
            errors[key] = problem
    return errors


def _read_mapping(
    mapping: object,
    *,
    allowed: tuple[str, ...],
    required: tuple[str, ...],
    checks: Mapping[str, Any],
) -> dict[str, object]:
    """Check a JSON-like mapping against the allowed keys and checks; raise one FactsError."""
    if not isinstance(mapping, Mapping):
        raise FactsError(
            {"__all__": f"must be an object of named facts, got {_json_kind(mapping)}"}
        )
    missing = {key: "is required" for key in required if key not in mapping}
    known = {key: mapping[key] for key in allowed if key in mapping}
    unknown = {str(key): "unknown field" for key in mapping if key not in known}
    errors = missing | _problems(known.items(), checks)
    ordered = {key: errors[key] for key in allowed if key in errors}
    if ordered or unknown:
        raise FactsError(ordered | unknown)
    return known


def _parse_date(value: object) -> object:
    """Turn an ISO 'YYYY-MM-DD' string into a date; leave anything else for the checks."""
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return value
    return value


@dataclass(frozen=True, slots=True, kw_only=True)
class IntakeFacts:
    """The facts an intake collects (decision table section 1), checked on construction."""

    age: int
    days_since_onset: int
    pain_score: int
    muscle_spasm: bool = False
    neuropathic_features: bool = False
    declines_neck_manipulation: bool = False
    muscle_relaxant_days: int | None = None
    progressive_neuro_deficit: bool = False
    fever: bool = False
    recent_bloodstream_infection: bool = False
    malignancy_history: bool = False
    iv_drug_use: bool = False
    immunosuppression: bool = False
    unexplained_weight_loss: bool = False
    significant_trauma: bool = False
    osteoporosis: bool = False
    chronic_steroid_use: bool = False
    bowel_bladder_dysfunction: bool = False
    myelopathy_signs: bool = False
    cervical_arterial_signs: bool = False
    gi_bleed_or_ulcer: bool = False
    severe_kidney_disease: bool = False
    heart_failure: bool = False
    cardiovascular_disease: bool = False
    recent_myocardial_infarction: bool = False
    arrhythmia_or_heart_block: bool = False
    hyperthyroidism: bool = False
    liver_disease: bool = False
    narrow_angle_glaucoma: bool = False
    nsaid_allergy_or_asthma: bool = False
    pregnancy_weeks: int | None = None
    takes_anticoagulant: bool = False
    takes_maoi: bool = False
    takes_serotonergic_drug: bool = False
    encounter_date: datetime.date | None = None

    def __post_init__(self) -> None:
        keys = (*INTAKE_KEYS, ENCOUNTER_DATE_KEY)
        errors = _problems(((key, getattr(self, key)) for key in keys), _INTAKE_CHECKS)
        if errors:
            raise FactsError(errors)

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, object]) -> Self:
        """Build intake facts from JSON-like data, naming every bad field in one FactsError."""
        values = mapping
        if isinstance(mapping, Mapping) and ENCOUNTER_DATE_KEY in mapping:
            values = {**mapping, ENCOUNTER_DATE_KEY: _parse_date(mapping[ENCOUNTER_DATE_KEY])}
        known = _read_mapping(
            values,
            allowed=(*INTAKE_KEYS, ENCOUNTER_DATE_KEY),
            required=REQUIRED_INTAKE_KEYS,
            checks=_INTAKE_CHECKS,
        )
        return cls(**known)

    def to_dict(self) -> dict[str, object]:
        """Return the facts as JSON-ready data that from_mapping reads back."""
        data: dict[str, object] = {key: getattr(self, key) for key in INTAKE_KEYS}
        if self.encounter_date is not None:
            data[ENCOUNTER_DATE_KEY] = self.encounter_date.isoformat()
        return data


@dataclass(frozen=True, slots=True, kw_only=True)
class VisitFacts:
    """The facts a follow-up visit collects (decision table section 5), checked on construction."""

    day: int
    pain_score: int
    global_change: int
    muscle_relaxant_days: int | None = None
    activity_scores: tuple[int, ...] = field(default=())
    progressive_neuro_deficit: bool = False
    fever: bool = False
    recent_bloodstream_infection: bool = False
    malignancy_history: bool = False
    iv_drug_use: bool = False
    immunosuppression: bool = False
    unexplained_weight_loss: bool = False
    significant_trauma: bool = False
    osteoporosis: bool = False
    chronic_steroid_use: bool = False
    bowel_bladder_dysfunction: bool = False
    myelopathy_signs: bool = False
    cervical_arterial_signs: bool = False

    def __post_init__(self) -> None:
        errors = _problems(((key, getattr(self, key)) for key in VISIT_KEYS), _VISIT_CHECKS)
        if errors:
            raise FactsError(errors)
        if type(self.activity_scores) is not tuple:
            # Frozen: a list would leave the facts mutable and unhashable.
            object.__setattr__(self, "activity_scores", tuple(self.activity_scores))

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, object]) -> Self:
        """Build visit facts from JSON-like data, naming every bad field in one FactsError."""
        known = _read_mapping(
            mapping, allowed=VISIT_KEYS, required=REQUIRED_VISIT_KEYS, checks=_VISIT_CHECKS
        )
        return cls(**known)

    def to_dict(self) -> dict[str, object]:
        """Return the facts as JSON-ready data that from_mapping reads back."""
        data: dict[str, object] = {key: getattr(self, key) for key in VISIT_KEYS}
        data["activity_scores"] = list(self.activity_scores)
        return data
