"""When each recommendation applies, in words, with its sources: the rule set read aloud.

One row per code of the engine's code table (plan.ALL_CODES), in its order; a test keeps the two
in step. Published as the PlanDefinition's actions, so auditors and other systems can read the
rules. Rule set 2 (decision-table.md sections 2-5).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from triage.guideline.text import (
    ACP_2017,
    ACR_2024,
    BACLOFEN_LABEL,
    BEERS_2023,
    BMJ_2025,
    CANADIAN_C_SPINE,
    COHEN_2015,
    CYCLOBENZAPRINE_LABEL,
    DULOXETINE_LABEL,
    IDSA_2015,
    IFOMPT_2023,
    NICE_CKS,
    NICE_CKS_NSAIDS,
    NICE_NG234,
    NSAID_LABEL,
    NSAID_PREGNANCY,
    TIZANIDINE_LABEL,
    WHO_2005,
)


@dataclass(frozen=True, slots=True)
class CodeCondition:
    """When a code is given (in words) and the documents behind it."""

    code: str
    condition: str
    sources: tuple[str, ...]


def _conditions(*rows: tuple[str, str, tuple[str, ...]]) -> MappingProxyType[str, CodeCondition]:
    return MappingProxyType({row[0]: CodeCondition(*row) for row in rows})


_NO_RED_FLAGS = "No red flag fired (none answered yes, or each one cleared by a clinician)"

CODE_CONDITIONS = _conditions(
    (
        "EMERGENCY_REFERRAL",
        "At the intake or a visit, any of: worsening or new weakness or numbness, new bladder or "
        "bowel problems, signs of a neck artery problem (call an ambulance first), significant "
        "trauma in the last 7 days, a history of cancer or an infection risk (fever, recent "
        "bloodstream infection, injecting drugs, immunosuppression) together with nerve symptoms "
        "or myelopathy signs: emergency assessment now; the routine plan is withheld.",
        (NICE_CKS, NICE_NG234, IFOMPT_2023, IDSA_2015, CANADIAN_C_SPINE, "S1", "S2"),
    ),
    (
        "URGENT_EVALUATION",
        "Any other red flag fired at the intake or at a visit (osteoporosis and long-term "
        "steroids count only over age 65; a cleared flag does not count): a clinician reviews "
        "the patient today, imaging and specialist referral within 24 hours; the routine plan is "
        "withheld.",
        (ACR_2024, NICE_CKS, NICE_NG234, "S1", "S2"),
    ),
    (
        "INFECTION_WORKUP",
        "Emergency or urgent, with fever or a recent bloodstream infection among the red flags: "
        "blood tests before any antibiotic and an MRI looking for vertebral osteomyelitis.",
        (IDSA_2015, "S1"),
    ),
    (
        "MUSCLE_RELAXANT_STOP",
        "A muscle relaxant taken for this pain, and its 14-day course is complete (14 days or "
        "more since the first dose) or a reason not to take that relaxant applies: stop it "
        "(tizanidine and baclofen are tapered).",
        (CYCLOBENZAPRINE_LABEL, TIZANIDINE_LABEL, BACLOFEN_LABEL, BEERS_2023, "S1"),
    ),
    (
        "MUSCLE_RELAXANT_REVIEW",
        "A muscle relaxant taken long term for another condition: kept as prescribed, never "
        "stopped by this plan; the reasons from the relaxant's list, if any, are reviewed with "
        "its prescriber (at a visit only when there is a reason).",
        (BACLOFEN_LABEL, TIZANIDINE_LABEL, BEERS_2023, "S1"),
    ),
    (
        "PERSISTENT_COURSE",
        "A visit on day 56 or later and the pain has not resolved (score above 1): clinician "
        "review.",
        (COHEN_2015, NICE_CKS, "S5", "S6"),
    ),
    (
        "REASSESS",
        "A visit on day 42 or later, not resolved and not improving (a drop of at least 2 points "
        "and 30 % from the plan's pain score): review adherence, diagnosis and red flags.",
        (NICE_CKS, ACR_2024, "S1"),
    ),
    (
        "NSAID_WITHHELD",
        f"{_NO_RED_FLAGS}, and any of: past GI bleeding or ulcer, severe kidney disease, heart "
        "failure, a heart attack or bypass surgery in the last 3 months, a bleeding disorder, "
        "NSAID allergy or NSAID-induced asthma, an anticoagulant, pregnancy of 20 weeks or more; "
        "names the options left to discuss.",
        (NSAID_LABEL, BEERS_2023, NSAID_PREGNANCY, NICE_CKS, "S1"),
    ),
    (
        "NSAID_CAUTION",
        "An NSAID is suggested and any of: age 65 or over, cardiovascular disease, liver "
        "disease, pregnancy under 20 weeks, a serotonergic medicine, long-term steroids, an "
        "antiplatelet, heavy drinking.",
        (NSAID_LABEL, BEERS_2023, NSAID_PREGNANCY, NICE_CKS_NSAIDS),
    ),
    (
        "MUSCLE_RELAXANT_WITHHELD",
        "No relaxant taken, muscle spasm with pain of 7 or more, and any of: an MAO inhibitor, "
        "overactive thyroid, arrhythmia or heart block, a heart attack in the last 3 months, "
        "heart failure, liver disease, age 65 or over.",
        (CYCLOBENZAPRINE_LABEL, BEERS_2023, "S1", "S4"),
    ),
    (
        "MUSCLE_RELAXANT_CAUTION",
        "A relaxant is started or continued and any of: a serotonergic medicine, narrow-angle "
        "glaucoma, heavy drinking, a sedating medicine, pregnancy, breastfeeding.",
        (CYCLOBENZAPRINE_LABEL,),
    ),
    (
        "DULOXETINE_WITHHELD",
        "Nerve-type symptoms, and any of: an MAO inhibitor, liver disease, severe kidney "
        "disease, narrow-angle glaucoma, heavy drinking, uncontrolled high blood pressure, "
        "fluvoxamine or ciprofloxacin.",
        (DULOXETINE_LABEL, "S1"),
    ),
    (
        "DULOXETINE_CAUTION",
        "Duloxetine is an option, and a serotonergic medicine or a muscle relaxant started or "
        "taken (serotonin syndrome); an anticoagulant, an antiplatelet, past GI bleeding, a "
        "bleeding disorder or an NSAID suggested (bleeding); age 24 or under; age 65 or over; "
        "pregnancy; breastfeeding. One card names every reason.",
        (DULOXETINE_LABEL, CYCLOBENZAPRINE_LABEL, BEERS_2023),
    ),
    (
        "MANIPULATION_WITHHELD",
        f"{_NO_RED_FLAGS}, and any of: inflammatory arthritis, previous neck surgery or "
        "fixation, osteoporosis, an anticoagulant, a bleeding disorder, long-term steroids "
        "(even when cleared as a red flag): no thrust manipulation; gentle mobilisation may be "
        "considered.",
        (WHO_2005, "S1", "S3"),
    ),
    (
        "AVOID_BED_REST",
        f"{_NO_RED_FLAGS}: always.",
        (ACP_2017, "S1"),
    ),
    (
        "AVOID_SYSTEMIC_CORTICOSTEROIDS",
        f"{_NO_RED_FLAGS}: always.",
        (ACP_2017, "S1"),
    ),
    (
        "AVOID_INTERVENTIONAL_PROCEDURES",
        "Pain for 12 weeks or more (at the intake or by a visit), not resolved, without "
        "nerve-type symptoms (at a visit, not while escalated).",
        (BMJ_2025, NICE_CKS, "S1"),
    ),
    (
        "EXERCISE_THERAPY",
        f"{_NO_RED_FLAGS}: always.",
        (NICE_CKS, "S1"),
    ),
    (
        "SPINAL_MANIPULATION",
        f"{_NO_RED_FLAGS}, no reason to withhold thrust manipulation, and the patient does not "
        "decline neck manipulation.",
        (ACP_2017, IFOMPT_2023, "S1", "S3"),
    ),
    (
        "THORACIC_MANIPULATION",
        f"{_NO_RED_FLAGS}, no reason to withhold thrust manipulation, and the patient declines "
        "neck manipulation.",
        (IFOMPT_2023, "S3"),
    ),
    (
        "POSTURE_ERGONOMICS",
        f"{_NO_RED_FLAGS}: always.",
        (NICE_CKS, "S1", "S3"),
    ),
    (
        "SUPERFICIAL_HEAT",
        f"{_NO_RED_FLAGS}: always (evidence extrapolated from low back pain).",
        (ACP_2017,),
    ),
    (
        "NSAID",
        f"{_NO_RED_FLAGS} and no reason to withhold an NSAID.",
        (ACP_2017, NSAID_LABEL, "S1"),
    ),
    (
        "NSAID_GASTROPROTECTION",
        "An NSAID is suggested and any stomach-bleeding risk factor: age 65 or over, a "
        "serotonergic medicine, long-term steroids, an antiplatelet, heavy drinking, "
        "cardiovascular disease, liver disease: consider a proton-pump inhibitor.",
        (NICE_CKS_NSAIDS,),
    ),
    (
        "MUSCLE_RELAXANT",
        f"{_NO_RED_FLAGS}, no relaxant taken, muscle spasm with pain of 7 or more, and no reason "
        "to withhold cyclobenzaprine (14 days at most: last dose on the encounter date + 13).",
        (CYCLOBENZAPRINE_LABEL, ACP_2017, "S1", "S4"),
    ),
    (
        "MUSCLE_RELAXANT_CONTINUE",
        "A muscle relaxant taken for this pain, fewer than 14 days since the first dose, and no "
        "reason not to take that relaxant: it may continue to day 14 of the course at most (last "
        "dose on the encounter date + 13 - days taken); no second relaxant.",
        (CYCLOBENZAPRINE_LABEL, ACP_2017, "S1", "S4"),
    ),
    (
        "DULOXETINE_SECOND_LINE",
        f"{_NO_RED_FLAGS}, nerve-type symptoms, and no reason to withhold duloxetine (second "
        "line; before 4 weeks of pain, for later).",
        (DULOXETINE_LABEL, ACP_2017, "S1"),
    ),
    (
        "NO_ROUTINE_IMAGING",
        f"{_NO_RED_FLAGS}: always.",
        (ACR_2024, "S1", "S2"),
    ),
    (
        "EXPECTED_COURSE",
        f"{_NO_RED_FLAGS}: always.",
        (COHEN_2015, "S1", "S5", "S6"),
    ),
)
