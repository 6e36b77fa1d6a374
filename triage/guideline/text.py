"""The wording of every non-medicine recommendation, written once so evaluation only picks.

Sources: each card names its primary documents first (reference.md section 8), then the guideline
summary's S1..S6, which stay in the stored data as the link to the summary. ACP 2017 is a low back
pain guideline, so its name says that this plan extrapolates it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from functools import lru_cache

from triage.guideline.plan import CODE_CATEGORY, CODE_INDICATOR, FollowUpVisit, Recommendation
from triage.guideline.thresholds import (
    IMPROVING_PERCENT,
    IMPROVING_POINTS,
    PERSISTENT_DAY,
    REASSESS_DAY,
    RESOLVED_PAIN,
)

# Primary documents, named as reference.md identifies them.
ACP_2017 = "ACP 2017 low back pain guideline (extrapolated from low back pain)"
ACR_2024 = "ACR Appropriateness Criteria 2024"
BEERS_2023 = "AGS Beers Criteria 2023"
BMJ_2025 = "BMJ 2025 Rapid Recommendation"
CANADIAN_C_SPINE = "Canadian C-spine rule (Stiell 2003)"
COHEN_2015 = "Cohen 2015, Mayo Clinic Proceedings"
BACLOFEN_LABEL = "FDA baclofen label"
CYCLOBENZAPRINE_LABEL = "FDA cyclobenzaprine label (NDA 17-821)"
DULOXETINE_LABEL = "FDA duloxetine label (Cymbalta)"
TIZANIDINE_LABEL = "FDA tizanidine label"
IDSA_2015 = "IDSA 2015 vertebral osteomyelitis guideline"
IFOMPT_2023 = "IFOMPT cervical framework 2023"
NICE_CKS = "NICE CKS neck pain"
NICE_CKS_NSAIDS = "NICE CKS NSAIDs: prescribing issues"
NICE_NG234 = "NICE NG234 spinal metastases"
NSAID_LABEL = "FDA NSAID labels (boxed warning)"
NSAID_PREGNANCY = "FDA NSAID pregnancy communication 2020"
WHO_2005 = "WHO 2005 chiropractic safety guidelines"
PRIMARY_SOURCES: tuple[str, ...] = (
    ACP_2017,
    ACR_2024,
    BEERS_2023,
    BMJ_2025,
    CANADIAN_C_SPINE,
    COHEN_2015,
    BACLOFEN_LABEL,
    CYCLOBENZAPRINE_LABEL,
    DULOXETINE_LABEL,
    TIZANIDINE_LABEL,
    IDSA_2015,
    IFOMPT_2023,
    NICE_CKS,
    NICE_CKS_NSAIDS,
    NICE_NG234,
    NSAID_LABEL,
    NSAID_PREGNANCY,
    WHO_2005,
)
GUIDELINE_SUMMARY_SOURCES: tuple[str, ...] = ("S1", "S2", "S3", "S4", "S5", "S6")
_SUMMARY_SOURCE_SET = frozenset(GUIDELINE_SUMMARY_SOURCES)

SUMMARY_LIMIT = 140
_IMPROVEMENT = f"a drop of at least {IMPROVING_POINTS} points and at least {IMPROVING_PERCENT}%"


def make(
    code: str, summary: str, detail: str, sources: Iterable[str], evidence: str | None = None
) -> Recommendation:
    """Build a recommendation: indicator and category from the code table, primary sources
    first, then the guideline summary's S-numbers, each once."""
    if len(summary) >= SUMMARY_LIMIT:
        raise ValueError(f"{code} summary is {len(summary)} characters")
    primary: list[str] = []
    summary_sources: list[str] = []
    for source in sources:
        chosen = summary_sources if source in _SUMMARY_SOURCE_SET else primary
        if source not in chosen:
            chosen.append(source)
    if not primary:
        raise ValueError(f"{code} cites no primary source")
    return Recommendation(
        code=code,
        indicator=CODE_INDICATOR[code],
        summary=summary,
        detail=detail,
        sources=(*primary, *summary_sources),
        evidence=evidence,
        category=CODE_CATEGORY[code],
    )


