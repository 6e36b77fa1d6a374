"""The wording of the skeletal muscle relaxant cards: start, continue, stop, review, withheld,
caution.

The reasons not to take a relaxant depend on the drug (decision table section 3.3); a relaxant
that is not named, or is "other", is checked against cyclobenzaprine's list, the strictest.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from functools import lru_cache

from triage.guideline.plan import Recommendation
from triage.guideline.text import (
    ACP_2017,
    BACLOFEN_LABEL,
    BEERS_2023,
    CYCLOBENZAPRINE_LABEL,
    TIZANIDINE_LABEL,
    day_and_month,
    join_reasons,
    make,
    plural_days,
)
from triage.guideline.thresholds import OLDER_ADULT_AGE, RELAXANT_MAX_DAYS

Reasons = Mapping[str, tuple[str, tuple[str, ...]]]

_BEERS_OLDER_ADULT = (
    f"age {OLDER_ADULT_AGE} or over (the Beers Criteria advise avoiding this muscle relaxant in "
    "older adults: drowsiness, confusion, falls and fractures)",
    (BEERS_2023,),
)
_CYCLOBENZAPRINE_REASONS: Reasons = {
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
        "a heart attack in the last 3 months (the recovery phase after a heart attack)",
        (CYCLOBENZAPRINE_LABEL,),
    ),
    "heart_failure": ("heart failure", (CYCLOBENZAPRINE_LABEL,)),
    "liver_disease": (
        "liver disease (cyclobenzaprine builds up in the body)",
        (CYCLOBENZAPRINE_LABEL,),
    ),
    "older_adult": _BEERS_OLDER_ADULT,
}
# The reasons not to take each relaxant, in the table's order, with their wording.
RELAXANT_REASONS: Mapping[str, Reasons] = {
    "cyclobenzaprine": _CYCLOBENZAPRINE_REASONS,
    "methocarbamol": {"older_adult": _BEERS_OLDER_ADULT},
    "tizanidine": {
        "liver_disease": (
            "liver disease (tizanidine can damage the liver)",
            (TIZANIDINE_LABEL,),
        ),
        "takes_cyp1a2_inhibitor": (
            "fluvoxamine or ciprofloxacin (they raise tizanidine levels sharply: the label rules "
            "the combination out)",
            (TIZANIDINE_LABEL,),
        ),
    },
    "baclofen": {
        "severe_kidney_disease": (
            "severe kidney disease (baclofen builds up and can cause drowsiness and confusion; "
            "the Beers Criteria advise avoiding it with reduced kidney function)",
            (BEERS_2023,),
        ),
    },
}
RELAXANT_REASON_KEYS: Mapping[str | None, tuple[str, ...]] = {
    **{name: tuple(reasons) for name, reasons in RELAXANT_REASONS.items()},
    "other": tuple(_CYCLOBENZAPRINE_REASONS),
    None: tuple(_CYCLOBENZAPRINE_REASONS),
}

CAUTION_REASONS: Reasons = {
    "takes_serotonergic_drug": (
        "a serotonin-acting medicine (an SSRI, SNRI, tricyclic, tramadol or similar): together "
        "they can cause serotonin syndrome, so explain the warning signs (agitation, confusion, "
        "fast heartbeat, sweating, shaking, muscle twitching, fever) and advise stopping the "
        "relaxant and seeking care at once if they appear",
        (CYCLOBENZAPRINE_LABEL,),
    ),
    "narrow_angle_glaucoma": (
        "narrow-angle glaucoma (an atropine-like action can raise the pressure in the eye)",
        (CYCLOBENZAPRINE_LABEL,),
    ),
    "heavy_alcohol_use": (
        "heavy drinking (alcohol adds to the drowsiness)",
        (CYCLOBENZAPRINE_LABEL,),
    ),
    "takes_sedating_medicine": (
        "a sedating medicine such as an opioid, a benzodiazepine, gabapentin, pregabalin or "
        "sleeping tablets (together they add to the drowsiness)",
        (CYCLOBENZAPRINE_LABEL,),
    ),
    "pregnancy_weeks": (
        "pregnancy (little is known about safety in pregnancy: only if clearly needed)",
        (CYCLOBENZAPRINE_LABEL,),
    ),
    "breastfeeding": (
        "breastfeeding (little is known about safety while breastfeeding: only if clearly needed)",
        (CYCLOBENZAPRINE_LABEL,),
    ),
}

_DRIVING = (
    "Drowsiness, dizziness and dry mouth are common: the patient does not drive or use machines "
    "until they know how it affects them, and avoids alcohol."
)
_LIMIT = (
    f"The {RELAXANT_MAX_DAYS}-day limit is this product's choice, following S1; it is stricter "
    "than the cyclobenzaprine label, which advises against use beyond 2 to 3 weeks."
)
_TAPER = {
    "tizanidine": (
        "Tizanidine is reduced gradually with the prescriber, not stopped at once: stopping it "
        "suddenly can cause a rebound rise in blood pressure and heart rate.",
        (TIZANIDINE_LABEL,),
    ),
    "baclofen": (
        "Baclofen is reduced gradually with the prescriber, not stopped at once: stopping it "
        "suddenly can cause hallucinations and seizures.",
        (BACLOFEN_LABEL,),
    ),
}
_TAPER_ANY = (
    "Tizanidine and baclofen are reduced gradually with the prescriber, not stopped at once: "
    "stopping them suddenly can be dangerous.",
    (TIZANIDINE_LABEL, BACLOFEN_LABEL),
)
_UNNAMED = (
    " The relaxant is not one of the four this product names, so the strictest list of reasons "
    "(cyclobenzaprine's) is used."
)


def drug_name(name: str | None) -> str:
    """The relaxant as a sentence names it."""
    if name in RELAXANT_REASONS:
        return name
    return "the muscle relaxant being taken"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _taper(name: str | None) -> tuple[str, tuple[str, ...]]:
    return _TAPER.get(name or "", _TAPER_ANY)


def last_dose(days_taken: int, encounter_date: datetime.date | None) -> str:
    """Write the last dose of a 14-day course (days 0 to 13), `days_taken` whole days after the
    first dose: encounter date + (13 - days taken)."""
    left = RELAXANT_MAX_DAYS - 1 - days_taken
    when = "today" if left == 0 else f"{plural_days(left)} from today"
    if encounter_date is None:
        return (
            f"last dose on day {RELAXANT_MAX_DAYS} of the course, {when} (no encounter date was "
            "recorded, so the calendar date cannot be given)"
        )
    last = encounter_date + datetime.timedelta(days=left)
    after = last + datetime.timedelta(days=1)
    return (
        f"last dose on {day_and_month(last)} (day {RELAXANT_MAX_DAYS} of the course), {when}; "
        f"from {day_and_month(after)} no more doses"
    )


@lru_cache(maxsize=512)
def muscle_relaxant(encounter_date: datetime.date | None) -> Recommendation:
    """Return MUSCLE_RELAXANT: cyclobenzaprine started today, with its last dose written out."""
    return make(
        "MUSCLE_RELAXANT",
        f"Severe pain with spasm: a short course of the muscle relaxant cyclobenzaprine, "
        f"{RELAXANT_MAX_DAYS} days at most, is an option.",
        "Consider cyclobenzaprine 5 mg by mouth three times a day, as an add-on to the exercise "
        f"and physical therapy plan, for no more than {RELAXANT_MAX_DAYS} days in total: "
        f"{last_dose(0, encounter_date)}. {_DRIVING} {_LIMIT}",
        (CYCLOBENZAPRINE_LABEL, ACP_2017, "S1", "S4"),
    )


@lru_cache(maxsize=1024)
def muscle_relaxant_continue(
    name: str | None, days_taken: int, encounter_date: datetime.date | None
) -> Recommendation:
    """Return MUSCLE_RELAXANT_CONTINUE for a relaxant taken for this pain, course not complete."""
    drug = drug_name(name)
    if days_taken == 0:
        taken = f"{_sentence(drug)} was started today (day 1 of the course)."
    else:
        taken = (
            f"{_sentence(drug)} has been taken for {plural_days(days_taken)} (today is day "
            f"{days_taken + 1} of the course)."
        )
    taper = f" {_TAPER[name][0]}" if name in _TAPER else ""
    return make(
        "MUSCLE_RELAXANT_CONTINUE",
        f"The muscle relaxant already being taken may continue to day {RELAXANT_MAX_DAYS} of its "
        "course at most; no second relaxant.",
        f"{taken} It may continue to the end of the {RELAXANT_MAX_DAYS}-day course at most: "
        f"{last_dose(days_taken, encounter_date)}. Do not add a second muscle relaxant.{taper} "
        f"{_DRIVING} {_LIMIT}",
        (
            *(_TAPER[name][1] if name in _TAPER else ()),
            CYCLOBENZAPRINE_LABEL,
            ACP_2017,
            "S1",
            "S4",
        ),
    )


@lru_cache(maxsize=1024)
def muscle_relaxant_stop(
    name: str | None, days_taken: int, reasons: tuple[str, ...]
) -> Recommendation:
    """Return MUSCLE_RELAXANT_STOP: the course is complete, or a reason not to take that drug."""
    drug = drug_name(name)
    complete = days_taken >= RELAXANT_MAX_DAYS
    named, sources = join_reasons(
        reasons, RELAXANT_REASONS.get(name or "", _CYCLOBENZAPRINE_REASONS)
    )
    if complete:
        summary = (
            f"The {RELAXANT_MAX_DAYS}-day muscle relaxant course is complete: stopping it is "
            "advised, as longer use adds risk, not benefit."
        )
        past = "complete" if days_taken == RELAXANT_MAX_DAYS else "complete, and past it"
        why = (
            f"{_sentence(drug)} has been taken for {plural_days(days_taken)}: the "
            f"{RELAXANT_MAX_DAYS}-day course is {past}. There is no evidence of benefit beyond 1 "
            "to 2 weeks, and side effects such as drowsiness, dizziness and falls become more "
            "likely. Consider stopping it now and relying on the exercise and therapy plan."
        )
        if reasons:
            why += f" It is also not advised for this patient because of: {named}."
    else:
        summary = (
            "Stopping the muscle relaxant being taken is advised: a safety reason applies to this "
            "patient."
        )
        why = (
            f"{_sentence(drug)} (taken for {plural_days(days_taken)}) is not advised for this "
            f"patient because of: {named}. Consider stopping it now, before the course would "
            "end, and relying on the exercise and therapy plan."
        )
    if reasons and name not in RELAXANT_REASONS:
        why += _UNNAMED
    taper, taper_sources = _taper(name)
    return make(
        "MUSCLE_RELAXANT_STOP",
        summary,
        f"{why} {taper} Until it is stopped, the patient does not drive or use machines if it "
        f"makes them drowsy. {_LIMIT}",
        (*sources, *taper_sources, CYCLOBENZAPRINE_LABEL, "S1"),
    )


@lru_cache(maxsize=512)
def muscle_relaxant_review(name: str | None, reasons: tuple[str, ...]) -> Recommendation:
    """Return MUSCLE_RELAXANT_REVIEW for a relaxant taken long term for another condition."""
    drug = drug_name(name)
    named, sources = join_reasons(
        reasons, RELAXANT_REASONS.get(name or "", _CYCLOBENZAPRINE_REASONS)
    )
    review = f" Review it with its prescriber because of: {named}." if reasons else ""
    if reasons and name not in RELAXANT_REASONS:
        review += _UNNAMED
    return make(
        "MUSCLE_RELAXANT_REVIEW",
        "Taken long term for another condition: the muscle relaxant is kept as prescribed, and "
        "no second relaxant is added.",
        f"{_sentence(drug)} is taken long term for another condition, not for this pain: the "
        "patient keeps taking it as prescribed (stopping baclofen or tizanidine suddenly is "
        f"dangerous), and the {RELAXANT_MAX_DAYS}-day limit does not apply. Do not add a second "
        f"muscle relaxant.{review} If it makes the patient drowsy, they do not drive or use "
        "machines.",
        (*sources, BACLOFEN_LABEL, TIZANIDINE_LABEL, "S1"),
    )


@lru_cache(maxsize=256)
def muscle_relaxant_withheld(reasons: tuple[str, ...]) -> Recommendation:
    """Return MUSCLE_RELAXANT_WITHHELD naming the reasons not to start cyclobenzaprine."""
    named, sources = join_reasons(reasons, _CYCLOBENZAPRINE_REASONS)
    return make(
        "MUSCLE_RELAXANT_WITHHELD",
        "A muscle relaxant (cyclobenzaprine) is not suggested for this patient because of safety "
        "concerns.",
        f"Cyclobenzaprine is not suggested because of: {named}. The exercise and physical "
        "therapy plan remains the main treatment for the spasm.",
        (*sources, "S1"),
    )


@lru_cache(maxsize=1024)
def muscle_relaxant_caution(name: str | None, reasons: tuple[str, ...]) -> Recommendation:
    """Return MUSCLE_RELAXANT_CAUTION for the relaxant started (cyclobenzaprine) or continued."""
    named, sources = join_reasons(reasons, CAUTION_REASONS)
    return make(
        "MUSCLE_RELAXANT_CAUTION",
        "If the muscle relaxant is used, this patient needs extra care; each reason is named in "
        "the detail.",
        f"Extra care with {drug_name(name)} because of: {named}. These are warnings on the "
        "cyclobenzaprine label, applied here to any muscle relaxant the plan starts or "
        f"continues. {_DRIVING}",
        sources,
    )
