"""factory-boy factories: each builds the smallest valid object."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from patients.models import Patient, Sex
from triage.guideline import INTAKE_KEYS, IntakeFacts, Pathway, evaluate_intake
from triage.intake.outcome_tallies import refresh_outcome_tallies
from triage.intake.services import store_plan
from triage.models import ASKED_RED_FLAG_KEYS, Encounter, EncounterStatus, Recommendation


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct-horse-battery")


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    mrn = factory.Sequence(lambda n: f"MRN-{n:06d}")
    given_name = factory.Sequence(lambda n: f"Given{n}")
    family_name = factory.Sequence(lambda n: f"Family{n}")
    date_of_birth = datetime.date(1980, 5, 17)
    sex = Sex.FEMALE


class EncounterFactory(factory.django.DjangoModelFactory):
    """A submitted conservative encounter with the minimum facts."""

    class Meta:
        model = Encounter

    patient = factory.SubFactory(PatientFactory)
    recorded_by = factory.SubFactory(UserFactory)
    occurred_at = factory.LazyFunction(timezone.now)
    status = EncounterStatus.SUBMITTED
    age_years = 46
    days_since_onset = 3
    pain_score = 5
    pathway = "conservative"


# --- Clinical review (admin) helpers; reuse them rather than adding look-alikes. ---


class CarePlanFactory(factory.django.DjangoModelFactory):
    """A stored conservative plan with no recommendations (add RecommendationFactory rows)."""

    class Meta:
        model = "triage.CarePlan"

    encounter = factory.SubFactory(EncounterFactory)
    ruleset = "test-1"
    pathway = factory.SelfAttribute("encounter.pathway")
    red_flags = factory.LazyFunction(list)
    input_facts = factory.LazyAttribute(
        lambda plan: {
            "age": plan.encounter.age_years,
            "days_since_onset": plan.encounter.days_since_onset,
            "pain_score": plan.encounter.pain_score,
        }
    )


class UrgentEncounterFactory(EncounterFactory):
    """A submitted urgent encounter (fever) waiting for a clinician's sign-off."""

    pathway = "urgent"
    fever = True
    needs_review = True


class RecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "triage.Recommendation"

    care_plan = factory.SubFactory(CarePlanFactory)
    position = factory.Sequence(lambda n: n)
    code = "EXERCISE_THERAPY"
    indicator = "info"
    category = "do_now"
    summary = "Start gentle stretching and strengthening exercises."
    detail = "Supervised exercise, started early."
    sources = factory.LazyFunction(lambda: ["S1"])
    ruleset = "test-1"


class FollowUpFactory(factory.django.DjangoModelFactory):
    """A scheduled visit due 14 days after its encounter."""

    class Meta:
        model = "triage.FollowUp"

    encounter = factory.SubFactory(EncounterFactory)
    due_date = factory.LazyAttribute(
        lambda visit: timezone.localdate(visit.encounter.occurred_at) + datetime.timedelta(14)
    )
    plan_day = 14
    purpose = "Medicine review"


class VisitRecordFactory(factory.django.DjangoModelFactory):
    """The findings of a completed visit; its follow-up is marked completed."""

    class Meta:
        model = "triage.VisitRecord"

    follow_up = factory.SubFactory(FollowUpFactory, status="completed")
    visit_date = factory.SelfAttribute("follow_up.due_date")
    day = factory.SelfAttribute("follow_up.plan_day")
    pain_score = 3
    global_change = 2
    outcome_status = "improving"
    ruleset = "test-1"
    input_facts = factory.LazyAttribute(
        lambda visit: {"day": visit.day, "pain_score": visit.pain_score, "global_change": 2}
    )
    recorded_by = factory.SubFactory(UserFactory)


class EscalationFactory(factory.django.DjangoModelFactory):
    """An open escalation from an urgent intake."""

    class Meta:
        model = "triage.Escalation"

    encounter = factory.SubFactory(UrgentEncounterFactory)
    red_flags = factory.LazyFunction(lambda: ["fever"])
    opened_at = factory.SelfAttribute("encounter.occurred_at")


class ChartAccessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "patients.ChartAccess"

    user = factory.SubFactory(UserFactory)
    patient = factory.SubFactory(PatientFactory)