def plural_days(count: int) -> str:
    return "1 day" if count == 1 else f"{count} days"


def join_reasons(
    keys: Iterable[str], table: Mapping[str, tuple[str, tuple[str, ...]]]
) -> tuple[str, list[str]]:
    """Join the plain-language reasons for keys and collect their sources, in order."""
    phrases, sources = [], []
    for key in keys:
        phrase, key_sources = table[key]
        phrases.append(phrase)
        sources.extend(key_sources)
    return "; ".join(phrases), sources


_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
)  # fmt: skip


def long_date(day: datetime.date) -> str:
    """Write a date out in full, e.g. 'Tuesday 8 December 2026', independent of the locale."""
    return f"{day_and_month(day)} {day.year}"


def day_and_month(day: datetime.date) -> str:
    """Write a date as weekday, day and month, e.g. 'Sunday 13 December'."""
    return f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]}"


# --- Emergency and urgent pathways ----------------------------------------------------------

RED_FLAG_PHRASES: Mapping[str, str] = {
    "progressive_neuro_deficit": "weakness or numbness that is new and getting worse",
    "bowel_bladder_dysfunction": "new bladder or bowel problems",
    "cervical_arterial_signs": (
        "dizziness, double vision, slurred speech, trouble swallowing, sudden falls "
        "or a sudden severe headache"
    ),
    "myelopathy_signs": "clumsy hands or unsteady walking",
    "fever": "fever",
    "recent_bloodstream_infection": "a recent infection in the blood",
    "malignancy_history": "a history of cancer",
    "iv_drug_use": "injecting drug use",
    "immunosuppression": "a weakened immune system",
    "unexplained_weight_loss": "unexplained weight loss",
    "night_pain": "pain that does not ease with rest and disturbs sleep every night",
    "significant_trauma": "a significant injury at the start of this pain",
    "osteoporosis": "osteoporosis in a person over 65",
    "chronic_steroid_use": "long-term steroid treatment in a person over 65",
}
_RED_FLAG_SOURCES = {
    "progressive_neuro_deficit": (NICE_CKS,),
    "bowel_bladder_dysfunction": (NICE_CKS,),
    "cervical_arterial_signs": (IFOMPT_2023,),
    "myelopathy_signs": (NICE_CKS,),
    "fever": (IDSA_2015,),
    "recent_bloodstream_infection": (IDSA_2015,),
    "malignancy_history": (NICE_NG234,),
    "night_pain": (NICE_CKS,),
    "significant_trauma": (CANADIAN_C_SPINE,),
}
INFECTION_FLAGS = ("fever", "recent_bloodstream_infection")

# Why an emergency: the emergency-tier flags, recent trauma, and the two combinations.
EMERGENCY_REASONS: Mapping[str, tuple[str, tuple[str, ...]]] = {
    "progressive_neuro_deficit": (
        "Weakness or numbness that is getting worse can mean pressure on the spinal cord or a "
        "nerve, which needs assessment at once.",
        (NICE_CKS,),
    ),
    "bowel_bladder_dysfunction": (
        "New bladder or bowel problems can mean pressure on the spinal cord.",
        (NICE_CKS,),
    ),
    "cervical_arterial_signs": (
        "These symptoms can come from a tear in a neck artery or poor blood flow to the brain.",
        (IFOMPT_2023,),
    ),
    "significant_trauma": (
        "A significant injury in the last 7 days needs checking for a fracture before anything "
        "else.",
        (CANADIAN_C_SPINE,),
    ),
    "cancer_with_nerve_symptoms": (
        "A history of cancer together with nerve symptoms, clumsy hands or unsteady walking can "
        "mean cancer pressing on the spinal cord.",
        (NICE_NG234,),
    ),
    "infection_with_nerve_symptoms": (
        "An infection risk (fever, a recent blood infection, injecting drugs or a weakened "
        "immune system) together with nerve symptoms, clumsy hands or unsteady walking can mean "
        "an abscess pressing on the spinal cord.",
        (IDSA_2015,),
    ),
}
_NO_ROUTINE_PLAN = (
    "Manipulation, exercise and the medicines of the routine plan are not started: they can harm "
    "a fracture, an infection or a tumour, and the routine advice against steroids does not "
    "apply while the spinal cord may be under pressure."
)
_GO_NOW_SYMPTOMS = (
    "weakness or numbness that gets worse, new bladder or bowel problems, dizziness, double "
    "vision, slurred speech, trouble swallowing, sudden falls or a sudden severe headache"
)


