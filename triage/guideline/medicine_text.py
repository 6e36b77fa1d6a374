"""The wording of the medicine recommendations: NSAID, muscle relaxant and duloxetine."""

from __future__ import annotations

import datetime
from functools import lru_cache

from triage.guideline.plan import Recommendation
from triage.guideline.text import (
    BEERS_2023,
    CYCLOBENZAPRINE_LABEL,
    DULOXETINE_LABEL,
    NSAID_LABEL,
    NSAID_PREGNANCY,
    RELAXANT_MAX_DAYS,
    join_reasons,
    long_date,
    make,
    plural_days,
)

# Reason keys are fact keys, or a derived fact ("older_adult"), or a drug given in the same plan.
# Each maps to (plain-language reason, sources).

# --- NSAID ----------------------------------------------------------------------------------

NSAID = make(
    "NSAID",
    "An anti-inflammatory painkiller (NSAID) may be added to the physical treatments, never "
    "used on its own.",
    "Consider an NSAID such as ibuprofen or naproxen, at the lowest dose that works and for the "
    "shortest time, taken with food, as an add-on to the exercise and therapy plan rather than "
    "in place of it. It is the most effective medicine option here. Review at the day-14 visit.",
    ("S1",),
    evidence="moderate",
)

NSAID_WITHHOLD_REASONS = {
    "gi_bleed_or_ulcer": (
        "a past stomach ulcer or gut bleeding (NSAIDs can cause serious bleeding)",
        (NSAID_LABEL, BEERS_2023),
    ),
    "severe_kidney_disease": (
        "severe kidney disease (NSAIDs can reduce kidney function further)",
        (NSAID_LABEL, BEERS_2023),
    ),
    "heart_failure": (
        "heart failure (NSAIDs make the body hold salt and water, which can worsen it)",
        (NSAID_LABEL, BEERS_2023),
    ),
    "nsaid_allergy_or_asthma": (
        "a past allergy, asthma attack or hives after aspirin or another NSAID",
        (NSAID_LABEL,),
    ),
    "takes_anticoagulant": (
        "use of a blood thinner (together they raise the risk of serious bleeding)",
        (NSAID_LABEL, BEERS_2023),
    ),
    "pregnancy_weeks": (
        "pregnancy of 20 weeks or more (NSAIDs can harm the baby's kidneys and reduce the fluid "
        "around the baby)",
        (NSAID_PREGNANCY,),
    ),
}
NSAID_CAUTION_REASONS = {
    "older_adult": (
        "age 65 or over (more stomach, heart and kidney side effects)",
        (BEERS_2023, NSAID_LABEL),
    ),
    "cardiovascular_disease": (
        "heart or blood vessel disease or high blood pressure (NSAIDs raise the risk of heart "
        "attack and stroke and can raise blood pressure, so it is worth checking)",
        (NSAID_LABEL,),
    ),
    "liver_disease": (
        "liver disease (NSAIDs can harm the liver; liver tests may be checked)",
        (NSAID_LABEL,),
    ),
}


@lru_cache(maxsize=256)
def nsaid_withheld(reasons: tuple[str, ...]) -> Recommendation:
    """Return NSAID_WITHHELD naming its reasons."""
    named, sources = join_reasons(reasons, NSAID_WITHHOLD_REASONS)
    return make(
        "NSAID_WITHHELD",
        "An anti-inflammatory painkiller (NSAID) is not suggested for this patient because of "
        "safety concerns.",
        f"NSAIDs such as ibuprofen or naproxen are not suggested because of: {named}. The "
        "exercise and therapy plan remains the main treatment; the clinician may consider other "
        "pain relief.",
        sources,
    )


