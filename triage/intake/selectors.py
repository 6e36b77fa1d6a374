"""Reads for the intake: a nurse's unfinished drafts, and a stored care plan for display (the
nurse's page and the patient's handout).

A care plan is read from the snapshot stored at submit; nothing here re-runs the engine.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from functools import cached_property

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Prefetch
from django.utils import timezone

from patients.models import Patient
from triage.guideline import FACT_SPECS, HISTORY_KEYS, RED_FLAG_KEYS, Category, Pathway
from triage.intake.handout_warnings import medicine_warnings
from triage.intake.steps import step_title
from triage.models import (
    RULE_SET_1_VERSIONS,
    Encounter,
    Escalation,
    FollowUp,
    IntakeDraft,
    MuscleRelaxant,
    Recommendation,
)

# The home page lists this many drafts; the drafts page lists them all.
DRAFTS_ON_HOME = 10


class DraftList(list):
    """Some of a user's drafts; `has_more` says whether others were left off."""

    has_more = False


def all_drafts_for(user: AbstractBaseUser):
    """The user's unfinished intakes, most recently saved first (`titled` names their next
    steps)."""
    return (
        IntakeDraft.objects.filter(owner=user)
        .select_related("patient")
        .order_by("-updated_at", "-pk")
    )


def titled(drafts) -> list[IntakeDraft]:
    """The drafts, each with `step_title`, the title of its next step, as the lists show it.

    Named here, not by the query: the title as a CASE over every step cost the home page a
    third of its drafts' read (issue 12)."""
    drafts = list(drafts)
    for draft in drafts:
        draft.step_title = step_title(draft.current_step)
    return drafts


def drafts_for(user: AbstractBaseUser, *, limit: int = DRAFTS_ON_HOME) -> DraftList:
    """The user's most recent unfinished intakes, for the home page."""
    rows = titled(all_drafts_for(user)[: limit + 1])
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
    "MANIPULATION_WITHHELD": (
        "Quick hands-on manipulation of your neck or back is not advised for you. A "
        "physiotherapist may use gentle movements of the joints instead."
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
        "Do not take anti-inflammatory painkillers such as ibuprofen or naproxen for this pain, "
        "and do not buy them over the counter from a shop or pharmacy, unless your clinician says "
        "so; ask which painkiller is safe for you. Keep taking any low-dose aspirin a doctor "
        "prescribed."
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
}
# What to do now, said first and plainly on the care plan and the handout (decision table 3.1,
# 3.2): an ambulance for signs of a neck artery problem, the emergency department for any other
# emergency, the clinic's call today for the urgent pathway. Never "wait" on an emergency.
NOW_FOR_STAFF = {
    "ambulance": (
        "Call an ambulance now, before anything else. The patient must not drive. No "
        "manipulation or exercise."
    ),
    "emergency_department": (
        "Send the patient to the emergency department now, driven by someone else or by "
        "ambulance, never driving themselves. No manipulation or exercise."
    ),
    "urgent": (
        "A clinician reviews the patient today, and the clinic calls the patient today: the "
        "handout tells them to expect the call."
    ),
}
NOW_FOR_PATIENT = {
    "ambulance": (
        "Call an ambulance now. Some of the signs you told us about can come from a problem with "
        "a blood vessel in your neck, and you need to be seen in hospital straight away. Do not "
        "drive yourself."
    ),
    "emergency_department": (
        "Go to the emergency department now. Some of the signs you told us about need to be "
        "checked in hospital straight away. Do not drive yourself: ask someone to take you, or "
        "call an ambulance."
    ),
    "urgent": (
        "The clinic will call you today to arrange an urgent check, for example a scan or a "
        "specialist's opinion. If you have not heard from us by the end of today, call the clinic."
    ),
}
# The emergency-tier signs a patient can notice (decision table section 1): any of them means
# going to the emergency department at once.
EMERGENCY_SYMPTOMS = (
    "weakness or numbness in your arms or legs that is new and getting worse, or in both arms "
    "or your legs",
    "new trouble controlling your bladder or bowels",
    "dizziness, double vision, slurred speech, trouble swallowing, sudden falls, or a sudden "
    "very bad headache",
)
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
    def is_emergency(self) -> bool:
        return self.care_plan.pathway == Pathway.EMERGENCY

    @property
    def is_urgent(self) -> bool:
        return self.care_plan.pathway == Pathway.URGENT

    @property
    def is_escalated(self) -> bool:
        return self.care_plan.pathway != Pathway.CONSERVATIVE

    @property
    def what_now(self) -> str:
        """Which action comes first: 'ambulance', 'emergency_department', 'urgent' or ''."""
        if self.is_emergency:
            # Signs of a neck artery problem: an ambulance first (decision table 3.1).
            if "cervical_arterial_signs" in self.care_plan.red_flags:
                return "ambulance"
            return "emergency_department"
        return "urgent" if self.is_urgent else ""

    @property
    def now_for_staff(self) -> str:
        return NOW_FOR_STAFF.get(self.what_now, "")

    @property
    def shows_facts(self) -> bool:
        """Plans stored under rule set 1 render exactly as they were shown, without the panel."""
        return self.care_plan.ruleset not in RULE_SET_1_VERSIONS

    @cached_property
    def facts(self) -> FactsPanel:
        return facts_panel(self.care_plan, cleared_by=self.cleared_by())

    def cleared_by(self) -> dict[str, str]:
        """For a plan made after a cleared escalation: who cleared each red flag, and when."""
        first = self.encounter.continues
        if first is None:
            return {}
        named: dict[str, str] = {}
        for escalation in first.escalations.all():
            for key in escalation.cleared_red_flags:
                when = timezone.localtime(escalation.closed_at)
                named.setdefault(
                    key,
                    f", cleared by {escalation.closed_by.get_username()} on "
                    f"{when.day} {when:%b %Y %H:%M} (serious cause excluded)",
                )
        return named

    def codes(self) -> set[str]:
        return {item.code for item in self.critical} | {
            item.code for group in self.groups for item in group.items
        }


