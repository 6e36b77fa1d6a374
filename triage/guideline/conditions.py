"""When each recommendation applies, in words, with its sources: the rule set read aloud.

One row per code of the engine's code table (plan.ALL_CODES); a test keeps the two in step.
Published as the PlanDefinition's actions, so auditors and other systems can read the rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from .text import (
    ACP_2017,
    ACR_2024,
    BEERS_2023,
    BMJ_2025,
    COHEN_2015,
    CYCLOBENZAPRINE_LABEL,
    DULOXETINE_LABEL,
    IDSA_2015,
    IFOMPT_2023,
    NICE_CKS,
    NSAID_LABEL,
    NSAID_PREGNANCY,
)


@dataclass(frozen=True, slots=True)
class CodeCondition:
    """When a code is given (in words) and the documents behind it."""

    code: str
    condition: str
    sources: tuple[str, ...]


def _conditions(*rows: tuple[str, str, tuple[str, ...]]) -> MappingProxyType[str, CodeCondition]:
    return MappingProxyType({row[0]: CodeCondition(*row) for row in rows})


CODE_CONDITIONS = _conditions(
    (
        "URGENT_EVALUATION",
        "Any red flag fired at the intake or at a visit (osteoporosis and long-term steroids "
        "count only over age 65): urgent clinician review, imaging and specialist referral; the "
        "routine plan is withheld.",
        ("S1", "S2", ACR_2024, NICE_CKS, IFOMPT_2023),
    ),
    (
        "INFECTION_WORKUP",
        "Urgent pathway with fever or a recent bloodstream infection among the red flags: blood "
        "tests and an MRI looking for vertebral osteomyelitis.",
        ("S1", IDSA_2015),
    ),
    (
        "MUSCLE_RELAXANT_STOP",
        "A muscle relaxant has been taken for longer than 14 days: stop it.",
        ("S1", CYCLOBENZAPRINE_LABEL),
    ),
    (
        "PERSISTENT_COURSE",
        "A visit on day 56 or later and the pain has not resolved (score above 1): clinician "
        "review.",
        ("S5", "S6", COHEN_2015, NICE_CKS),
    ),
    (
        "REASSESS",
        "A visit on day 42 or later, not resolved and not improving (a drop of at least 2 points "
        "and 30 % from the intake's pain score): review adherence, diagnosis and red flags.",
        ("S1", NICE_CKS),
    ),
    (
        "NSAID_WITHHELD",
        "No red flags, and any of: past GI bleeding or ulcer, severe kidney disease, heart "
        "failure, NSAID allergy or NSAID-induced asthma, an anticoagulant, pregnancy of 20 weeks "
        "or more.",
        ("S1", NSAID_LABEL, BEERS_2023, NSAID_PREGNANCY),
    ),
    (
        "NSAID_CAUTION",
        "An NSAID is suggested and any of: age 65 or over, cardiovascular disease, liver "
        "disease, pregnancy under 20 weeks.",
        (NSAID_LABEL, BEERS_2023, NSAID_PREGNANCY),
    ),
    (
        "MUSCLE_RELAXANT_WITHHELD",
        "Muscle spasm with pain of 7 or more, and any of: an MAO inhibitor, overactive thyroid, "
        "arrhythmia or heart block, a heart attack in the last 3 months, heart failure, liver "
        "disease, age 65 or over.",
        ("S1", "S4", CYCLOBENZAPRINE_LABEL, BEERS_2023),
    ),
    (
        "MUSCLE_RELAXANT_CAUTION",
        "Cyclobenzaprine is suggested and the patient takes a serotonergic medicine.",
        (CYCLOBENZAPRINE_LABEL,),
    ),
    (
        "DULOXETINE_WITHHELD",
        "Nerve-type symptoms, and any of: an MAO inhibitor, liver disease, severe kidney "
        "disease, narrow-angle glaucoma.",
        ("S1", DULOXETINE_LABEL),
    ),
    (
        "DULOXETINE_CAUTION",
        "Duloxetine is an option and the patient takes a serotonergic medicine or is offered a "
        "muscle relaxant (serotonin syndrome), or takes an anticoagulant or is offered an NSAID "
        "(bleeding).",
        (DULOXETINE_LABEL, CYCLOBENZAPRINE_LABEL),
    ),
    (
        "AVOID_BED_REST",
        "No red flags: always.",
        ("S1", ACP_2017),
    ),
    (
        "AVOID_SYSTEMIC_CORTICOSTEROIDS",
        "No red flags: always.",
        ("S1", ACP_2017),
    ),
    (
        "AVOID_INTERVENTIONAL_PROCEDURES",
        "Pain for 12 weeks or more (at the intake or by a visit), not resolved, without "
        "nerve-type symptoms.",
        ("S1", BMJ_2025, NICE_CKS),
    ),
    (
        "EXERCISE_THERAPY",
        "No red flags: always.",
        ("S1",),
    ),
    (
        "SPINAL_MANIPULATION",
        "No red flags and the patient does not decline neck manipulation.",
        ("S1", "S3", IFOMPT_2023),
    ),
    (
        "THORACIC_MANIPULATION",
        "No red flags and the patient declines neck manipulation.",
        ("S3", IFOMPT_2023),
    ),
    (
        "POSTURE_ERGONOMICS",
        "No red flags: always.",
        ("S1", "S3"),
    ),
    (
        "NSAID",
        "No red flags and no reason to withhold an NSAID.",
        ("S1", NSAID_LABEL),
    ),
    (
        "MUSCLE_RELAXANT",
        "No red flags, muscle spasm with pain of 7 or more, and no reason to withhold "
        "cyclobenzaprine (at most 14 days).",
        ("S1", "S4", CYCLOBENZAPRINE_LABEL),
    ),
    (
        "DULOXETINE_SECOND_LINE",
        "No red flags, nerve-type symptoms, and no reason to withhold duloxetine (second line).",
        ("S1", DULOXETINE_LABEL),
    ),
    (
        "NO_ROUTINE_IMAGING",
        "No red flags: always.",
        ("S1", ACR_2024),
    ),
    (
        "EXPECTED_COURSE",
        "No red flags: always.",
        ("S1", "S5", "S6", COHEN_2015),
    ),
)
