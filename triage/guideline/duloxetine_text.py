"""The wording of the duloxetine cards: second line, withheld, and one caution naming every
reason that applies."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from triage.guideline.plan import Recommendation
from triage.guideline.text import (
    ACP_2017,
    BEERS_2023,
    CYCLOBENZAPRINE_LABEL,
    DULOXETINE_LABEL,
    NSAID_LABEL,
    join_reasons,
    make,
)
from triage.guideline.thresholds import DULOXETINE_YOUNG_ADULT_AGE, OLDER_ADULT_AGE

Reasons = Mapping[str, tuple[str, tuple[str, ...]]]

_OFF_LABEL = (
    "In the US duloxetine is not licensed for neck pain with radiating features: it is an option "
    "for the clinician to weigh."
)
_DOSE = (
    "For musculoskeletal pain the label starts at 30 mg once a day for 1 week, then 60 mg once a "
    "day; it is tapered, not stopped suddenly."
)


@lru_cache(maxsize=4)
def duloxetine_second_line(early: bool) -> Recommendation:
    """Return DULOXETINE_SECOND_LINE; `early` when the pain began less than 4 weeks ago."""
    when = (
        "It is for pain that persists beyond 4 to 6 weeks, not for now: consider it only if "
        "exercise, therapy and first-line medicines have not helped enough by then."
        if early
        else "Consider it only if exercise, therapy and first-line medicines have not helped "
        "enough."
    )
    return make(
        "DULOXETINE_SECOND_LINE",
        "If first-line care does not help the nerve-type pain, duloxetine may be considered as a "
        "second-line option.",
        "Nerve-type symptoms were reported (pain spreading down the arm, burning, numbness or "
        f"tingling). Duloxetine is a second-line medicine. {when} {_OFF_LABEL} {_DOSE}",
        (DULOXETINE_LABEL, ACP_2017, "S1"),
    )


DULOXETINE_WITHHOLD_REASONS: Reasons = {
    "takes_maoi": (
        "an MAO inhibitor taken now or in the last 14 days (risk of serotonin syndrome)",
        (DULOXETINE_LABEL,),
    ),
    "liver_disease": ("liver disease (duloxetine can cause liver failure)", (DULOXETINE_LABEL,)),
    "severe_kidney_disease": ("severe kidney disease (eGFR below 30)", (DULOXETINE_LABEL,)),
    "narrow_angle_glaucoma": (
        "narrow-angle glaucoma (risk of a sudden glaucoma attack)",
        (DULOXETINE_LABEL,),
    ),
    "heavy_alcohol_use": (
        "heavy drinking (together with duloxetine it can harm the liver)",
        (DULOXETINE_LABEL,),
    ),
    "uncontrolled_hypertension": (
        "high blood pressure that is not controlled (duloxetine can raise blood pressure)",
        (DULOXETINE_LABEL,),
    ),
    "takes_cyp1a2_inhibitor": (
        "fluvoxamine or ciprofloxacin (they raise duloxetine levels sharply)",
        (DULOXETINE_LABEL,),
    ),
}


@lru_cache(maxsize=256)
def duloxetine_withheld(reasons: tuple[str, ...]) -> Recommendation:
    """Return DULOXETINE_WITHHELD naming its reasons."""
    named, sources = join_reasons(reasons, DULOXETINE_WITHHOLD_REASONS)
    return make(
        "DULOXETINE_WITHHELD",
        "Duloxetine is not suggested for this patient's nerve-type pain because of safety "
        "concerns.",
        f"Duloxetine is not suggested because of: {named}. If nerve-type pain does not settle "
        "with first-line care, the clinician may consider other options or a specialist opinion.",
        (*sources, "S1"),
    )


# Serotonin reasons that concern a muscle relaxant are worded with its name: see _relaxant.
SEROTONIN_REASONS: Reasons = {
    "takes_serotonergic_drug": ("the patient takes a serotonin-acting medicine", ()),
    "muscle_relaxant_suggested": (
        "cyclobenzaprine is also suggested in this plan",
        (CYCLOBENZAPRINE_LABEL,),
    ),
    "muscle_relaxant_in_intake_plan": (
        "cyclobenzaprine was suggested at the intake",
        (CYCLOBENZAPRINE_LABEL,),
    ),
}
_RELAXANT_TAKEN = {
    "muscle_relaxant_taken": "{drug} is still being taken",
    "muscle_relaxant_to_stop": (
        "{drug} is still being taken, though this plan advises stopping it (the risk lasts until "
        "it is stopped)"
    ),
    "muscle_relaxant_long_term": "{drug} is taken long term for another condition",
}
RELAXANT_TAKEN_KEYS = tuple(_RELAXANT_TAKEN)
BLEEDING_REASONS: Reasons = {
    "takes_anticoagulant": ("the patient takes a blood thinner", ()),
    "takes_antiplatelet": ("the patient takes aspirin or another antiplatelet medicine", ()),
    "gi_bleed_or_ulcer": ("the patient has had a stomach ulcer or gut bleeding", ()),
    "bleeding_disorder": ("the patient has a bleeding disorder", ()),
    "nsaid_suggested": ("an NSAID is also suggested in this plan", (NSAID_LABEL,)),
    "nsaid_in_intake_plan": ("an NSAID was suggested at the intake", (NSAID_LABEL,)),
}
# One reason each, in the table's order after serotonin and bleeding.
OTHER_CAUTIONS: Reasons = {
    "young_adult": (
        f"Suicidal thoughts: at age {DULOXETINE_YOUNG_ADULT_AGE} or under, the label's boxed "
        "warning applies; watch for new or worsening low mood, agitation or thoughts of "
        "self-harm, especially in the first weeks and after a dose change.",
        (),
    ),
    "older_adult": (
        f"Age {OLDER_ADULT_AGE} or over: more falls, dizziness on standing up and low blood "
        "sodium; start low and check for confusion or unsteadiness.",
        (BEERS_2023,),
    ),
    "pregnancy_weeks": (
        "Pregnancy: use in the month before delivery can raise the risk of bleeding after "
        "delivery, and the newborn may have symptoms after birth.",
        (),
    ),
    "breastfeeding": (
        "Breastfeeding: duloxetine passes into breast milk; watch the baby for drowsiness and "
        "poor feeding.",
        (),
    ),
}
_TOPICS = {
    "serotonin": "serotonin syndrome",
    "bleeding": "bleeding",
    "young_adult": "suicidal thoughts",
    "older_adult": "falls and low sodium",
    "pregnancy_weeks": "pregnancy",
    "breastfeeding": "breastfeeding",
}


def _serotonin_phrases(keys: tuple[str, ...], relaxant: str | None) -> tuple[list[str], list]:
    phrases, sources = [], []
    for key in keys:
        if key in _RELAXANT_TAKEN:
            phrases.append(_RELAXANT_TAKEN[key].format(drug=relaxant or "a muscle relaxant"))
            sources.append(CYCLOBENZAPRINE_LABEL)
        else:
            phrase, more = SEROTONIN_REASONS[key]
            phrases.append(phrase)
            sources.extend(more)
    return phrases, sources


def _summary(topics: list[str]) -> str:
    listed = topics[0] if len(topics) == 1 else f"{', '.join(topics[:-1])} and {topics[-1]}"
    summary = f"If duloxetine is used, this patient needs extra care: {listed}."
    if len(summary) < 140:
        return summary
    return "If duloxetine is used, this patient needs extra care for several reasons, each named."


@lru_cache(maxsize=1024)
def duloxetine_caution(
    serotonin: tuple[str, ...],
    bleeding: tuple[str, ...],
    others: tuple[str, ...] = (),
    relaxant: str | None = None,
) -> Recommendation:
    """Return DULOXETINE_CAUTION naming every reason that applies: serotonin, bleeding, then
    young adult, older adult, pregnancy and breastfeeding. `relaxant` names a relaxant taken."""
    parts, topics, sources = [], [], [DULOXETINE_LABEL]
    if serotonin:
        phrases, more = _serotonin_phrases(serotonin, relaxant)
        parts.append(
            f"Serotonin syndrome, because {' and '.join(phrases)}: explain the warning signs "
            "(agitation, confusion, fast heartbeat, sweating, shaking, fever) and advise seeking "
            "care at once if they appear."
        )
        topics.append(_TOPICS["serotonin"])
        sources.extend(more)
    if bleeding:
        named, more = join_reasons(bleeding, BLEEDING_REASONS)
        parts.append(
            f"Bleeding, because {named.replace('; ', ' and ')}: watch for easy bruising, black "
            "stools or other bleeding."
        )
        topics.append(_TOPICS["bleeding"])
        sources.extend(more)
    for key in others:
        text, more = OTHER_CAUTIONS[key]
        parts.append(text)
        topics.append(_TOPICS[key])
        sources.extend(more)
    return make(
        "DULOXETINE_CAUTION",
        _summary(topics),
        f"If duloxetine is used, extra care is needed. {' '.join(parts)}",
        sources,
    )
