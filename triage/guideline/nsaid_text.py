"""The wording of the NSAID cards: offered, withheld (with the options left), caution, stomach
protection.

Reason keys are fact keys or a derived fact ("older_adult"); each maps to (plain-language reason,
sources).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from triage.guideline.plan import Recommendation
from triage.guideline.text import (
    ACP_2017,
    BEERS_2023,
    NICE_CKS,
    NICE_CKS_NSAIDS,
    NSAID_LABEL,
    NSAID_PREGNANCY,
    join_reasons,
    make,
)
from triage.guideline.thresholds import NSAID_PREGNANCY_WEEKS, OLDER_ADULT_AGE

Reasons = Mapping[str, tuple[str, tuple[str, ...]]]

NSAID = make(
    "NSAID",
    "An anti-inflammatory painkiller (NSAID) may be added to the physical treatments, never "
    "used on its own.",
    "Consider an NSAID such as ibuprofen or naproxen, at the lowest dose that works and for the "
    "shortest time, taken with food, as an add-on to the exercise and therapy plan rather than "
    "in place of it. It is the most effective medicine option here (moderate-quality evidence). "
    "Review at the day-14 visit.",
    (ACP_2017, NSAID_LABEL, "S1"),
    evidence="moderate",
)

NSAID_WITHHOLD_REASONS: Reasons = {
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
    "recent_myocardial_infarction": (
        "a heart attack or heart bypass surgery in the last 3 months, or bypass surgery planned "
        "(NSAIDs raise the risk of another heart attack, and the label rules them out around "
        "bypass surgery)",
        (NSAID_LABEL,),
    ),
    "bleeding_disorder": (
        "a bleeding disorder (NSAIDs weaken the platelets that stop bleeding)",
        (NSAID_LABEL,),
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
        f"pregnancy of {NSAID_PREGNANCY_WEEKS} weeks or more (NSAIDs can harm the baby's kidneys "
        "and reduce the fluid around the baby)",
        (NSAID_PREGNANCY,),
    ),
}
# Paracetamol's daily maximum is lower with these (NICE CKS).
PARACETAMOL_LOWER_REASONS: Reasons = {
    "liver_disease": ("liver disease", (NICE_CKS,)),
    "heavy_alcohol_use": ("heavy drinking", (NICE_CKS,)),
}
# A topical NSAID is no option with these ...
TOPICAL_EXCLUDED_REASONS: Reasons = {
    "nsaid_allergy_or_asthma": ("the past reaction to an NSAID", (NSAID_LABEL,)),
    "pregnancy_weeks": (
        f"the pregnancy of {NSAID_PREGNANCY_WEEKS} weeks or more (a gel is still an NSAID)",
        (NSAID_PREGNANCY,),
    ),
}
# ... and only after discussion with these.
TOPICAL_DISCUSS_REASONS: Reasons = {
    "takes_anticoagulant": ("the clinician who manages the blood thinner", (NICE_CKS,)),
    "bleeding_disorder": ("the clinician who manages the bleeding disorder", (NICE_CKS,)),
}


def _options(
    paracetamol_lower: tuple[str, ...],
    topical_excluded: tuple[str, ...],
    topical_discuss: tuple[str, ...],
) -> tuple[str, list[str]]:
    """The pain-relief options to discuss instead of an oral NSAID, and their sources."""
    sources = [NICE_CKS]
    paracetamol = "paracetamol (acetaminophen) within its daily maximum"
    if paracetamol_lower:
        lower, more = join_reasons(paracetamol_lower, PARACETAMOL_LOWER_REASONS)
        paracetamol += f", a lower maximum because of {lower.replace('; ', ' and ')}"
        sources.extend(more)
    if topical_excluded:
        excluded, more = join_reasons(topical_excluded, TOPICAL_EXCLUDED_REASONS)
        topical = (
            "A topical NSAID (a gel rubbed on the skin) is not an option either, because of "
            f"{excluded.replace('; ', ' and ')}."
        )
        sources.extend(more)
    elif topical_discuss:
        discuss, more = join_reasons(topical_discuss, TOPICAL_DISCUSS_REASONS)
        topical = (
            "A topical NSAID (a gel rubbed on the skin) could be considered, but only after "
            f"discussion with {discuss.replace('; ', ' and ')}."
        )
        sources.extend(more)
    else:
        topical = (
            "A topical NSAID (a gel rubbed on the skin) may also be discussed: little of it "
            "reaches the blood."
        )
    return f"Options to discuss instead: {paracetamol}. {topical}", sources


@lru_cache(maxsize=512)
def nsaid_withheld(
    reasons: tuple[str, ...],
    paracetamol_lower: tuple[str, ...] = (),
    topical_excluded: tuple[str, ...] = (),
    topical_discuss: tuple[str, ...] = (),
) -> Recommendation:
    """Return NSAID_WITHHELD naming its reasons and the options left to discuss."""
    named, sources = join_reasons(reasons, NSAID_WITHHOLD_REASONS)
    options, option_sources = _options(paracetamol_lower, topical_excluded, topical_discuss)
    return make(
        "NSAID_WITHHELD",
        "An anti-inflammatory painkiller (NSAID) is not suggested for this patient because of "
        "safety concerns.",
        f"NSAIDs such as ibuprofen or naproxen, including those bought over the counter, are not "
        f"suggested because of: {named}. The exercise and therapy plan remains the main "
        f"treatment. {options}",
        (*sources, *option_sources),
    )


NSAID_CAUTION_REASONS: Reasons = {
    "older_adult": (
        f"age {OLDER_ADULT_AGE} or over (more stomach, heart and kidney side effects)",
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
    # "pregnancy_weeks" is worded with the weeks: see nsaid_caution.
    "takes_serotonergic_drug": (
        "a serotonin-acting medicine such as an SSRI (together they raise the risk of stomach "
        "bleeding)",
        (NICE_CKS_NSAIDS, BEERS_2023),
    ),
    "chronic_steroid_use": (
        "long-term steroid tablets (together they raise the risk of stomach ulcers and bleeding)",
        (NICE_CKS_NSAIDS, BEERS_2023),
    ),
    "takes_antiplatelet": (
        "aspirin or another antiplatelet medicine (together they raise the risk of bleeding)",
        (NICE_CKS_NSAIDS, BEERS_2023),
    ),
    "heavy_alcohol_use": (
        "heavy drinking (it adds to the risk of stomach bleeding)",
        (NICE_CKS_NSAIDS,),
    ),
}


def _pregnancy_caution(weeks: int) -> str:
    return (
        f"pregnancy at {weeks} weeks (NSAIDs are avoided from week {NSAID_PREGNANCY_WEEKS}, so "
        f"any use needs to end before week {NSAID_PREGNANCY_WEEKS})"
    )


@lru_cache(maxsize=512)
def nsaid_caution(reasons: tuple[str, ...], pregnancy_weeks: int | None) -> Recommendation:
    """Return NSAID_CAUTION naming its reasons; `reasons` holds "pregnancy_weeks" when a
    pregnancy under 20 weeks is one, worded with `pregnancy_weeks`."""
    phrases, sources = [], []
    for key in reasons:
        if key == "pregnancy_weeks":
            phrases.append(_pregnancy_caution(pregnancy_weeks or 0))
            sources.append(NSAID_PREGNANCY)
        else:
            phrase, key_sources = NSAID_CAUTION_REASONS[key]
            phrases.append(phrase)
            sources.extend(key_sources)
    return make(
        "NSAID_CAUTION",
        "If an NSAID is used, this patient needs extra care: the lowest dose for the shortest "
        "time.",
        f"Extra care because of: {'; '.join(phrases)}. If an NSAID is used, the lowest dose that "
        "works for the shortest time is advised, with a review at the day-14 visit.",
        sources,
    )


GASTROPROTECTION_REASONS: Reasons = {
    "older_adult": (f"age {OLDER_ADULT_AGE} or over", (NICE_CKS_NSAIDS,)),
    "takes_serotonergic_drug": ("a serotonin-acting medicine such as an SSRI", (NICE_CKS_NSAIDS,)),
    "chronic_steroid_use": ("long-term steroid tablets", (NICE_CKS_NSAIDS,)),
    "takes_antiplatelet": ("aspirin or another antiplatelet medicine", (NICE_CKS_NSAIDS,)),
    "heavy_alcohol_use": ("heavy drinking", (NICE_CKS_NSAIDS,)),
    "cardiovascular_disease": ("heart or blood vessel disease", (NICE_CKS_NSAIDS,)),
    "liver_disease": ("liver disease", (NICE_CKS_NSAIDS,)),
}


@lru_cache(maxsize=512)
def nsaid_gastroprotection(reasons: tuple[str, ...]) -> Recommendation:
    """Return NSAID_GASTROPROTECTION naming the stomach-bleeding risk factors."""
    named, sources = join_reasons(reasons, GASTROPROTECTION_REASONS)
    return make(
        "NSAID_GASTROPROTECTION",
        "With an NSAID, stomach protection (a proton-pump inhibitor) may be considered for this "
        "patient.",
        f"Risk factors for stomach bleeding with an NSAID: {named}. Consider a proton-pump "
        "inhibitor, such as omeprazole, alongside the NSAID for as long as it is taken.",
        sources,
    )
