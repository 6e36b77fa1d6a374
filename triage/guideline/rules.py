"""The decision table (decision-table.md sections 2-5) as pure functions of frozen facts."""

from __future__ import annotations

from triage.guideline import medicine_text as med
from triage.guideline import text
from triage.guideline.facts import (
    AGE_DEPENDENT_RED_FLAGS,
    RED_FLAG_AGE_OVER,
    RED_FLAG_KEYS,
    IntakeFacts,
    VisitFacts,
)
from triage.guideline.plan import (
    CODE_RANK,
    CarePlan,
    EpisodeStatus,
    FollowUpAssessment,
    Pathway,
    Recommendation,
)

RULESET_VERSION = "2026.11-1"

SEVERE_PAIN = 7  # pain_score >= 7
CHRONIC_DAYS = 84  # 12 weeks
OLDER_ADULT_AGE = 65  # age >= 65
RELAXANT_MAX_DAYS = text.RELAXANT_MAX_DAYS
NSAID_PREGNANCY_WEEKS = 20
RESOLVED_PAIN = 1  # pain_score <= 1
REASSESS_DAY = 42
PERSISTENT_DAY = 56

# Conditions in the table's order, so the reasons read in the table's order.
_NSAID_WITHHOLD_KEYS = (
    "gi_bleed_or_ulcer",
    "severe_kidney_disease",
    "heart_failure",
    "nsaid_allergy_or_asthma",
    "takes_anticoagulant",
)
_RELAXANT_WITHHOLD_KEYS = (
    "takes_maoi",
    "hyperthyroidism",
    "arrhythmia_or_heart_block",
    "recent_myocardial_infarction",
    "heart_failure",
    "liver_disease",
)
_DULOXETINE_WITHHOLD_KEYS = (
    "takes_maoi",
    "liver_disease",
    "severe_kidney_disease",
    "narrow_angle_glaucoma",
)
_UNCONDITIONAL_RED_FLAGS = tuple(k for k in RED_FLAG_KEYS if k not in AGE_DEPENDENT_RED_FLAGS)

_CONSERVATIVE_BASE = (
    text.NO_ROUTINE_IMAGING,
    text.EXERCISE_THERAPY,
    text.POSTURE_ERGONOMICS,
    text.AVOID_BED_REST,
    text.AVOID_SYSTEMIC_CORTICOSTEROIDS,
    text.EXPECTED_COURSE,
)


def _rank(recommendation: Recommendation) -> int:
    return CODE_RANK[recommendation.code]


def red_flags_fired(answers: IntakeFacts | VisitFacts, age: int) -> tuple[str, ...]:
    """Return the red-flag keys that count, in table order; two count only over age 65 (S2)."""
    if age > RED_FLAG_AGE_OVER:
        return tuple(key for key in RED_FLAG_KEYS if getattr(answers, key))
    return tuple(key for key in _UNCONDITIONAL_RED_FLAGS if getattr(answers, key))


def is_older_adult(facts: IntakeFacts) -> bool:
    """Return whether the patient counts as an older adult (age >= 65)."""
    return facts.age >= OLDER_ADULT_AGE


def nsaid_withhold_reasons(facts: IntakeFacts) -> tuple[str, ...]:
    """Return why an NSAID is withheld, or () when it can be offered."""
    reasons = tuple(key for key in _NSAID_WITHHOLD_KEYS if getattr(facts, key))
    weeks = facts.pregnancy_weeks
    if weeks is not None and weeks >= NSAID_PREGNANCY_WEEKS:
        reasons += ("pregnancy_weeks",)
    return reasons


def _nsaid(facts: IntakeFacts, plan: list[Recommendation]) -> bool:
    """Add the NSAID rows; return whether an NSAID is suggested."""
    withhold = nsaid_withhold_reasons(facts)
    if withhold:
        plan.append(med.nsaid_withheld(withhold))
        return False
    plan.append(med.NSAID)
    caution = tuple(
        key
        for key, applies in (
            ("older_adult", is_older_adult(facts)),
            ("cardiovascular_disease", facts.cardiovascular_disease),
            ("liver_disease", facts.liver_disease),
        )
        if applies
    )
    # Only a pregnancy under 20 weeks reaches here: 20 or more withholds the NSAID.
    weeks = facts.pregnancy_weeks
    if caution or weeks is not None:
        plan.append(med.nsaid_caution(caution, weeks))
    return True


def _muscle_relaxant(facts: IntakeFacts, plan: list[Recommendation]) -> bool:
    """Add the muscle relaxant rows; return whether cyclobenzaprine is suggested."""
    days_taken = facts.muscle_relaxant_days
    if days_taken is not None and days_taken > RELAXANT_MAX_DAYS:
        plan.append(med.muscle_relaxant_stop(days_taken))
        return False
    if not (facts.muscle_spasm and facts.pain_score >= SEVERE_PAIN):
        return False
    withhold = tuple(key for key in _RELAXANT_WITHHOLD_KEYS if getattr(facts, key))
    if is_older_adult(facts):
        withhold += ("older_adult",)
    if withhold:
        plan.append(med.muscle_relaxant_withheld(withhold))
        return False
    plan.append(med.muscle_relaxant(days_taken or 0, facts.encounter_date))
    if facts.takes_serotonergic_drug:
        plan.append(med.MUSCLE_RELAXANT_CAUTION)
    return True


