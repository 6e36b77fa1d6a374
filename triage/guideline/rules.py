"""The decision table (decision-table.md sections 2-5) as pure functions of frozen facts."""

from __future__ import annotations

from itertools import compress
from operator import attrgetter

from triage.guideline import duloxetine_text as dlx
from triage.guideline import nsaid_text as nsaid
from triage.guideline import relaxant_text as relaxant
from triage.guideline import text
from triage.guideline.facts import (
    AGE_DEPENDENT_RED_FLAGS,
    RED_FLAG_KEYS,
    FactsAtVisit,
    IntakeFacts,
    VisitFacts,
)
from triage.guideline.plan import (
    CODE_RANK,
    CarePlan,
    EpisodeStatus,
    EscalationPriority,
    FollowUpAssessment,
    Pathway,
    Recommendation,
)
from triage.guideline.thresholds import (
    CHRONIC_DAYS,
    DULOXETINE_EARLY_DAYS,
    DULOXETINE_YOUNG_ADULT_AGE,
    IMPROVING_PERCENT,
    IMPROVING_POINTS,
    NSAID_PREGNANCY_WEEKS,
    OLDER_ADULT_AGE,
    PERSISTENT_DAY,
    REASSESS_DAY,
    RECENT_TRAUMA_DAYS,
    RED_FLAG_AGE_OVER,
    RELAXANT_MAX_DAYS,
    RESOLVED_PAIN,
    SEVERE_PAIN,
)

RULESET_VERSION = "2026.11-2"
# The rules read intake facts, or the facts at a visit (the intake's, overridden by the visit).
Facts = IntakeFacts | FactsAtVisit

__all__ = [
    "CHRONIC_DAYS",
    "NSAID_PREGNANCY_WEEKS",
    "OLDER_ADULT_AGE",
    "PERSISTENT_DAY",
    "REASSESS_DAY",
    "RELAXANT_MAX_DAYS",
    "RESOLVED_PAIN",
    "RULESET_VERSION",
    "SEVERE_PAIN",
    "emergency_reasons",
    "evaluate_follow_up",
    "evaluate_intake",
    "is_improving",
    "red_flags_fired",
]

# Conditions in the table's order, so the reasons read in the table's order.
_EMERGENCY_TIER = (
    "progressive_neuro_deficit",
    "bowel_bladder_dysfunction",
    "cervical_arterial_signs",
)
_INFECTION_RISK = ("fever", "recent_bloodstream_infection", "iv_drug_use", "immunosuppression")
_MANIPULATION_WITHHOLD_KEYS = (
    "inflammatory_arthritis",
    "previous_neck_surgery",
    "osteoporosis",
    "takes_anticoagulant",
    "bleeding_disorder",
    "chronic_steroid_use",
)
_NSAID_WITHHOLD_KEYS = (
    "gi_bleed_or_ulcer",
    "severe_kidney_disease",
    "heart_failure",
    "recent_myocardial_infarction",
    "bleeding_disorder",
    "nsaid_allergy_or_asthma",
    "takes_anticoagulant",
)
# NSAID caution reasons after age, heart, liver and pregnancy, in the table's order.
_NSAID_CAUTION_KEYS = (
    "takes_serotonergic_drug",
    "chronic_steroid_use",
    "takes_antiplatelet",
    "heavy_alcohol_use",
)
# Stomach-bleeding risk factors after age (NICE CKS), in the table's order.
_STOMACH_RISK_KEYS = (
    "takes_serotonergic_drug",
    "chronic_steroid_use",
    "takes_antiplatelet",
    "heavy_alcohol_use",
    "cardiovascular_disease",
    "liver_disease",
)
_DULOXETINE_WITHHOLD_KEYS = (
    "takes_maoi",
    "liver_disease",
    "severe_kidney_disease",
    "narrow_angle_glaucoma",
    "heavy_alcohol_use",
    "uncontrolled_hypertension",
    "takes_cyp1a2_inhibitor",
)
_DULOXETINE_BLEEDING_KEYS = (
    "takes_anticoagulant",
    "takes_antiplatelet",
    "gi_bleed_or_ulcer",
    "bleeding_disorder",
)
_RELAXANT_CAUTION_KEYS = (
    "takes_serotonergic_drug",
    "narrow_angle_glaucoma",
    "heavy_alcohol_use",
    "takes_sedating_medicine",
)