@lru_cache(maxsize=256)
def nsaid_caution(reasons: tuple[str, ...], pregnancy_weeks: int | None) -> Recommendation:
    """Return NSAID_CAUTION naming its reasons; pregnancy_weeks is set when pregnancy is one."""
    named, sources = join_reasons(reasons, NSAID_CAUTION_REASONS)
    if pregnancy_weeks is not None:
        pregnancy = (
            f"pregnancy at {pregnancy_weeks} weeks (NSAIDs are avoided from week 20, so any use "
            "needs to end before then)"
        )
        named = f"{named}; {pregnancy}" if named else pregnancy
        sources.append(NSAID_PREGNANCY)
    return make(
        "NSAID_CAUTION",
        "If an NSAID is used, this patient needs extra care: the lowest dose for the shortest "
        "time.",
        f"Extra care because of: {named}. If an NSAID is used, the lowest dose that works for "
        "the shortest time is advised, with a review at the day-14 visit.",
        sources,
    )


# --- Skeletal muscle relaxant ---------------------------------------------------------------

_RELAXANT_LIMIT = (
    f"The {RELAXANT_MAX_DAYS}-day limit is this product's choice, following S1; it is stricter "
    "than the cyclobenzaprine label, which advises against use beyond 2 to 3 weeks."
)
_RELAXANT_SIDE_EFFECTS = (
    "Drowsiness, dry mouth and dizziness are common: the patient is best advised not to drive "
    "or drink alcohol until they know how it affects them."
)


def _relaxant_course(days_taken: int, encounter_date: datetime.date | None) -> str:
    remaining = RELAXANT_MAX_DAYS - days_taken
    if days_taken == 0:
        taken = ""
    elif remaining == 0:
        taken = (
            f"A muscle relaxant has already been taken for {plural_days(days_taken)}, the full "
            "course, so no further days are suggested. "
        )
    else:
        taken = (
            f"A muscle relaxant has already been taken for {plural_days(days_taken)}, so the "
            f"course has at most {plural_days(remaining)} left. "
        )
    if remaining == 0:
        if encounter_date is None:
            return f"{taken}Stop today."
        return f"{taken}Stop date: today, {long_date(encounter_date)}."
    if encounter_date is None:
        return (
            f"{taken}Stop after {RELAXANT_MAX_DAYS} days (day {RELAXANT_MAX_DAYS} of the course, "
            f"{plural_days(remaining)} from this visit); no encounter date was recorded, so the "
            "calendar date cannot be given."
        )
    stop = long_date(encounter_date + datetime.timedelta(days=remaining))
    return f"{taken}Stop date: {stop}, {plural_days(remaining)} from this visit."


def _relaxant_summary(days_taken: int) -> str:
    remaining = RELAXANT_MAX_DAYS - days_taken
    if days_taken == 0:
        return (
            "Severe pain with spasm: a short course of the muscle relaxant cyclobenzaprine, 14 "
            "days at most, is an option."
        )
    if remaining == 0:
        return "The 14-day muscle relaxant course ends today: no further doses are suggested."
    return (
        "The muscle relaxant may be continued for severe pain with spasm, for at most "
        f"{plural_days(remaining)} more."
    )


@lru_cache(maxsize=512)
def muscle_relaxant(days_taken: int, encounter_date: datetime.date | None) -> Recommendation:
    """Return MUSCLE_RELAXANT with the remaining days and the stop date written out."""
    return make(
        "MUSCLE_RELAXANT",
        _relaxant_summary(days_taken),
        "Consider cyclobenzaprine 5 mg by mouth three times a day, as an add-on to the exercise "
        "and physical therapy plan, for no more than 14 days in total. "
        f"{_relaxant_course(days_taken, encounter_date)} {_RELAXANT_SIDE_EFFECTS} "
        f"{_RELAXANT_LIMIT}",
        ("S1", "S4", CYCLOBENZAPRINE_LABEL),
    )


