"""Demo users and patients for `make run` (never for production)."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from accounts import roles
from accounts import services as account_services
from patients.models import Patient, Sex
from triage.followup import services as followup_services
from triage.intake import services as intake_services
from triage.intake.answers import step_router, submit_draft
from triage.models import ASKED_HISTORY_KEYS, ASKED_RED_FLAG_KEYS, FollowUpStatus

# Documented in the README; for a local demo only.
DEMO_USERS = (
    ("nurse", "upright-nurse", roles.NURSE, "Nadia", "Okafor"),
    ("clinician", "upright-clinician", roles.CLINICIAN, "Carl", "Lindqvist"),
    ("admin", "upright-admin", roles.ADMINISTRATOR, "Ada", "Moreau"),
)

_DEMO_PEOPLE = (
    ("Amina", "Haddad", Sex.FEMALE),
    ("Ben", "Carter", Sex.MALE),
    ("Chloe", "Nguyen", Sex.FEMALE),
    ("Dev", "Patel", Sex.MALE),
    ("Elena", "Rossi", Sex.FEMALE),
    ("Farid", "Khan", Sex.MALE),
    ("Grace", "O'Brien", Sex.FEMALE),
    ("Hugo", "Martin", Sex.MALE),
    ("Ines", "Silva", Sex.FEMALE),
    ("Jonas", "Berg", Sex.MALE),
    ("Kira", "Tanaka", Sex.FEMALE),
    ("Liam", "Walsh", Sex.MALE),
    ("Maya", "Cohen", Sex.FEMALE),
    ("Noah", "Schmidt", Sex.MALE),
    ("Olga", "Ivanova", Sex.FEMALE),
    ("Pablo", "Garcia", Sex.MALE),
    ("Quinn", "Taylor", Sex.INTERSEX),
    ("Rosa", "Fernandez", Sex.FEMALE),
    ("Sam", "Adeyemi", Sex.UNKNOWN),
    ("Tariq", "Hussain", Sex.MALE),
)


@transaction.atomic
def create_demo_data() -> tuple[int, int]:
    """Create or refresh the demo users and patients; return how many of each exist."""
    user_model = get_user_model()
    for username, password, role, first, last in DEMO_USERS:
        user, _ = user_model.objects.get_or_create(username=username)
        user.first_name, user.last_name = first, last
        user.is_staff = role in roles.ADMIN_SITE_ROLES
        user.set_password(password)
        user.save()
        user.groups.set([Group.objects.get(name=role)])
        if settings.DEBUG:
            # The documented demo authenticator secret (README, "Security"): debug only.
            account_services.demo_authenticator_set(user=user)
    for number, (given, family, sex) in enumerate(_DEMO_PEOPLE, start=1):
        born = datetime.date(1950 + (number * 3) % 55, 1 + number % 12, 1 + (number * 7) % 28)
        Patient.objects.update_or_create(
            mrn=f"DEMO-{number:04d}",
            defaults={
                "given_name": given,
                "family_name": family,
                "date_of_birth": born,
                "sex": sex,
                "phone": f"0161 496 {number:04d}",
            },
        )
    _create_demo_intakes(user_model.objects.get(username="nurse"))
    return len(DEMO_USERS), len(_DEMO_PEOPLE)


def _demo_answers(day: datetime.date, **changes: str) -> dict[str, dict[str, str]]:
    """Intake answers as the step forms post them: no red flags, no history, unless changed."""
    onset = (day - datetime.timedelta(days=6)).isoformat()
    steps = {
        "pain": {
            "onset_date": onset,
            "pain_location": "both",
            "pain_score": "7",
            "muscle_spasm": "yes",
            "neuropathic_features": "no",
            "declines_neck_manipulation": "no",
            "takes_muscle_relaxant": "no",
        },
        "red_flags": dict.fromkeys(ASKED_RED_FLAG_KEYS, "no"),
        "history": dict.fromkeys((k for k in ASKED_HISTORY_KEYS if k != "pregnancy_weeks"), "no")
        | {"pregnant": "no"},
    }
    for key, value in changes.items():
        for answers in steps.values():
            if key in answers:
                answers[key] = value
    return steps


# (record number, days ago, answers changed from "no", submitted, visits as (day, pain))
_DEMO_EPISODES = (
    ("DEMO-0001", 0, {}, True, ()),
    ("DEMO-0002", 0, {"fever": "yes"}, True, ()),
    ("DEMO-0003", 0, {}, False, ()),
    # Older episodes, so the worklist and the outcomes page have something to show.
    ("DEMO-0004", 70, {}, True, ((14, 5), (42, 1))),
    ("DEMO-0005", 63, {"neuropathic_features": "yes"}, True, ((14, 6), (42, 6), (56, 5))),
    ("DEMO-0006", 20, {}, True, ()),
    ("DEMO-0007", 14, {"pain_score": "8"}, True, ()),
    # The emergency pathway: first on the worklist, "call an ambulance" on the plan and handout.
    ("DEMO-0008", 0, {"cervical_arterial_signs": "yes"}, True, ()),
)


def _create_demo_intakes(nurse) -> None:
    """Demo episodes at several points of their course, and one unfinished intake; once only."""
    if Patient.objects.filter(mrn__startswith="DEMO-", encounters__isnull=False).exists():
        return
    for mrn, days_ago, changes, submitted, visits in _DEMO_EPISODES:
        patient = Patient.objects.get(mrn=mrn)
        when = timezone.now() - datetime.timedelta(days=days_ago)
        day = timezone.localdate(when)
        draft = None
        for step, answers in _demo_answers(day, **changes).items():
            if step == "history" and not submitted:
                break
            draft = intake_services.save_step(
                owner=nurse,
                draft=draft,
                step=step,
                answers=answers,
                next_step=step_router(today=day),
                patient=patient,
            )
        if not submitted:
            continue
        encounter = submit_draft(draft=draft, user=nurse, now=when)
        for visit_day, pain in visits:
            follow_up = encounter.follow_ups.get(plan_day=visit_day)
            if follow_up.status != FollowUpStatus.SCHEDULED:
                continue
            followup_services.record_visit(
                follow_up=follow_up,
                version=follow_up.version,
                findings=_demo_visit(day + datetime.timedelta(days=visit_day), pain),
                user=nurse,
                now=when + datetime.timedelta(days=visit_day),
            )


def _demo_visit(visit_date: datetime.date, pain: int) -> dict[str, object]:
    from triage.followup.services import FINDING_FIELDS

    findings = dict.fromkeys(FINDING_FIELDS, False)
    return findings | {
        "visit_date": visit_date,
        "pain_score": pain,
        "muscle_relaxant_days": None,
        "global_change": 3 if pain <= 2 else 1,
        "note": "",
        **{f"activity_{slot}_name": "" for slot in (1, 2, 3)},
        **{f"activity_{slot}_score": None for slot in (1, 2, 3)},
    }