_CONSERVATIVE_BASE = (
    text.NO_ROUTINE_IMAGING,
    text.EXERCISE_THERAPY,
    text.POSTURE_ERGONOMICS,
    text.SUPERFICIAL_HEAT,
    text.AVOID_BED_REST,
    text.AVOID_SYSTEMIC_CORTICOSTEROIDS,
    text.EXPECTED_COURSE,
)


def _rank(recommendation: Recommendation) -> int:
    return CODE_RANK[recommendation.code]


_READERS: dict[tuple[str, ...], attrgetter] = {}


def _present(facts: Facts, keys: tuple[str, ...]) -> tuple[str, ...]:
    """Return the keys answered yes, in the order given (two keys or more)."""
    read = _READERS.get(keys)
    if read is None:
        read = _READERS[keys] = attrgetter(*keys)
    return tuple(compress(keys, read(facts)))


# --- Section 2: derived facts ----------------------------------------------------------------


def red_flags_fired(facts: Facts) -> tuple[str, ...]:
    """Return the red flags that fired, in table order: answered yes, not cleared, and, for
    osteoporosis and long-term steroids, only over age 65 (S2)."""
    answered = _present(facts, RED_FLAG_KEYS)
    if not answered:
        return answered
    counts_by_age = facts.age > RED_FLAG_AGE_OVER
    cleared = facts.cleared_red_flags
    return tuple(
        key
        for key in answered
        if key not in cleared and (counts_by_age or key not in AGE_DEPENDENT_RED_FLAGS)
    )


def emergency_reasons(facts: Facts, fired: tuple[str, ...]) -> tuple[str, ...]:
    """Return why the fired red flags make an emergency (section 2), or () when they do not."""
    reasons = [key for key in _EMERGENCY_TIER if key in fired]
    if "significant_trauma" in fired and facts.days_since_onset <= RECENT_TRAUMA_DAYS:
        reasons.append("significant_trauma")
    # neuropathic_features is not a red flag: it counts as answered (reading rule 2).
    nerve = facts.neuropathic_features or "myelopathy_signs" in fired
    if nerve and "malignancy_history" in fired:
        reasons.append("cancer_with_nerve_symptoms")
    if nerve and any(key in fired for key in _INFECTION_RISK):
        reasons.append("infection_with_nerve_symptoms")
    return tuple(reasons)


def is_older_adult(facts: Facts) -> bool:
    """Return whether the patient counts as an older adult for the medicine rules (>= 65)."""
    return facts.age >= OLDER_ADULT_AGE


def _escalation_cards(
    fired: tuple[str, ...], reasons: tuple[str, ...]
) -> tuple[Recommendation, ...]:
    if reasons:
        tier = {
            *_EMERGENCY_TIER,
            *(("significant_trauma",) if "significant_trauma" in reasons else ()),
        }
        # The card names the emergency tier first; the output list keeps the table's order.
        ordered = tuple(k for k in fired if k in tier) + tuple(k for k in fired if k not in tier)
        first = text.emergency_referral(ordered, reasons, "cervical_arterial_signs" in fired)
    else:
        first = text.urgent_evaluation(fired)
    infection = tuple(key for key in text.INFECTION_FLAGS if key in fired)
    if infection:
        return (first, text.infection_workup(infection))
    return (first,)


# --- Section 3.3: the conservative plan ------------------------------------------------------