MUSCLE_RELAXANT_WITHHOLD_REASONS = {
    "takes_maoi": (
        "an MAO inhibitor taken now or in the last 14 days (risk of a dangerous reaction with "
        "high fever and seizures)",
        (CYCLOBENZAPRINE_LABEL,),
    ),
    "hyperthyroidism": ("an overactive thyroid", (CYCLOBENZAPRINE_LABEL,)),
    "arrhythmia_or_heart_block": (
        "a heart rhythm or conduction problem (cyclobenzaprine can disturb the heart rhythm)",
        (CYCLOBENZAPRINE_LABEL,),
    ),
    "recent_myocardial_infarction": (
        "a heart attack in the last 3 months",
        (CYCLOBENZAPRINE_LABEL,),
    ),
    "heart_failure": ("heart failure", (CYCLOBENZAPRINE_LABEL,)),
    "liver_disease": (
        "liver disease (the medicine builds up in the body)",
        (CYCLOBENZAPRINE_LABEL,),
    ),
    "older_adult": (
        "age 65 or over (the Beers Criteria advise avoiding muscle relaxants in older adults: "
        "drowsiness, confusion, falls and fractures)",
        (BEERS_2023,),
    ),
}


@lru_cache(maxsize=256)
def muscle_relaxant_withheld(reasons: tuple[str, ...]) -> Recommendation:
    """Return MUSCLE_RELAXANT_WITHHELD naming its reasons."""
    named, sources = join_reasons(reasons, MUSCLE_RELAXANT_WITHHOLD_REASONS)
    return make(
        "MUSCLE_RELAXANT_WITHHELD",
        "A muscle relaxant (cyclobenzaprine) is not suggested for this patient because of safety "
        "concerns.",
        f"Cyclobenzaprine is not suggested because of: {named}. The exercise and physical "
        "therapy plan remains the main treatment for the spasm.",
        sources,
    )


MUSCLE_RELAXANT_CAUTION = make(
    "MUSCLE_RELAXANT_CAUTION",
    "Cyclobenzaprine with the patient's serotonin-acting medicine can cause serotonin syndrome; "
    "weigh this first.",
    "The patient takes a medicine that acts on serotonin (such as an SSRI, SNRI, tricyclic "
    "antidepressant or tramadol). Taken with cyclobenzaprine it can cause serotonin syndrome. If "
    "both are used, explain the warning signs (agitation, confusion, fast heartbeat, sweating, "
    "shaking, muscle twitching, fever) and advise stopping cyclobenzaprine and seeking care at "
    "once if they appear.",
    (CYCLOBENZAPRINE_LABEL,),
)


@lru_cache(maxsize=512)
def muscle_relaxant_stop(days_taken: int) -> Recommendation:
    """Return MUSCLE_RELAXANT_STOP for a relaxant taken for more than 14 days."""
    return make(
        "MUSCLE_RELAXANT_STOP",
        "The muscle relaxant has been taken for over 14 days: stopping it is advised, as longer "
        "use adds risk, not benefit.",
        f"A muscle relaxant has been taken for {plural_days(days_taken)}. There is no evidence of "
        "benefit beyond 1 to 2 weeks, and side effects such as drowsiness, dizziness and falls "
        "become more likely. Consider stopping it now and relying on the exercise and therapy "
        "plan. Some relaxants taken for weeks (tizanidine or baclofen, for example) need to be "
        "reduced gradually rather than stopped at once: check with the prescriber. "
        f"{_RELAXANT_LIMIT}",
        ("S1", CYCLOBENZAPRINE_LABEL),
    )


# --- Duloxetine -----------------------------------------------------------------------------

DULOXETINE_SECOND_LINE = make(
    "DULOXETINE_SECOND_LINE",
    "If first-line care does not help the nerve-type pain, duloxetine may be considered as a "
    "second-line option.",
    "Nerve-type symptoms were reported (pain spreading down the arm, burning, numbness or "
    "tingling). Duloxetine has no place in the first weeks: consider it only if exercise, "
    "therapy and first-line medicines have not helped enough, for example at the 6-week review. "
    "For musculoskeletal pain the label starts at 30 mg once a day for 1 week, then 60 mg once "
    "a day; it is tapered, not stopped suddenly.",
    ("S1", DULOXETINE_LABEL),
)