# --- Intake (issue 4) ---


class IntakeDraftFactory(factory.django.DjangoModelFactory):
    """A nurse's unfinished intake with the patient chosen and nothing else answered."""

    class Meta:
        model = "triage.IntakeDraft"

    owner = factory.SubFactory(UserFactory)
    patient = factory.SubFactory(PatientFactory)
    token = factory.Faker("uuid4", cast_to=None)
    current_step = "pain"
    answers = factory.LazyAttribute(lambda draft: {"patient": {"patient": str(draft.patient.pk)}})


# --- Follow-up (issue 5) helpers. ---


def make_conservative_episode(*, schedule: bool = True, **encounter_fields) -> Encounter:
    """A submitted conservative encounter with its engine-built care plan snapshot.

    `CarePlan.input_facts` is exactly what `IntakeFacts.from_mapping` reads; with `schedule`
    the plan's visits (days 14, 42, 56) are created as scheduled follow-ups.
    """
    encounter = EncounterFactory(**encounter_fields)
    intake_day = timezone.localdate(encounter.occurred_at)
    columns = {"age": "age_years"} | {f.name: f.name for f in Encounter._meta.local_fields}
    answers = {key: getattr(encounter, columns[key]) for key in INTAKE_KEYS if key in columns}
    answers["muscle_relaxant_name"] = answers.get("muscle_relaxant_name") or None
    facts = IntakeFacts.from_mapping({**answers, "encounter_date": intake_day.isoformat()})
    plan = evaluate_intake(facts)
    if plan.pathway != Pathway.CONSERVATIVE:
        raise ValueError("make_conservative_episode needs facts without red flags")
    care_plan = CarePlanFactory(
        encounter=encounter,
        ruleset=plan.ruleset,
        pathway=str(plan.pathway),
        input_facts=facts.to_dict(),
    )
    Recommendation.objects.bulk_create(
        Recommendation.snapshots(plan.recommendations, ruleset=plan.ruleset, care_plan=care_plan)
    )
    if schedule:
        for visit in plan.follow_ups:
            FollowUpFactory(
                encounter=encounter,
                due_date=intake_day + datetime.timedelta(days=visit.day),
                plan_day=visit.day,
                purpose=visit.purpose,
            )
    # As the intake service does (`store_plan`): the outcomes page reads these tallies.
    refresh_outcome_tallies(encounters=[encounter])
    return encounter


def make_red_flag_episode(**encounter_fields):
    """An intake with red flags: the engine's plan and its escalation stored by the intake's
    own service (so an emergency plan opens an emergency escalation)."""
    encounter = EncounterFactory(needs_review=True, **encounter_fields)
    columns = {"age": "age_years"} | {f.name: f.name for f in Encounter._meta.local_fields}
    answers = {key: getattr(encounter, columns[key]) for key in INTAKE_KEYS if key in columns}
    # The column keeps "" for a relaxant with no name; the engine reads null.
    answers["muscle_relaxant_name"] = answers.get("muscle_relaxant_name") or None
    intake_day = timezone.localdate(encounter.occurred_at)
    facts = IntakeFacts.from_mapping({**answers, "encounter_date": intake_day.isoformat()})
    plan = evaluate_intake(facts)
    encounter.pathway = str(plan.pathway)
    encounter.episode_status = "escalated"
    encounter.save()
    store_plan(
        encounter=encounter,
        plan=plan,
        facts=facts.to_dict(),
        user=encounter.recorded_by,
        now=encounter.occurred_at,
    )
    return encounter


def visit_findings(visit_date: datetime.date, **overrides) -> dict[str, object]:
    """A visit form's cleaned data: pain 3, no change, no red flags, no activities."""
    findings: dict[str, object] = {
        "visit_date": visit_date,
        "pain_score": 3,
        "muscle_relaxant_days": None,
        "global_change": 0,
        "note": "",
        **{f"activity_{slot}_name": "" for slot in (1, 2, 3)},
        **{f"activity_{slot}_score": None for slot in (1, 2, 3)},
        **dict.fromkeys(ASKED_RED_FLAG_KEYS, False),
    }
    return findings | overrides