def nsaid_withhold_reasons(facts: Facts) -> tuple[str, ...]:
    """Return why an NSAID is withheld, or () when it can be offered."""
    reasons = _present(facts, _NSAID_WITHHOLD_KEYS)
    weeks = facts.pregnancy_weeks
    if weeks is not None and weeks >= NSAID_PREGNANCY_WEEKS:
        reasons += ("pregnancy_weeks",)
    return reasons


def _nsaid(facts: Facts, older: bool, plan: list[Recommendation]) -> bool:
    """Add the NSAID cards; return whether an NSAID is suggested."""
    withhold = nsaid_withhold_reasons(facts)
    if withhold:
        plan.append(
            nsaid.nsaid_withheld(
                withhold,
                _present(facts, ("liver_disease", "heavy_alcohol_use")),
                tuple(k for k in ("nsaid_allergy_or_asthma", "pregnancy_weeks") if k in withhold),
                _present(facts, ("takes_anticoagulant", "bleeding_disorder")),
            )
        )
        return False
    plan.append(nsaid.NSAID)
    # Only a pregnancy under 20 weeks reaches here: 20 or more withholds the NSAID.
    weeks = facts.pregnancy_weeks
    caution = (
        (("older_adult",) if older else ())
        + _present(facts, ("cardiovascular_disease", "liver_disease"))
        + (("pregnancy_weeks",) if weeks is not None else ())
        + _present(facts, _NSAID_CAUTION_KEYS)
    )
    if caution:
        plan.append(nsaid.nsaid_caution(caution, weeks))
    stomach = (("older_adult",) if older else ()) + _present(facts, _STOMACH_RISK_KEYS)
    if stomach:
        plan.append(nsaid.nsaid_gastroprotection(stomach))
    return True


def relaxant_reasons(facts: Facts, name: str | None, older: bool) -> tuple[str, ...]:
    """Return the reasons not to take the named relaxant (None or "other": cyclobenzaprine's)."""
    return tuple(
        key
        for key in relaxant.RELAXANT_REASON_KEYS[name]
        if (older if key == "older_adult" else getattr(facts, key))
    )


def _relaxant_cautions(facts: Facts) -> tuple[str, ...]:
    cautions = _present(facts, _RELAXANT_CAUTION_KEYS)
    if facts.pregnancy_weeks is not None:
        cautions += ("pregnancy_weeks",)
    if facts.breastfeeding:
        cautions += ("breastfeeding",)
    return cautions


def _starts_relaxant(facts: Facts, older: bool) -> bool:
    """Return whether a plan on these facts would start cyclobenzaprine."""
    return (
        facts.muscle_relaxant_days is None
        and facts.muscle_spasm
        and facts.pain_score >= SEVERE_PAIN
        and not relaxant_reasons(facts, None, older)
    )


def _relaxant_taken(
    facts: Facts, older: bool, plan: list[Recommendation], *, at_visit: bool
) -> str | None:
    """Add the cards for a relaxant being taken; return the duloxetine reason it gives."""
    days = facts.muscle_relaxant_days
    if days is None:
        return None
    name = facts.muscle_relaxant_name
    reasons = relaxant_reasons(facts, name, older)
    if facts.muscle_relaxant_other_condition:
        # Never stopped, and no caution card beside it (reading rule 5).
        if reasons or not at_visit:
            plan.append(relaxant.muscle_relaxant_review(name, reasons))
        return "muscle_relaxant_long_term"
    if days >= RELAXANT_MAX_DAYS or reasons:
        plan.append(relaxant.muscle_relaxant_stop(name, days, reasons))
        return "muscle_relaxant_to_stop"
    if not at_visit:
        plan.append(relaxant.muscle_relaxant_continue(name, days, facts.encounter_date))
        cautions = _relaxant_cautions(facts)
        if cautions:
            plan.append(relaxant.muscle_relaxant_caution(name, cautions))
    return "muscle_relaxant_taken"