DULOXETINE_WITHHOLD_REASONS = {
    "takes_maoi": (
        "an MAO inhibitor taken now or in the last 14 days (risk of serotonin syndrome)",
        (DULOXETINE_LABEL,),
    ),
    "liver_disease": ("liver disease (duloxetine can cause liver failure)", (DULOXETINE_LABEL,)),
    "severe_kidney_disease": (
        "severe kidney disease (eGFR below 30)",
        (DULOXETINE_LABEL,),
    ),
    "narrow_angle_glaucoma": (
        "narrow-angle glaucoma (risk of a sudden glaucoma attack)",
        (DULOXETINE_LABEL,),
    ),
}


@lru_cache(maxsize=64)
def duloxetine_withheld(reasons: tuple[str, ...]) -> Recommendation:
    """Return DULOXETINE_WITHHELD naming its reasons."""
    named, sources = join_reasons(reasons, DULOXETINE_WITHHOLD_REASONS)
    return make(
        "DULOXETINE_WITHHELD",
        "Duloxetine is not suggested for this patient's nerve-type pain because of safety "
        "concerns.",
        f"Duloxetine is not suggested because of: {named}. If nerve-type pain does not settle "
        "with first-line care, the clinician may consider other options or a specialist opinion.",
        sources,
    )


SEROTONIN_REASONS = {
    "takes_serotonergic_drug": ("the patient takes a serotonin-acting medicine", ()),
    "muscle_relaxant_suggested": (
        "cyclobenzaprine is also suggested in this plan",
        (CYCLOBENZAPRINE_LABEL,),
    ),
    "muscle_relaxant_taken": ("a muscle relaxant is still being taken", (CYCLOBENZAPRINE_LABEL,)),
}
BLEEDING_REASONS = {
    "takes_anticoagulant": ("the patient takes a blood thinner", ()),
    "nsaid_suggested": ("an NSAID is also suggested in this plan", ()),
    "nsaid_in_intake_plan": ("an NSAID was suggested at the intake", ()),
}
_CAUTION_SUMMARIES = {
    (True, False): "Duloxetine with this patient's other medicines raises the risk of serotonin "
    "syndrome; extra care is needed.",
    (False, True): "Duloxetine with this patient's other medicines raises the risk of bleeding; "
    "extra care is needed.",
    (True, True): "Duloxetine with this patient's other medicines raises the risk of serotonin "
    "syndrome and of bleeding.",
}


@lru_cache(maxsize=64)
def duloxetine_caution(serotonin: tuple[str, ...], bleeding: tuple[str, ...]) -> Recommendation:
    """Return DULOXETINE_CAUTION naming the serotonin and bleeding reasons that apply."""
    parts, sources = [], [DULOXETINE_LABEL]
    if serotonin:
        named, more = join_reasons(serotonin, SEROTONIN_REASONS)
        parts.append(
            f"Serotonin syndrome, because {named.replace('; ', ' and ')}: explain the warning "
            "signs (agitation, confusion, fast heartbeat, sweating, shaking, fever) and advise "
            "seeking care at once if they appear."
        )
        sources.extend(more)
    if bleeding:
        named, more = join_reasons(bleeding, BLEEDING_REASONS)
        parts.append(
            f"Bleeding, because {named.replace('; ', ' and ')}: watch for easy bruising, black "
            "stools or other bleeding."
        )
        sources.extend(more)
    return make(
        "DULOXETINE_CAUTION",
        _CAUTION_SUMMARIES[bool(serotonin), bool(bleeding)],
        f"If duloxetine is used, extra care is needed. {' '.join(parts)}",
        sources,
    )