def _named_flags(red_flags: Iterable[str]) -> str:
    return "; ".join(RED_FLAG_PHRASES[key] for key in red_flags)


def _flag_sources(red_flags: Iterable[str]) -> list[str]:
    return [source for key in red_flags for source in _RED_FLAG_SOURCES.get(key, ())]


@lru_cache(maxsize=256)
def infection_workup(infection_flags: tuple[str, ...]) -> Recommendation:
    """Return INFECTION_WORKUP for the infection flags that fired."""
    return make(
        "INFECTION_WORKUP",
        "Fever or a recent blood infection: blood tests today, before any antibiotic, and an MRI "
        "of the spine are advised.",
        f"Triggered by {' and '.join(RED_FLAG_PHRASES[key] for key in infection_flags)}. Blood "
        "tests today, before any antibiotic is started: full blood count, ESR, CRP and two sets "
        "of blood cultures. An MRI of the spine looks for infection of the vertebrae (vertebral "
        "osteomyelitis) or an abscess.",
        (IDSA_2015, "S1"),
    )


@lru_cache(maxsize=1024)
def emergency_referral(
    red_flags: tuple[str, ...], reasons: tuple[str, ...], call_ambulance: bool
) -> Recommendation:
    """Return EMERGENCY_REFERRAL naming the flags (emergency tier first) and why it is one."""
    if call_ambulance:
        summary = (
            "Possible signs of a neck artery problem: call an ambulance now; no manipulation or "
            "exercise."
        )
        action = (
            "Call emergency services (an ambulance) now, before anything else; the patient does "
            "not drive."
        )
    else:
        summary = (
            "Emergency signs: the patient goes to the emergency department now, not driving "
            "themselves."
        )
        action = (
            "The patient needs emergency assessment now: they go to the emergency department at "
            "once, driven by someone else or by ambulance, never driving themselves."
        )
    why, sources = join_reasons(reasons, EMERGENCY_REASONS)
    first = ", emergency signs first" if red_flags[0] in reasons else ""
    return make(
        "EMERGENCY_REFERRAL",
        summary,
        f"{action} Red flags found{first}: {_named_flags(red_flags)}. "
        f"{why.replace('; ', ' ')} {_NO_ROUTINE_PLAN} The patient is never told to wait for "
        "the clinic's call. This opens an emergency escalation that stays on the worklist until "
        "a clinician records its outcome.",
        (*sources, *_flag_sources(red_flags), "S1", "S2"),
    )


@lru_cache(maxsize=1024)
def urgent_evaluation(red_flags: tuple[str, ...]) -> Recommendation:
    """Return URGENT_EVALUATION naming every red flag that fired."""
    cancer = (
        " Because of the history of cancer, the acute oncology or spinal metastases service is "
        "contacted within 24 hours."
        if "malignancy_history" in red_flags
        else ""
    )
    return make(
        "URGENT_EVALUATION",
        "Red flags found: a clinician reviews the patient today, with imaging and specialist "
        "referral within 24 hours.",
        f"Red flags found: {_named_flags(red_flags)}. A clinician reviews the patient today and "
        "arranges imaging and referral to a specialist within 24 hours, to rule out a serious "
        f"cause such as a fracture, an infection or a tumour.{cancer} Until a clinician has "
        "excluded serious disease, no therapy, manipulation, exercise or pain medicine from the "
        "routine plan is suggested. If any of these appear before then, the patient goes to the "
        f"emergency department at once: {_GO_NOW_SYMPTOMS}. This opens an urgent escalation "
        "that stays on the worklist until a clinician records its outcome.",
        (ACR_2024, *_flag_sources(red_flags), "S1", "S2"),
    )


