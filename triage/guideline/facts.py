"""What the engine reads: intake and follow-up facts, validated when they are built."""

from __future__ import annotations

import datetime
import enum
import operator
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
    "muscle_relaxant_name",
    "muscle_relaxant_other_condition",
)
# The red-flag table's order; the output list `red_flags` follows it (reading rule 4).
RED_FLAG_KEYS: tuple[str, ...] = (
    "progressive_neuro_deficit",
    "bowel_bladder_dysfunction",
    "cervical_arterial_signs",
    "myelopathy_signs",
    "fever",
    "recent_bloodstream_infection",
    "malignancy_history",
    "iv_drug_use",
    "immunosuppression",
    "unexplained_weight_loss",
    "night_pain",
    "significant_trauma",
    "osteoporosis",
    "chronic_steroid_use",
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
    "inflammatory_arthritis",
    "previous_neck_surgery",
    "bleeding_disorder",
    "uncontrolled_hypertension",
    "pregnancy_weeks",
    "breastfeeding",
    "heavy_alcohol_use",
    "takes_anticoagulant",
    "takes_antiplatelet",
    "takes_maoi",
    "takes_serotonergic_drug",
    "takes_sedating_medicine",
    "takes_cyp1a2_inhibitor",
)
# The questions an intake asks. Facts also take `cleared_red_flags` (set by a clinician after an
# escalation, never asked) and `encounter_date` (dates the relaxant's last dose).
INTAKE_KEYS: tuple[str, ...] = PRESENTATION_KEYS + RED_FLAG_KEYS + HISTORY_KEYS
REQUIRED_INTAKE_KEYS: tuple[str, ...] = ("age", "days_since_onset", "pain_score")
CLEARED_RED_FLAGS_KEY = "cleared_red_flags"
ENCOUNTER_DATE_KEY = "encounter_date"
FACT_KEYS: tuple[str, ...] = (*INTAKE_KEYS, CLEARED_RED_FLAGS_KEY, ENCOUNTER_DATE_KEY)

RELAXANT_NAMES: tuple[str, ...] = (
    "cyclobenzaprine",
    "methocarbamol",
    "tizanidine",
    "baclofen",
    "other",
)

# Red flags only when the patient is older than this (S2: compression fracture risk).
AGE_DEPENDENT_RED_FLAGS: tuple[str, ...] = ("osteoporosis", "chronic_steroid_use")
RED_FLAG_AGE_OVER = 65

# A visit gives its own day, pain and relaxant days, and may answer again any intake question but
# days_since_onset (decision table section 5, reading rule 6).
VISIT_OWN_KEYS: tuple[str, ...] = (
    "day",
    "pain_score",
    "muscle_relaxant_days",
    "global_change",
    "activity_scores",
    "age",
)
VISIT_ANSWER_KEYS: tuple[str, ...] = (
    *(key for key in INTAKE_KEYS if key not in VISIT_OWN_KEYS and key != "days_since_onset"),
    CLEARED_RED_FLAGS_KEY,
)
VISIT_KEYS: tuple[str, ...] = VISIT_OWN_KEYS + VISIT_ANSWER_KEYS
REQUIRED_VISIT_KEYS: tuple[str, ...] = ("day", "pain_score", "global_change")

MIN_AGE = 16
MAX_AGE = 120
# 100 years: anything longer is a typing mistake, not an episode.
MAX_DAYS = 36_500
# A visit is at most 10 years after the plan it follows (reading rule 1).
MAX_VISIT_DAY = 3650
MAX_ACTIVITY_SCORES = 3
# Dates the plan arithmetic (a last dose 13 days on) can always handle.
EARLIEST_ENCOUNTER = datetime.date(1900, 1, 1)
LATEST_ENCOUNTER = datetime.date(2999, 12, 31)


class Unanswered(enum.Enum):
    """The value of a question a visit did not ask again: the intake's answer stands."""

    UNANSWERED = "unanswered"

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "UNANSWERED"


UNANSWERED = Unanswered.UNANSWERED


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


def _visit_day_problem(value: object) -> str | None:
    return _int_problem(value, 0, MAX_VISIT_DAY)


def _optional_days_problem(value: object) -> str | None:
    return _int_problem(value, 0, MAX_DAYS, nullable=True)


def _pain_problem(value: object) -> str | None:
    return _int_problem(value, 0, 10)


def _global_change_problem(value: object) -> str | None:
    return _int_problem(value, -5, 5)


