"""Reads for the intake: a nurse's unfinished drafts, and a stored care plan for display (the
nurse's page and the patient's handout).

A care plan is read from the snapshot stored at submit; nothing here re-runs the engine.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Case, CharField, Prefetch, Value, When

from patients.models import Patient
from triage.guideline import Category
from triage.intake.steps import STEPS
from triage.models import (
    ESCALATED_PATHWAYS,
    Encounter,
    Escalation,
    FollowUp,
    IntakeDraft,
    Recommendation,
)

# The home page lists this many drafts; the drafts page lists them all.
DRAFTS_ON_HOME = 10


class DraftList(list):
    """Some of a user's drafts; `has_more` says whether others were left off."""

    has_more = False


def all_drafts_for(user: AbstractBaseUser):
    """The user's unfinished intakes, most recently saved first, with their next step's title."""
    titles = [When(current_step=step.name, then=Value(step.title)) for step in STEPS]
    return (
        IntakeDraft.objects.filter(owner=user)
        .select_related("patient")
        .annotate(step_title=Case(*titles, default=Value("Review"), output_field=CharField()))
        .order_by("-updated_at", "-pk")
    )


def drafts_for(user: AbstractBaseUser, *, limit: int = DRAFTS_ON_HOME) -> DraftList:
    """The user's most recent unfinished intakes, for the home page."""
    rows = list(all_drafts_for(user)[: limit + 1])
    shown = DraftList(rows[:limit])
    shown.has_more = len(rows) > limit
    return shown


def draft_for_patient(*, owner: AbstractBaseUser, patient: Patient) -> IntakeDraft | None:
    """The owner's latest unfinished intake for this patient, if any."""
    return all_drafts_for(owner).filter(patient=patient).first()


def answers_digest(draft: IntakeDraft) -> str:
    """A fingerprint of the draft's answers: the review page posts it back with the submit."""
    content = json.dumps([draft.patient_id, draft.answers], sort_keys=True)
    return hashlib.sha256(content.encode()).hexdigest()[:32]


def submitted_encounter(token: uuid.UUID) -> Encounter | None:
    """The encounter an intake token already produced, if it was submitted."""
    return Encounter.objects.filter(intake_token=token).first()


GROUP_TITLES = (
    (Category.DO_NOW, "Do now"),
    (Category.CONSIDER, "Consider"),
    (Category.CAUTION, "Cautions and withheld medicines"),
    (Category.DO_NOT, "Do not"),
)

# The handout, in the patient's words. Keyed by recommendation code; written for this product.
HANDOUT_FIRST_LINE = {
    "EXERCISE_THERAPY": (
        "Keep moving. Gentle stretching and strengthening exercises for your neck, shoulders and "
        "upper back help most. Start them now; do not wait for the pain to go first."
    ),
    "SPINAL_MANIPULATION": (
        "A trained therapist may use careful hands-on treatment of your upper back to ease the "
        "pain and help your neck move more freely."
    ),
    "THORACIC_MANIPULATION": (
        "You would rather not have your neck manipulated, so none is planned. A trained "
        "therapist may treat your upper back instead, which can also ease neck pain."
    ),
    "POSTURE_ERGONOMICS": (
        "Look at how you sit, stand, work and sleep: a screen at eye level, a chair that "
        "supports you, regular breaks, and a pillow that keeps your neck level."
    ),
    "EXPECTED_COURSE": (
        "Most people are much better within 6 to 8 weeks. Some pain or flare-ups later on are "
        "common and do not mean that something is wrong."
    ),
}
HANDOUT_MEDICINES = (
    "Your clinician will talk with you about whether a medicine could help alongside these "
    "treatments, and for how long to take it."
)
MEDICINE_CODES = frozenset({"NSAID", "MUSCLE_RELAXANT", "DULOXETINE_SECOND_LINE"})
HANDOUT_AVOID = {
    "NSAID_WITHHELD": (
        "Do not take anti-inflammatory painkillers such as ibuprofen or naproxen for this pain "
        "unless your clinician says so; ask which painkiller is safe for you. Keep taking any "
        "low-dose aspirin a doctor prescribed."
    ),
    "AVOID_BED_REST": (
        "Do not stay in bed for days. Short rests are fine, but staying as active as the pain "
        "allows helps you recover sooner."
    ),
    "NO_ROUTINE_IMAGING": (
        "You do not need an X-ray or scan now. Scans rarely help with this kind of pain and "
        "often show normal changes that come with age."
    ),
    "AVOID_SYSTEMIC_CORTICOSTEROIDS": (
        "Steroid tablets or steroid injections are not recommended for this pain: they do not "
        "help it. Do not stop steroids another doctor prescribed without asking them."
    ),
    "AVOID_INTERVENTIONAL_PROCEDURES": (
        "Spinal injections and nerve-burning treatments are not recommended for long-lasting "
        "neck pain like yours."
    ),
    "MUSCLE_RELAXANT_STOP": (
        "Muscle relaxants should not be taken for more than about two weeks. Talk to your "
        "clinician about stopping yours."
    ),
}
# Red-flag symptoms a patient can notice, in lay words (decision table section 1).
URGENT_SYMPTOMS = (
    "weakness, numbness or tingling in your arms or legs that is getting worse",
    "a fever, or feeling hot and shivery, with the pain",
    "new trouble controlling your bladder or bowels",
    "clumsy hands, or feeling unsteady when you walk",
    "dizziness, double vision, slurred speech, trouble swallowing, sudden falls, or a sudden "
    "very bad headache",
    "losing weight without trying",
    "new pain after a fall, an accident or a hard knock",
)