def _muscle_relaxant(facts: Facts, older: bool, plan: list[Recommendation]) -> str | None:
    """Add the relaxant cards of an intake; return the duloxetine reason they give, if any."""
    if facts.muscle_relaxant_days is not None:
        return _relaxant_taken(facts, older, plan, at_visit=False)
    if not (facts.muscle_spasm and facts.pain_score >= SEVERE_PAIN):
        return None
    withhold = relaxant_reasons(facts, None, older)
    if withhold:
        plan.append(relaxant.muscle_relaxant_withheld(withhold))
        return None
    plan.append(relaxant.muscle_relaxant(facts.encounter_date))
    cautions = _relaxant_cautions(facts)
    if cautions:
        plan.append(relaxant.muscle_relaxant_caution("cyclobenzaprine", cautions))
    return "muscle_relaxant_suggested"


def _duloxetine(
    facts: Facts,
    older: bool,
    plan: list[Recommendation],
    *,
    serotonin_from: tuple[str, ...],
    nsaid_reason: str | None,
) -> None:
    """Add the duloxetine cards; the reasons name a relaxant or NSAID given or taken alongside."""
    withhold = _present(facts, _DULOXETINE_WITHHOLD_KEYS)
    if withhold:
        plan.append(dlx.duloxetine_withheld(withhold))
        return
    plan.append(dlx.duloxetine_second_line(facts.days_since_onset < DULOXETINE_EARLY_DAYS))
    serotonin = ("takes_serotonergic_drug",) if facts.takes_serotonergic_drug else ()
    serotonin += serotonin_from
    bleeding = _present(facts, _DULOXETINE_BLEEDING_KEYS)
    if nsaid_reason:
        bleeding += (nsaid_reason,)
    others: tuple[str, ...] = ()
    if facts.age <= DULOXETINE_YOUNG_ADULT_AGE:
        others += ("young_adult",)
    if older:
        others += ("older_adult",)
    if facts.pregnancy_weeks is not None:
        others += ("pregnancy_weeks",)
    if facts.breastfeeding:
        others += ("breastfeeding",)
    if serotonin or bleeding or others:
        named = facts.muscle_relaxant_name
        taken = any(key in dlx.RELAXANT_TAKEN_KEYS for key in serotonin)
        name = named if taken and named in relaxant.RELAXANT_REASONS else None
        plan.append(dlx.duloxetine_caution(serotonin, bleeding, others, name))


def _manipulation(facts: Facts) -> Recommendation:
    # Clearing changes only red-flag status: a cleared osteoporosis still counts here (rule 3).
    withhold = _present(facts, _MANIPULATION_WITHHOLD_KEYS)
    if withhold:
        return text.manipulation_withheld(withhold)
    if facts.declines_neck_manipulation:
        return text.THORACIC_MANIPULATION
    return text.SPINAL_MANIPULATION


def evaluate_intake(facts: Facts) -> CarePlan:
    """Return the care plan for an intake (decision table sections 2-4)."""
    fired = red_flags_fired(facts)
    if fired:
        reasons = emergency_reasons(facts, fired)
        return CarePlan(
            ruleset=RULESET_VERSION,
            pathway=Pathway.EMERGENCY if reasons else Pathway.URGENT,
            red_flags=fired,
            recommendations=_escalation_cards(fired, reasons),
            follow_ups=(),
            cleared_red_flags=facts.cleared_red_flags,
        )
    older = is_older_adult(facts)
    plan = list(_CONSERVATIVE_BASE)
    plan.append(_manipulation(facts))
    nsaid_given = _nsaid(facts, older, plan)
    relaxant_reason = _muscle_relaxant(facts, older, plan)
    if facts.neuropathic_features:
        _duloxetine(
            facts,
            older,
            plan,
            serotonin_from=(relaxant_reason,) if relaxant_reason else (),
            nsaid_reason="nsaid_suggested" if nsaid_given else None,
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
        cleared_red_flags=facts.cleared_red_flags,
    )