def _relaxant_name_problem(value: object) -> str | None:
    if value is None or (type(value) is str and value in RELAXANT_NAMES):
        return None
    shown = repr(value[:40]) if isinstance(value, str) else _json_kind(value)
    return f"must be one of {', '.join(RELAXANT_NAMES)}, or null; got {shown}"


def _cleared_problem(value: object) -> str | None:
    if not isinstance(value, list | tuple):
        return f"must be a list of red-flag keys, got {_json_kind(value)}"
    unknown = [item for item in value if not (type(item) is str and item in RED_FLAG_KEYS)]
    if unknown:
        first = unknown[0]
        if isinstance(first, str):
            return f"must hold only red-flag keys, got unknown red flag {first[:40]!r}"
        return f"must hold only red-flag keys, got {_json_kind(first)}"
    return None


_INTAKE_CHECKS = {
    "age": _age_problem,
    "days_since_onset": _days_problem,
    "pain_score": _pain_problem,
    "muscle_relaxant_days": _optional_days_problem,
    "muscle_relaxant_name": _relaxant_name_problem,
    "pregnancy_weeks": _pregnancy_problem,
    CLEARED_RED_FLAGS_KEY: _cleared_problem,
    ENCOUNTER_DATE_KEY: _date_problem,
}
_VISIT_CHECKS = {
    **_INTAKE_CHECKS,
    "day": _visit_day_problem,
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


def _relaxant_problems(
    days: object, name: object, other_condition: object, errors: Mapping[str, str]
) -> dict[str, str]:
    """A relaxant's name or purpose without the days it has been taken is refused (section 1)."""
    if days is not None:
        return {}
    problems = {}
    if name not in (None, UNANSWERED) and "muscle_relaxant_name" not in errors:
        problems["muscle_relaxant_name"] = (
            "needs muscle_relaxant_days: a relaxant is named but the days taken are not given"
        )
    if other_condition is True:
        problems["muscle_relaxant_other_condition"] = (
            "needs muscle_relaxant_days: a relaxant for another condition is recorded but the "
            "days taken are not given"
        )
    return problems


def _in_order(errors: Mapping[str, str], keys: tuple[str, ...]) -> dict[str, str]:
    return {key: errors[key] for key in keys if key in errors}


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
    errors |= _relaxant_problems(
        known.get("muscle_relaxant_days"),
        known.get("muscle_relaxant_name"),
        known.get("muscle_relaxant_other_condition"),
        errors,
    )
    ordered = _in_order(errors, allowed)
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


def _table_order(cleared: Iterable[str]) -> tuple[str, ...]:
    chosen = set(cleared)
    return tuple(key for key in RED_FLAG_KEYS if key in chosen)


@dataclass(frozen=True, slots=True, kw_only=True)
class IntakeFacts:
    """The facts an intake collects (decision table section 1), checked on construction.

    Only age, days_since_onset and pain_score are required; every other fact defaults to
    no / null / empty, so a rule-set-1 input is still valid.
    """

    age: int
    days_since_onset: int
    pain_score: int
    muscle_spasm: bool = False
    neuropathic_features: bool = False
    declines_neck_manipulation: bool = False
    muscle_relaxant_days: int | None = None
    muscle_relaxant_name: str | None = None
    muscle_relaxant_other_condition: bool = False
    progressive_neuro_deficit: bool = False
    bowel_bladder_dysfunction: bool = False
    cervical_arterial_signs: bool = False
    myelopathy_signs: bool = False
    fever: bool = False
    recent_bloodstream_infection: bool = False
    malignancy_history: bool = False
    iv_drug_use: bool = False
    immunosuppression: bool = False
    unexplained_weight_loss: bool = False
    night_pain: bool = False
    significant_trauma: bool = False
    osteoporosis: bool = False
    chronic_steroid_use: bool = False
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
    inflammatory_arthritis: bool = False
    previous_neck_surgery: bool = False
    bleeding_disorder: bool = False
    uncontrolled_hypertension: bool = False
    pregnancy_weeks: int | None = None
    breastfeeding: bool = False
    heavy_alcohol_use: bool = False
    takes_anticoagulant: bool = False
    takes_antiplatelet: bool = False
    takes_maoi: bool = False
    takes_serotonergic_drug: bool = False
    takes_sedating_medicine: bool = False
    takes_cyp1a2_inhibitor: bool = False
    cleared_red_flags: tuple[str, ...] = ()
    encounter_date: datetime.date | None = None
    # Every fact by key, kept at construction so a visit can override them in one step.
    _values: dict[str, object] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        errors = _problems(((key, getattr(self, key)) for key in FACT_KEYS), _INTAKE_CHECKS)
        errors |= _relaxant_problems(
            self.muscle_relaxant_days,
            self.muscle_relaxant_name,
            self.muscle_relaxant_other_condition,
            errors,
        )
        if errors:
            raise FactsError(_in_order(errors, FACT_KEYS))
        # Frozen and hashable: a list becomes a tuple, in the red-flag table's order.
        cleared = self.cleared_red_flags
        if cleared:
            ordered = _table_order(cleared)
            if ordered != cleared:
                object.__setattr__(self, CLEARED_RED_FLAGS_KEY, ordered)
        elif type(cleared) is not tuple:
            object.__setattr__(self, CLEARED_RED_FLAGS_KEY, ())
        object.__setattr__(self, "_values", dict(zip(FACT_KEYS, _read_facts(self), strict=True)))

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, object]) -> Self:
        """Build intake facts from JSON-like data, naming every bad field in one FactsError."""
        values = mapping
        if isinstance(mapping, Mapping) and ENCOUNTER_DATE_KEY in mapping:
            values = {**mapping, ENCOUNTER_DATE_KEY: _parse_date(mapping[ENCOUNTER_DATE_KEY])}
        known = _read_mapping(
            values, allowed=FACT_KEYS, required=REQUIRED_INTAKE_KEYS, checks=_INTAKE_CHECKS
        )
        return cls(**known)

    def with_visit(self, visit: VisitFacts) -> FactsAtVisit:
        """Return the facts at a visit: these, overridden by whatever the visit answers."""
        values = self._values | visit._answers
        values["days_since_onset"] = self.days_since_onset + visit.day
        values["pain_score"] = visit.pain_score
        values["muscle_relaxant_days"] = visit.muscle_relaxant_days
        if visit.age is not None:
            values["age"] = visit.age
        return FactsAtVisit(values)

    def to_dict(self) -> dict[str, object]:
        """Return the facts as JSON-ready data that from_mapping reads back."""
        data: dict[str, object] = {key: getattr(self, key) for key in INTAKE_KEYS}
        data[CLEARED_RED_FLAGS_KEY] = list(self.cleared_red_flags)
        if self.encounter_date is not None:
            data[ENCOUNTER_DATE_KEY] = self.encounter_date.isoformat()
        return data


