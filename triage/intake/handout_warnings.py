"""Medicine and self-care warnings for the patient's handout, in the patient's words.

Chosen from the stored plan's codes and the facts it was computed from; written for this product
from the primary sources in the clinical reference (section 8 of reference.md):
- NSAIDs in pregnancy: FDA drug safety communication on NSAIDs from 20 weeks of pregnancy (2020).
  (Not buying one over the counter when it is withheld is in the handout's "avoid" list.)
- Serotonin syndrome with a relaxant and an SSRI or similar: FDA cyclobenzaprine label, Warnings.
- Driving: FDA cyclobenzaprine label (may impair the ability to drive or operate machinery).
- Tapering tizanidine and baclofen: FDA tizanidine label (rebound high blood pressure and fast
  heartbeat) and FDA baclofen label (hallucinations and seizures after abrupt withdrawal).
- Heat-pack safety: ACP 2017 (superficial heat, extrapolated from low back pain) and the
  decision table's own burn-safety note.
"""

from __future__ import annotations

from collections.abc import Mapping

RELAXANT_CARDS = frozenset(
    {"MUSCLE_RELAXANT", "MUSCLE_RELAXANT_CONTINUE", "MUSCLE_RELAXANT_REVIEW"}
)
TAPERED = frozenset({"tizanidine", "baclofen"})
NSAID_PREGNANCY_WEEKS = 20  # FDA 2020: avoid from about 20 weeks

PREGNANCY_NSAID = (
    "You are pregnant: if you take an anti-inflammatory painkiller such as ibuprofen, stop it "
    "before week 20 of your pregnancy, and do not take it after that unless a doctor tells you "
    "to."
)
SEROTONIN_SIGNS = (
    "You take a medicine for mood or pain that acts on serotonin, and a muscle relaxant. Together "
    "they can rarely cause serotonin syndrome. Get medical help at once if you feel agitated or "
    "confused, have a fast heartbeat, a high temperature, heavy sweating, shivering, twitching "
    "or stiff muscles, or diarrhoea."
)
NO_DRIVING = (
    "A muscle relaxant can make you drowsy or dizzy. Do not drive, cycle or use machines until "
    "you know how it affects you, and avoid alcohol while you take it."
)
HEAT_SAFETY = (
    "A heat pack or warm compress on the sore muscles for about 20 minutes at a time can ease "
    "the pain. Wrap it in a cloth, never put it on skin that feels numb, and never fall asleep "
    "with it on. Take extra care if you have diabetes or thin, fragile skin."
)


def _relaxant(facts: Mapping[str, object]) -> str:
    name = facts.get("muscle_relaxant_name")
    return str(name) if name and name != "other" else "your muscle relaxant"


def _stop_relaxant(facts: Mapping[str, object]) -> str:
    name = facts.get("muscle_relaxant_name")
    relaxant = _relaxant(facts)
    if name in TAPERED:
        return (
            f"Stop taking {relaxant}, but not all at once: stopping it suddenly can be dangerous. "
            "Your clinician will tell you how to lower the dose over several days."
        )
    return f"Stop taking {relaxant} as your clinician advises; do not start another one."


def _review_relaxant(facts: Mapping[str, object]) -> str:
    return (
        f"Keep taking {_relaxant(facts)} exactly as prescribed for your other condition, and do "
        "not stop it suddenly. Your clinician will check it with the doctor who prescribed it. "
        "Do not take a second muscle relaxant."
    )


def medicine_warnings(codes: set[str], facts: Mapping[str, object]) -> list[str]:
    """The warnings that matter to this patient, most pressing first."""
    warnings: list[str] = []
    if "MUSCLE_RELAXANT_STOP" in codes:
        warnings.append(_stop_relaxant(facts))
    if "MUSCLE_RELAXANT_REVIEW" in codes:
        warnings.append(_review_relaxant(facts))
    weeks = facts.get("pregnancy_weeks")
    if "NSAID" in codes and isinstance(weeks, int) and weeks < NSAID_PREGNANCY_WEEKS:
        warnings.append(PREGNANCY_NSAID)
    taking_or_starting = codes & RELAXANT_CARDS
    if taking_or_starting and facts.get("takes_serotonergic_drug"):
        warnings.append(SEROTONIN_SIGNS)
    if taking_or_starting:
        warnings.append(NO_DRIVING)
    if "SUPERFICIAL_HEAT" in codes:
        warnings.append(HEAT_SAFETY)
    return warnings
