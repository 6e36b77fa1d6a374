"""factory-boy factories: each builds the smallest valid object."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from patients.models import Encounter, EncounterStatus, Patient, Sex


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