@dataclass(frozen=True)
class FactRow:
    label: str
    answer: str
    stands_out: bool = False


@dataclass(frozen=True)
class FactsPanel:
    """The facts a stored plan was computed from, as a clinician checks them at a glance."""

    presenting: list[FactRow]
    red_flags: list[FactRow]
    history_yes: list[FactRow]
    cleared: list[str]

    @property
    def any_red_flag_yes(self) -> bool:
        return any(row.stands_out for row in self.red_flags)


def _yes_no(value) -> str:
    return "Yes" if value else "No"


def _relaxant_answer(facts: dict) -> str:
    days = facts.get("muscle_relaxant_days")
    if days is None:
        return "None taken"
    name = facts.get("muscle_relaxant_name")
    named = dict(MuscleRelaxant.choices).get(name, "Name not known") if name else "Name not known"
    purpose = (
        ", long term for another condition" if facts.get("muscle_relaxant_other_condition") else ""
    )
    return f"{named}, {days} day{'s' if days != 1 else ''} since the first dose{purpose}"


def _red_flag_answer(key: str, facts: dict, fired: set[str], cleared: set[str]) -> FactRow:
    label = FACT_SPECS[key].label
    if not facts.get(key):
        return FactRow(label, "No")
    if key in fired:
        return FactRow(label, "Yes", stands_out=True)
    if key in cleared:
        return FactRow(label, "Yes, cleared by a clinician", stands_out=True)
    # Answered yes but not counted: the engine counts these only for older patients (S2).
    return FactRow(label, "Yes, not a red flag at this age")


def facts_panel(care_plan, *, cleared_by: dict[str, str] | None = None) -> FactsPanel:
    """The facts the engine was given for this plan (its stored input), nothing re-computed.

    A plan stored under an earlier rule set shows the facts it was given; `cleared_by` names
    who cleared each cleared red flag and when.
    """
    facts = care_plan.input_facts
    presenting = [
        FactRow(label, answer)
        for key, label, answer in (
            ("age", "Age", facts.get("age")),
            ("pain_score", "Pain score", f"{facts.get('pain_score')} of 10"),
            ("days_since_onset", "Days since the pain began", facts.get("days_since_onset")),
            ("muscle_spasm", "Muscle spasm", _yes_no(facts.get("muscle_spasm"))),
            (
                "neuropathic_features",
                FACT_SPECS["neuropathic_features"].label,
                _yes_no(facts.get("neuropathic_features")),
            ),
            (
                "declines_neck_manipulation",
                FACT_SPECS["declines_neck_manipulation"].label,
                _yes_no(facts.get("declines_neck_manipulation")),
            ),
            ("muscle_relaxant_days", "Muscle relaxant", _relaxant_answer(facts)),
        )
        if key in facts
    ]
    fired = set(care_plan.red_flags)
    cleared = set(facts.get("cleared_red_flags") or ())
    red_flags = [
        _red_flag_answer(key, facts, fired, cleared) for key in RED_FLAG_KEYS if key in facts
    ]
    history_yes = [
        FactRow(FACT_SPECS[key].label, f"{facts[key]} weeks" if key == "pregnancy_weeks" else "Yes")
        for key in HISTORY_KEYS
        if facts.get(key)
    ]
    named = cleared_by or {}
    cleared_rows = [
        f"{FACT_SPECS[key].label}{named.get(key, '')}" for key in RED_FLAG_KEYS if key in cleared
    ]
    return FactsPanel(presenting, red_flags, history_yes, cleared_rows)


def encounter_with_plan(pk: int):
    """The query for an encounter with its stored plan and everything the plan page shows."""
    return (
        Encounter.objects.filter(pk=pk, care_plan__isnull=False)
        .select_related("patient", "recorded_by", "care_plan", "continues")
        .prefetch_related(
            Prefetch(
                "continues__escalations",
                queryset=Escalation.objects.filter(closed_at__isnull=False).select_related(
                    "closed_by"
                ),
            ),
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
    do_now: str = ""
    emergency_symptoms: tuple[str, ...] = ()
    medicine_warnings: tuple[str, ...] = ()


def handout(plan: StoredPlan) -> Handout:
    """The patient's handout: first-line advice, what to avoid, when to seek urgent care."""
    codes = plan.codes()
    ordered = [item.code for group in plan.groups for item in group.items]
    return Handout(
        first_line=[HANDOUT_FIRST_LINE[code] for code in ordered if code in HANDOUT_FIRST_LINE],
        medicines=HANDOUT_MEDICINES if codes & MEDICINE_CODES else "",
        avoid=[HANDOUT_AVOID[code] for code in HANDOUT_AVOID if code in codes],
        urgent_symptoms=URGENT_SYMPTOMS,
        do_now=NOW_FOR_PATIENT.get(plan.what_now, ""),
        medicine_warnings=tuple(medicine_warnings(codes, plan.care_plan.input_facts)),
        emergency_symptoms=EMERGENCY_SYMPTOMS if plan.is_urgent else (),
    )