# --- Conservative pathway: always ------------------------------------------------------------

_ARTERY_SAFETY = (
    "If dizziness, double vision, slurred speech, trouble swallowing, sudden falls or a sudden "
    "severe headache appear, manipulation stops and the patient is reviewed urgently."
)

NO_ROUTINE_IMAGING = make(
    "NO_ROUTINE_IMAGING",
    "No scan is needed now: without red flags imaging does not help and often shows harmless "
    "age-related changes.",
    "Without red flags, an X-ray, CT or MRI does not change care or speed recovery. Scans "
    "commonly show wear-and-tear changes in people with no pain at all, and such findings can "
    "mislead and worry. Imaging can be reconsidered if red flags appear.",
    (ACR_2024, "S1", "S2"),
)
EXERCISE_THERAPY = make(
    "EXERCISE_THERAPY",
    "Supervised stretching and strengthening exercises, started early, are the first-line "
    "treatment.",
    "Consider a supervised programme of stretching and strengthening for the neck, shoulders "
    "and upper back, starting now rather than waiting for the pain to settle, and staying as "
    "active as the pain allows. It gives moderate pain relief.",
    (NICE_CKS, "S1"),
    evidence="moderate",
)
SPINAL_MANIPULATION = make(
    "SPINAL_MANIPULATION",
    "Manipulation of the upper back by a trained therapist may ease neck pain and help the neck "
    "move more freely.",
    "Consider referral to a trained therapist for spinal manipulation of the upper back, as "
    "part of the physical treatments alongside exercise. The evidence for manipulation is of "
    "low quality (ACP 2017, a low back pain guideline). The intake found no warning signs of a "
    f"neck artery problem and no reason to avoid manipulation. {_ARTERY_SAFETY}",
    (ACP_2017, IFOMPT_2023, "S1", "S3"),
    evidence="low",
)
THORACIC_MANIPULATION = make(
    "THORACIC_MANIPULATION",
    "Thrust manipulation of the upper back may ease neck pain without any manipulation of the "
    "neck itself.",
    "The patient would rather not have neck manipulation, so the neck itself will not be "
    "manipulated. Consider referral for thrust manipulation of the thoracic spine (upper back) "
    "instead: it can ease neck pain even for people who do not want their neck manipulated. "
    f"{_ARTERY_SAFETY}",
    (IFOMPT_2023, "S3"),
)
POSTURE_ERGONOMICS = make(
    "POSTURE_ERGONOMICS",
    "Physical therapy on posture and ergonomics may reduce the daily strain that keeps neck "
    "pain going.",
    "Consider physical therapy that looks at how the patient sits and stands, their work set-up "
    "(screen height, chair, breaks) and their sleeping position and pillow. Small, steady "
    "strains from these are behind most neck and upper-back pain.",
    (NICE_CKS, "S1", "S3"),
)
SUPERFICIAL_HEAT = make(
    "SUPERFICIAL_HEAT",
    "A heat pack or warm compress on the sore muscles, about 20 minutes at a time, may ease the "
    "pain as an add-on.",
    "Consider suggesting a heat pack, wheat bag or warm compress on the tight muscles for about "
    "20 minutes at a time, alongside the exercise plan. Heat has moderate-quality evidence of "
    "easing acute low back pain (ACP 2017); this plan extrapolates that to the neck and upper "
    "back. Safety: warm, never hot, with a cloth between the pack and the skin; never on numb "
    "skin or skin that does not feel heat normally; never while asleep; extra care, checking "
    "the skin often, with diabetes, poor circulation or thin, older skin.",
    (ACP_2017,),
    evidence="moderate",
)
AVOID_BED_REST = make(
    "AVOID_BED_REST",
    "Prolonged bed rest is not advised: it weakens the body and slows recovery.",
    "Encourage the patient to stay as active as the pain allows and to keep up daily life. "
    "Short rests are fine, but days in bed weaken the muscles and make recovery slower.",
    (ACP_2017, "S1"),
    evidence="moderate",
)
AVOID_SYSTEMIC_CORTICOSTEROIDS = make(
    "AVOID_SYSTEMIC_CORTICOSTEROIDS",
    "Steroid tablets or steroid injections into muscle are not advised for this pain: they work "
    "no better than a placebo.",
    "Oral or intramuscular corticosteroids are not advised for this neck and upper-back pain: "
    "trials found no benefit over placebo, and they have side effects. This does not concern "
    "steroids prescribed for another condition, which should not be stopped without the "
    "prescriber.",
    (ACP_2017, "S1"),
    evidence="low",
)
EXPECTED_COURSE = make(
    "EXPECTED_COURSE",
    "Most episodes settle within about 2 months of this care, but nearly half of people keep "
    "some pain or have flare-ups.",
    "Most people improve a great deal within 6 to 8 weeks, and starting exercise early helps. "
    "About half keep some pain or have further episodes, so a slow recovery is not a failure. "
    "No red flags count today, but a negative check cannot rule out every serious cause: "
    "the patient is encouraged to come back promptly if new symptoms appear, such as fever, "
    "increasing weakness or numbness, clumsy hands, unsteady walking, or bladder or bowel "
    "changes.",
    (COHEN_2015, "S5", "S6", "S1"),
)
AVOID_INTERVENTIONAL_PROCEDURES = make(
    "AVOID_INTERVENTIONAL_PROCEDURES",
    "For pain lasting 12 weeks or more without nerve symptoms, spinal injections and nerve "
    "ablation are not advised.",
    "The pain has lasted 12 weeks or more and stays in the neck and upper back, without "
    "nerve-type symptoms. Epidural steroid injections, facet and other joint injections, and "
    "radiofrequency ablation are not advised: they have not been shown to help people live "
    "better with the pain, and they can cause harm. Exercise-based care continues; if pain "
    "persists, the clinician may consider a multidisciplinary pain service.",
    (BMJ_2025, NICE_CKS, "S1"),
)