def _duloxetine(
    facts: IntakeFacts,
    plan: list[Recommendation],
    *,
    relaxant: str | None,
    nsaid: str | None,
) -> None:
    """Add the duloxetine rows; relaxant/nsaid name the reason for a drug given alongside."""
    withhold = tuple(key for key in _DULOXETINE_WITHHOLD_KEYS if getattr(facts, key))
    if withhold:
        plan.append(med.duloxetine_withheld(withhold))
        return
    plan.append(med.DULOXETINE_SECOND_LINE)
    serotonin = ("takes_serotonergic_drug",) if facts.takes_serotonergic_drug else ()
    if relaxant:
        serotonin += (relaxant,)
    bleeding = ("takes_anticoagulant",) if facts.takes_anticoagulant else ()
    if nsaid:
        bleeding += (nsaid,)
    if serotonin or bleeding:
        plan.append(med.duloxetine_caution(serotonin, bleeding))


def evaluate_intake(facts: IntakeFacts) -> CarePlan:
    """Return the care plan for an intake (decision table sections 2-4)."""
    red_flags = red_flags_fired(facts, facts.age)
    if red_flags:
        return CarePlan(
            ruleset=RULESET_VERSION,
            pathway=Pathway.URGENT,
            red_flags=red_flags,
            recommendations=text.urgent_recommendations(red_flags),
            follow_ups=(),
        )
    plan = list(_CONSERVATIVE_BASE)
    plan.append(
        text.THORACIC_MANIPULATION if facts.declines_neck_manipulation else text.SPINAL_MANIPULATION
    )
    nsaid_given = _nsaid(facts, plan)
    relaxant_given = _muscle_relaxant(facts, plan)
    if facts.neuropathic_features:
        _duloxetine(
            facts,
            plan,
            relaxant="muscle_relaxant_suggested" if relaxant_given else None,
            nsaid="nsaid_suggested" if nsaid_given else None,
        )
    elif facts.days_since_onset >= CHRONIC_DAYS:
        plan.append(text.AVOID_INTERVENTIONAL_PROCEDURES)
    plan.sort(key=_rank)
    return CarePlan(
        ruleset=RULESET_VERSION,
        pathway=Pathway.CONSERVATIVE,
        red_flags=(),
        recommendations=tuple(plan),
        follow_ups=text.FOLLOW_UP_VISITS,
    )


def is_improving(baseline: int, pain_now: int) -> bool:
    """Return whether pain fell by at least 2 points and at least 30 % of the baseline."""
    drop = baseline - pain_now
    # Integer arithmetic: drop / baseline >= 0.3 without floating-point edge cases.
    return drop >= 2 and 10 * drop >= 3 * baseline


def evaluate_follow_up(intake: IntakeFacts, visit: VisitFacts) -> FollowUpAssessment:
    """Return the episode status and recommendations at a follow-up visit (section 5)."""
    red_flags = red_flags_fired(visit, intake.age)
    if red_flags:
        return FollowUpAssessment(
            ruleset=RULESET_VERSION,
            status=EpisodeStatus.ESCALATED,
            recommendations=text.urgent_recommendations(red_flags),
            red_flags=red_flags,
        )
    plan: list[Recommendation] = []
    days_taken = visit.muscle_relaxant_days
    if days_taken is not None and days_taken > RELAXANT_MAX_DAYS:
        plan.append(med.muscle_relaxant_stop(days_taken))
    resolved = visit.pain_score <= RESOLVED_PAIN
    improving = is_improving(intake.pain_score, visit.pain_score)
    if resolved:
        status = EpisodeStatus.RESOLVED
    elif visit.day >= PERSISTENT_DAY:
        status = EpisodeStatus.PERSISTENT
        plan.append(text.PERSISTENT_COURSE)
    elif improving:
        status = EpisodeStatus.IMPROVING
    else:
        status = EpisodeStatus.NOT_IMPROVING
    if not resolved and not improving and visit.day >= REASSESS_DAY:
        plan.append(text.reassess(intake.pain_score, visit.pain_score))
        if intake.neuropathic_features:
            # At a visit the relaxant that matters is one still being taken; the NSAID is the
            # intake plan's (the visit does not ask about it).
            _duloxetine(
                intake,
                plan,
                relaxant="muscle_relaxant_taken" if days_taken is not None else None,
                nsaid=None if nsaid_withhold_reasons(intake) else "nsaid_in_intake_plan",
            )
    if (
        not resolved
        and not intake.neuropathic_features
        and intake.days_since_onset + visit.day >= CHRONIC_DAYS
    ):
        plan.append(text.AVOID_INTERVENTIONAL_PROCEDURES)
    plan.sort(key=_rank)
    return FollowUpAssessment(
        ruleset=RULESET_VERSION,
        status=status,
        recommendations=tuple(plan),
        red_flags=(),
    )