# --- Section 5: follow-up visits -------------------------------------------------------------


def is_improving(baseline: int, pain_now: int) -> bool:
    """Return whether pain fell by at least 2 points and at least 30 % of the baseline."""
    drop = baseline - pain_now
    # Integer arithmetic: drop / baseline >= 0.3 without floating-point edge cases.
    return drop >= IMPROVING_POINTS and 100 * drop >= IMPROVING_PERCENT * baseline


def _episode_status(visit: VisitFacts, baseline: int) -> tuple[EpisodeStatus, bool, bool]:
    """Return the status of a visit without red flags, and whether resolved and improving."""
    resolved = visit.pain_score <= RESOLVED_PAIN
    improving = is_improving(baseline, visit.pain_score)
    if resolved:
        return EpisodeStatus.RESOLVED, resolved, improving
    if visit.day >= PERSISTENT_DAY:
        return EpisodeStatus.PERSISTENT, resolved, improving
    if improving:
        return EpisodeStatus.IMPROVING, resolved, improving
    return EpisodeStatus.NOT_IMPROVING, resolved, improving


def evaluate_follow_up(intake: IntakeFacts, visit: VisitFacts) -> FollowUpAssessment:
    """Return the episode status, the sentence explaining it, and the recommendations at a
    follow-up visit (section 5).

    `intake` holds the facts the care plan was made from (after a cleared escalation, the facts
    of the conservative plan that followed it); the visit's answers override them.
    """
    facts = intake.with_visit(visit)
    older = is_older_adult(facts)
    plan: list[Recommendation] = []
    relaxant_reason = _relaxant_taken(facts, older, plan, at_visit=True)
    fired = red_flags_fired(facts)
    if fired:
        # An escalated visit gives only the escalation and relaxant cards.
        reasons = emergency_reasons(facts, fired)
        plan.extend(_escalation_cards(fired, reasons))
        plan.sort(key=_rank)
        return FollowUpAssessment(
            ruleset=RULESET_VERSION,
            status=EpisodeStatus.ESCALATED,
            status_text=text.escalated_status(fired, bool(reasons)),
            recommendations=tuple(plan),
            red_flags=fired,
            escalation_priority=EscalationPriority.EMERGENCY
            if reasons
            else EscalationPriority.URGENT,
        )
    baseline = intake.pain_score
    status, resolved, improving = _episode_status(visit, baseline)
    if status is EpisodeStatus.PERSISTENT:
        plan.append(text.PERSISTENT_COURSE)
    if not resolved and not improving and visit.day >= REASSESS_DAY:
        plan.append(text.reassess(baseline, visit.pain_score))
        if facts.neuropathic_features:
            # "Given" at a visit means in the intake's plan (section 5).
            intake_older = is_older_adult(intake)
            intake_conservative = not red_flags_fired(intake)
            started = intake_conservative and _starts_relaxant(intake, intake_older)
            serotonin = ("muscle_relaxant_in_intake_plan",) if started else ()
            if relaxant_reason:
                serotonin += (relaxant_reason,)
            nsaid_given = intake_conservative and not nsaid_withhold_reasons(intake)
            _duloxetine(
                facts,
                older,
                plan,
                serotonin_from=serotonin,
                nsaid_reason="nsaid_in_intake_plan" if nsaid_given else None,
            )
    if not resolved and not facts.neuropathic_features and facts.days_since_onset >= CHRONIC_DAYS:
        plan.append(text.AVOID_INTERVENTIONAL_PROCEDURES)
    plan.sort(key=_rank)
    return FollowUpAssessment(
        ruleset=RULESET_VERSION,
        status=status,
        status_text=text.progress_status(
            str(status), day=visit.day, baseline=baseline, pain_now=visit.pain_score
        ),
        recommendations=tuple(plan),
        red_flags=(),
    )
