"""Demo users and patients for `make run` (never for production)."""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from . import roles
from .models import Patient, Sex

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
    return len(DEMO_USERS), len(_DEMO_PEOPLE)