# --- Manipulation withheld (WHO 2005 contraindications) --------------------------------------

MANIPULATION_WITHHOLD_REASONS: Mapping[str, tuple[str, tuple[str, ...]]] = {
    "inflammatory_arthritis": (
        "inflammatory arthritis such as rheumatoid arthritis or ankylosing spondylitis (it can "
        "weaken the ligaments that hold the neck stable: an absolute contraindication)",
        (WHO_2005,),
    ),
    "previous_neck_surgery": (
        "previous surgery on the neck or upper spine, or plates or screws there (an absolute "
        "contraindication)",
        (WHO_2005,),
    ),
    "osteoporosis": (
        "osteoporosis (fragile bones can break: a relative contraindication)",
        (WHO_2005,),
    ),
    "takes_anticoagulant": (
        "a blood thinner (risk of bleeding around the spine: a relative contraindication)",
        (WHO_2005,),
    ),
    "bleeding_disorder": (
        "a bleeding disorder (a relative contraindication)",
        (WHO_2005,),
    ),
    "chronic_steroid_use": (
        "long-term steroid tablets (they thin the bones; the WHO list does not name steroids, so "
        "this is this plan's inference from bone loss)",
        (WHO_2005,),
    ),
}


@lru_cache(maxsize=256)
def manipulation_withheld(reasons: tuple[str, ...]) -> Recommendation:
    """Return MANIPULATION_WITHHELD naming its reasons."""
    named, sources = join_reasons(reasons, MANIPULATION_WITHHOLD_REASONS)
    return make(
        "MANIPULATION_WITHHELD",
        "Thrust manipulation of the neck or upper back is not advised for this patient; gentle "
        "mobilisation may be considered.",
        f"Thrust (high-velocity) manipulation of the neck or the upper back is not advised "
        f"because of: {named}. A physiotherapist may consider gentle mobilisation instead, "
        "alongside the exercise plan.",
        (*sources, "S1", "S3"),
    )