@dataclass
class RecommendationGroup:
    key: str
    title: str
    items: list[Recommendation] = field(default_factory=list)


@dataclass
class StoredPlan:
    """A stored care plan arranged for display."""

    encounter: Encounter
    critical: list[Recommendation]
    groups: list[RecommendationGroup]
    follow_ups: list[FollowUp]
    escalations: list[Escalation]

    @property
    def care_plan(self):
        return self.encounter.care_plan

    @property
    def is_urgent(self) -> bool:
        """Whether the plan escalated (the emergency and urgent pathways) instead of advising
        conservative care."""
        return self.care_plan.pathway in ESCALATED_PATHWAYS

    def codes(self) -> set[str]:
        return {item.code for item in self.critical} | {
            item.code for group in self.groups for item in group.items
        }


def encounter_with_plan(pk: int):
    """The query for an encounter with its stored plan and everything the plan page shows."""
    return (
        Encounter.objects.filter(pk=pk, care_plan__isnull=False)
        .select_related("patient", "recorded_by", "care_plan")
        .prefetch_related(
            Prefetch(
                "care_plan__recommendations",
                # With each item's clinician feedback (shown beside it, never in the snapshot).
                queryset=Recommendation.objects.select_related("feedback__recorded_by").order_by(
                    "position"
                ),
            ),
            Prefetch("follow_ups", queryset=FollowUp.objects.order_by("due_date", "pk")),
            Prefetch("escalations", queryset=Escalation.objects.order_by("opened_at", "pk")),
        )
    )


def arrange(encounter: Encounter) -> StoredPlan:
    """Split a stored plan into the critical banner and the page's groups, in stored order."""
    critical, groups = group_recommendations(encounter.care_plan.recommendations.all())
    return StoredPlan(
        encounter=encounter,
        critical=critical,
        groups=groups,
        follow_ups=list(encounter.follow_ups.all()),
        escalations=list(encounter.escalations.all()),
    )


def group_recommendations(
    recommendations,
) -> tuple[list[Recommendation], list[RecommendationGroup]]:
    """The critical items, and the others under the care plan page's headings, in stored order."""
    groups = {key: RecommendationGroup(str(key), title) for key, title in GROUP_TITLES}
    critical = []
    for item in recommendations:
        if item.category == Category.URGENT or item.indicator == "critical":
            critical.append(item)
        elif item.category in groups:
            groups[item.category].items.append(item)
        else:
            # A category this page does not know yet still shows, under "Consider".
            groups[Category.CONSIDER].items.append(item)
    return critical, [group for group in groups.values() if group.items]


@dataclass(frozen=True)
class Handout:
    first_line: list[str]
    medicines: str
    avoid: list[str]
    urgent_symptoms: tuple[str, ...]


def handout(plan: StoredPlan) -> Handout:
    """The patient's handout: first-line advice, what to avoid, when to seek urgent care."""
    codes = plan.codes()
    ordered = [item.code for group in plan.groups for item in group.items]
    return Handout(
        first_line=[HANDOUT_FIRST_LINE[code] for code in ordered if code in HANDOUT_FIRST_LINE],
        medicines=HANDOUT_MEDICINES if codes & MEDICINE_CODES else "",
        avoid=[HANDOUT_AVOID[code] for code in HANDOUT_AVOID if code in codes],
        urgent_symptoms=URGENT_SYMPTOMS,
    )
