"""The wording of every recommendation, written once at import so evaluation only picks."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from functools import lru_cache

from triage.guideline.plan import CODE_CATEGORY, CODE_INDICATOR, FollowUpVisit, Recommendation

# Primary documents, named as reference.md identifies them.
ACP_2017 = "ACP 2017 low back pain guideline"
ACR_2024 = "ACR Appropriateness Criteria 2024"
BEERS_2023 = "AGS Beers Criteria 2023"
BMJ_2025 = "BMJ 2025 Rapid Recommendation"
COHEN_2015 = "Cohen 2015, Mayo Clinic Proceedings"
CYCLOBENZAPRINE_LABEL = "FDA cyclobenzaprine label (NDA 17-821)"
DULOXETINE_LABEL = "FDA duloxetine label (Cymbalta)"
IDSA_2015 = "IDSA 2015 vertebral osteomyelitis guideline"
IFOMPT_2023 = "IFOMPT cervical framework 2023"
NICE_CKS = "NICE CKS neck pain"
NSAID_LABEL = "FDA NSAID labels (boxed warning)"
NSAID_PREGNANCY = "FDA NSAID pregnancy communication 2020"

SUMMARY_LIMIT = 140
RELAXANT_MAX_DAYS = 14


def make(
    code: str, summary: str, detail: str, sources: Iterable[str], evidence: str | None = None
) -> Recommendation:
    """Build a recommendation, taking its indicator and category from the code table."""
    if len(summary) >= SUMMARY_LIMIT:
        raise ValueError(f"{code} summary is {len(summary)} characters")
    return Recommendation(
        code=code,
        indicator=CODE_INDICATOR[code],
        summary=summary,
        detail=detail,
        sources=tuple(dict.fromkeys(sources)),
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
    return f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


# --- Urgent pathway -------------------------------------------------------------------------

RED_FLAG_PHRASES: Mapping[str, str] = {
    "progressive_neuro_deficit": "worsening weakness, numbness or change in feeling",
    "fever": "fever",
    "recent_bloodstream_infection": "a recent infection in the blood",
    "malignancy_history": "a history of cancer",
    "iv_drug_use": "injecting drug use",
    "immunosuppression": "a weakened immune system",
    "unexplained_weight_loss": "unexplained weight loss",
    "significant_trauma": "a significant injury",
    "osteoporosis": "osteoporosis in a person over 65",
    "chronic_steroid_use": "long-term steroid treatment in a person over 65",
    "bowel_bladder_dysfunction": "new bladder or bowel problems",
    "myelopathy_signs": "clumsy hands or unsteady walking",
    "cervical_arterial_signs": (
        "dizziness, double vision, slurred speech, trouble swallowing, sudden falls "
        "or a sudden severe headache"
    ),
}
_RED_FLAG_EXTRA_SOURCES = {
    "bowel_bladder_dysfunction": NICE_CKS,
    "myelopathy_signs": NICE_CKS,
    "cervical_arterial_signs": IFOMPT_2023,
}
INFECTION_FLAGS = ("fever", "recent_bloodstream_infection")


@lru_cache(maxsize=1024)
def urgent_recommendations(red_flags: tuple[str, ...]) -> tuple[Recommendation, ...]:
    """Return the urgent pathway's recommendations for the red flags that fired."""
    named = "; ".join(RED_FLAG_PHRASES[key] for key in red_flags)
    extra = [_RED_FLAG_EXTRA_SOURCES[key] for key in red_flags if key in _RED_FLAG_EXTRA_SOURCES]
    urgent = make(
        "URGENT_EVALUATION",
        "Red flags found: urgent clinician review is advised, with prompt imaging and referral "
        "to a specialist.",
        f"Red flags found: {named}. These call for immediate imaging and specialist referral to "
        "rule out a serious cause such as a fracture, an infection, a tumour, pressure on the "
        "spinal cord or a nerve, or damage to a neck artery. Until a clinician has excluded "
        "serious disease, no therapy, manipulation, exercise or pain medicine from the routine "
        "plan is suggested. This opens an escalation that stays on the worklist until a "
        "clinician records its outcome.",
        ("S1", "S2", ACR_2024, *extra),
    )
    infection = [key for key in red_flags if key in INFECTION_FLAGS]
    if not infection:
        return (urgent,)
    workup = make(
        "INFECTION_WORKUP",
        "Fever or a recent blood infection: tests for an infection of the spine may be needed.",
        f"Triggered by {' and '.join(RED_FLAG_PHRASES[key] for key in infection)}. The clinician "
        "may arrange blood tests (full blood count, ESR, CRP and two sets of blood cultures) and "
        "an MRI of the spine, looking for infection of the vertebrae (vertebral osteomyelitis).",
        ("S1", IDSA_2015),
    )
    return (urgent, workup)


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
    ("S1", ACR_2024),
)
EXERCISE_THERAPY = make(
    "EXERCISE_THERAPY",
    "Supervised stretching and strengthening exercises, started early, are the first-line "
    "treatment.",
    "Consider a supervised programme of stretching and strengthening for the neck, shoulders "
    "and upper back, starting now rather than waiting for the pain to settle. It gives moderate "
    "pain relief.",
    ("S1",),
    evidence="moderate",
)
SPINAL_MANIPULATION = make(
    "SPINAL_MANIPULATION",
    "Manipulation of the upper back by a trained therapist may ease neck pain and help the neck "
    "move more freely.",
    "Consider referral to a trained therapist for spinal manipulation of the upper back, as "
    "part of the physical treatments alongside exercise. The intake found no warning signs of "
    f"a neck artery problem. {_ARTERY_SAFETY}",
    ("S1", "S3", IFOMPT_2023),
)
THORACIC_MANIPULATION = make(
    "THORACIC_MANIPULATION",
    "Thrust manipulation of the upper back may ease neck pain without any manipulation of the "
    "neck itself.",
    "The patient would rather not have neck manipulation, so none is suggested. Consider "
    "referral for thrust manipulation of the thoracic spine (upper back) instead: it can ease "
    f"neck pain even for people who do not want their neck manipulated. {_ARTERY_SAFETY}",
    ("S3", IFOMPT_2023),
)
POSTURE_ERGONOMICS = make(
    "POSTURE_ERGONOMICS",
    "Physical therapy on posture and ergonomics may reduce the daily strain that keeps neck "
    "pain going.",
    "Consider physical therapy that looks at how the patient sits and stands, their work set-up "
    "(screen height, chair, breaks) and their sleeping position and pillow. Small, steady "
    "strains from these are behind most neck and upper-back pain.",
    ("S1", "S3"),
)
AVOID_BED_REST = make(
    "AVOID_BED_REST",
    "Prolonged bed rest is not advised: it weakens the body and slows recovery.",
    "Encourage the patient to stay as active as the pain allows and to keep up daily life. "
    "Short rests are fine, but days in bed weaken the muscles and make recovery slower.",
    ("S1", ACP_2017),
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
    ("S1", ACP_2017),
    evidence="low",
)
EXPECTED_COURSE = make(
    "EXPECTED_COURSE",
    "Most episodes settle within about 2 months of this care, but nearly half of people keep "
    "some pain or have flare-ups.",
    "Most people improve a great deal within 6 to 8 weeks, and starting exercise early helps. "
    "About half keep some pain or have further episodes, so a slow recovery is not a failure. "
    "No red flags were found today, but a negative check cannot rule out every serious cause: "
    "the patient is encouraged to come back promptly if new symptoms appear, such as fever, "
    "increasing weakness or numbness, clumsy hands, unsteady walking, or bladder or bowel "
    "changes.",
    ("S5", "S6", "S1", COHEN_2015),
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
    ("S1", BMJ_2025, NICE_CKS),
)


# --- Follow-up --------------------------------------------------------------------------------

FOLLOW_UP_VISITS = (
    FollowUpVisit(
        day=14,
        purpose="Medicine review: stop the muscle relaxant if one is being taken, and ask the "
        "red-flag questions again.",
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
        "Not improving after 6 weeks: a review of how the exercise and therapy plan is going is "
        "advised.",
        f"The pain score is {pain_now} now against {baseline} at the intake, short of the drop "
        "of at least 2 points and 30% that counts as a real improvement. Consider checking "
        "whether the exercises and therapy are being done as planned and what gets in the way, "
        "and reviewing the diagnosis and the red flags.",
        ("S1", NICE_CKS),
    )


PERSISTENT_COURSE = make(
    "PERSISTENT_COURSE",
    "Pain has not resolved after 2 months; a clinician review is advised, though lasting pain is "
    "common.",
    "The episode has not resolved by the 2-month mark. Nearly half of people keep some pain or "
    "have flare-ups after an episode like this, so this is not a failure in itself. Consider a "
    "clinician review of the diagnosis, the red flags and the plan. If pain lasts beyond 12 "
    "weeks, a multidisciplinary pain service may be considered.",
    ("S6", "S5", COHEN_2015, NICE_CKS),
)