# --- Follow-up --------------------------------------------------------------------------------

FOLLOW_UP_VISITS = (
    FollowUpVisit(
        day=14,
        purpose="Medicine review: stop the muscle relaxant if one is being taken for this pain, "
        "and ask the red-flag and medicine questions again.",
    ),
    FollowUpVisit(
        day=42,
        purpose="Six-week check: is the pain improving? If not, the plan is reviewed.",
    ),
    FollowUpVisit(day=56, purpose="Two-month check: has the episode resolved?"),
)


@lru_cache(maxsize=256)
def reassess(baseline: int, pain_now: int) -> Recommendation:
    """Return REASSESS, quoting the pain scores that show no meaningful improvement."""
    return make(
        "REASSESS",
        f"Not improving after {REASSESS_DAY // 7} weeks: a review of how the exercise and therapy "
        "plan is going is advised.",
        f"The pain score is {pain_now} now against {baseline} when the care plan was made, short "
        f"of {_IMPROVEMENT} that counts as a real improvement. Consider "
        "checking whether the exercises and therapy are being done as planned and what gets in "
        "the way, and reviewing the diagnosis and the red flags.",
        (NICE_CKS, ACR_2024, "S1"),
    )


PERSISTENT_COURSE = make(
    "PERSISTENT_COURSE",
    "Pain has not resolved after 2 months; a clinician review is advised, though lasting pain is "
    "common.",
    "The episode has not resolved by the 2-month mark. Nearly half of people keep some pain or "
    "have flare-ups after an episode like this, so this is not a failure in itself. Consider a "
    "clinician review of the diagnosis, the red flags and the plan. If pain lasts beyond 12 "
    "weeks, a multidisciplinary pain service may be considered.",
    (COHEN_2015, NICE_CKS, "S6", "S5"),
)


# --- The sentence that explains a visit's episode status -------------------------------------


@lru_cache(maxsize=1024)
def escalated_status(red_flags: tuple[str, ...], emergency: bool) -> str:
    """Explain an escalated visit: which red flags, and which escalation it opens."""
    if emergency:
        return (
            f"Red flags at this visit ({_named_flags(red_flags)}) call for emergency assessment "
            "now: an emergency escalation is open until a clinician records its outcome."
        )
    return (
        f"Red flags at this visit ({_named_flags(red_flags)}): an urgent escalation is open until "
        "a clinician records its outcome; a clinician reviews the patient today."
    )


@lru_cache(maxsize=1024)
def progress_status(status: str, *, day: int, baseline: int, pain_now: int) -> str:
    """Explain a visit's status from the pain scores and the day, naming the thresholds used."""
    if status == "resolved":
        return (
            f"Pain is {pain_now}, at or below {RESOLVED_PAIN}: the episode has resolved, and the "
            "remaining scheduled visits are cancelled."
        )
    if status == "persistent":
        return (
            f"Day {day}: pain is {pain_now}, still above {RESOLVED_PAIN} on or after day "
            f"{PERSISTENT_DAY} (two months): the episode has not resolved, and a clinician "
            "review is advised."
        )
    scores = f"Pain is {pain_now} now against {baseline} when the care plan was made"
    if status == "improving":
        return f"{scores}: {_IMPROVEMENT}, so it is improving."
    return f"{scores}: not yet {_IMPROVEMENT}, which is what counts as improving."