@dataclass(frozen=True, slots=True, kw_only=True)
class VisitFacts:
    """The facts a follow-up visit collects (decision table section 5), checked on construction.

    `day`, `pain_score` and `global_change` are required; `muscle_relaxant_days` is always the
    visit's own (None: no relaxant taken now); `age` is None when the intake's age stands. Any
    other intake question the visit asks again overrides the intake's answer; a question left
    UNANSWERED keeps it.
    """

    day: int
    pain_score: int
    global_change: int
    muscle_relaxant_days: int | None = None
    activity_scores: tuple[int, ...] = field(default=())
    age: int | None = None
    muscle_spasm: bool | Unanswered = UNANSWERED
    neuropathic_features: bool | Unanswered = UNANSWERED
    declines_neck_manipulation: bool | Unanswered = UNANSWERED
    muscle_relaxant_name: str | Unanswered | None = UNANSWERED
    muscle_relaxant_other_condition: bool | Unanswered = UNANSWERED
    progressive_neuro_deficit: bool | Unanswered = UNANSWERED
    bowel_bladder_dysfunction: bool | Unanswered = UNANSWERED
    cervical_arterial_signs: bool | Unanswered = UNANSWERED
    myelopathy_signs: bool | Unanswered = UNANSWERED
    fever: bool | Unanswered = UNANSWERED
    recent_bloodstream_infection: bool | Unanswered = UNANSWERED
    malignancy_history: bool | Unanswered = UNANSWERED
    iv_drug_use: bool | Unanswered = UNANSWERED
    immunosuppression: bool | Unanswered = UNANSWERED
    unexplained_weight_loss: bool | Unanswered = UNANSWERED
    night_pain: bool | Unanswered = UNANSWERED
    significant_trauma: bool | Unanswered = UNANSWERED
    osteoporosis: bool | Unanswered = UNANSWERED
    chronic_steroid_use: bool | Unanswered = UNANSWERED
    gi_bleed_or_ulcer: bool | Unanswered = UNANSWERED
    severe_kidney_disease: bool | Unanswered = UNANSWERED
    heart_failure: bool | Unanswered = UNANSWERED
    cardiovascular_disease: bool | Unanswered = UNANSWERED
    recent_myocardial_infarction: bool | Unanswered = UNANSWERED
    arrhythmia_or_heart_block: bool | Unanswered = UNANSWERED
    hyperthyroidism: bool | Unanswered = UNANSWERED
    liver_disease: bool | Unanswered = UNANSWERED
    narrow_angle_glaucoma: bool | Unanswered = UNANSWERED
    nsaid_allergy_or_asthma: bool | Unanswered = UNANSWERED
    inflammatory_arthritis: bool | Unanswered = UNANSWERED
    previous_neck_surgery: bool | Unanswered = UNANSWERED
    bleeding_disorder: bool | Unanswered = UNANSWERED
    uncontrolled_hypertension: bool | Unanswered = UNANSWERED
    pregnancy_weeks: int | Unanswered | None = UNANSWERED
    breastfeeding: bool | Unanswered = UNANSWERED
    heavy_alcohol_use: bool | Unanswered = UNANSWERED
    takes_anticoagulant: bool | Unanswered = UNANSWERED
    takes_antiplatelet: bool | Unanswered = UNANSWERED
    takes_maoi: bool | Unanswered = UNANSWERED
    takes_serotonergic_drug: bool | Unanswered = UNANSWERED
    takes_sedating_medicine: bool | Unanswered = UNANSWERED
    takes_cyp1a2_inhibitor: bool | Unanswered = UNANSWERED
    cleared_red_flags: tuple[str, ...] | Unanswered = UNANSWERED
    # The questions answered again, kept at construction.
    _answers: dict[str, object] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        checked = (
            (key, value)
            for key in VISIT_KEYS
            if not ((value := getattr(self, key)) is UNANSWERED or (key == "age" and value is None))
        )
        errors = _problems(checked, _VISIT_CHECKS)
        errors |= _relaxant_problems(
            self.muscle_relaxant_days,
            self.muscle_relaxant_name,
            self.muscle_relaxant_other_condition,
            errors,
        )
        if errors:
            raise FactsError(_in_order(errors, VISIT_KEYS))
        # Frozen and hashable: lists become tuples.
        if type(self.activity_scores) is not tuple:
            object.__setattr__(self, "activity_scores", tuple(self.activity_scores))
        if self.cleared_red_flags is not UNANSWERED:
            object.__setattr__(self, CLEARED_RED_FLAGS_KEY, _table_order(self.cleared_red_flags))
        answers = {
            key: value
            for key, value in zip(VISIT_ANSWER_KEYS, _read_answers(self), strict=True)
            if value is not UNANSWERED
        }
        object.__setattr__(self, "_answers", answers)

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, object]) -> Self:
        """Build visit facts from JSON-like data, naming every bad field in one FactsError."""
        known = _read_mapping(
            mapping, allowed=VISIT_KEYS, required=REQUIRED_VISIT_KEYS, checks=_VISIT_CHECKS
        )
        return cls(**known)

    def answers(self) -> dict[str, object]:
        """Return the intake questions this visit answered again, with their answers."""
        return dict(self._answers)

    def to_dict(self) -> dict[str, object]:
        """Return the facts as JSON-ready data that from_mapping reads back."""
        data: dict[str, object] = {
            "day": self.day,
            "pain_score": self.pain_score,
            "muscle_relaxant_days": self.muscle_relaxant_days,
            "global_change": self.global_change,
            "activity_scores": list(self.activity_scores),
        }
        if self.age is not None:
            data["age"] = self.age
        answers = self.answers()
        if CLEARED_RED_FLAGS_KEY in answers:
            answers[CLEARED_RED_FLAGS_KEY] = list(answers[CLEARED_RED_FLAGS_KEY])
        return data | answers


class FactsAtVisit:
    """The facts the rules read at a visit: the intake's, overridden by the visit's answers.

    Built only from facts already checked (an IntakeFacts and a VisitFacts), so it is not
    checked again; it has the attributes of IntakeFacts.
    """

    def __init__(self, values: dict[str, object]) -> None:
        self.__dict__.update(values)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"facts at a visit are read-only: {name}")

    def __repr__(self) -> str:
        return f"FactsAtVisit({self.__dict__!r})"


_read_facts = operator.attrgetter(*FACT_KEYS)
_read_answers = operator.attrgetter(*VISIT_ANSWER_KEYS)
