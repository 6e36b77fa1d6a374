"""The patient registry: who the patient is, and who opened their chart."""

import datetime

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Func, Q
from django.db.models.functions import Lower
from django.urls import reverse
from simple_history.models import HistoricalRecords

MRN_PATTERN = r"^[A-Z0-9]+(-[A-Z0-9]+)*$"
EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)


def display_name(family_name: str, given_name: str) -> str:
    """How staff pages name a patient: "OKAFOR, Chidi" (lists that read names as plain values
    use it without building a Patient)."""
    return f"{family_name.upper()}, {given_name}"


class CurrentDate(Func):
    """SQL CURRENT_DATE, usable inside CHECK constraints on SQLite and PostgreSQL."""

    template = "CURRENT_DATE"
    output_field = models.DateField()

    def __init__(self):
        super().__init__()


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    INTERSEX = "intersex", "Intersex"
    UNKNOWN = "unknown", "Not recorded"


class PatientQuerySet(models.QuerySet):
    def search(self, term: str):
        """Match a record number or any part of a name, ignoring case; every word must match."""
        queryset = self
        # Commas split words too, so a name typed as the app shows it ("OKAFOR, Chidi") matches.
        for word in term.replace(",", " ").split():
            queryset = queryset.filter(
                Q(mrn__icontains=word)
                | Q(family_name__icontains=word)
                | Q(given_name__icontains=word)
            )
        return queryset

    def same_person_as(self, *, family_name: str, given_name: str, date_of_birth):
        """Patients who share both names (ignoring case) and the date of birth."""
        return self.filter(
            family_name__iexact=family_name.strip(),
            given_name__iexact=given_name.strip(),
            date_of_birth=date_of_birth,
        )


class Patient(models.Model):
    mrn = models.CharField(
        "medical record number",
        max_length=32,
        unique=True,
        validators=[
            RegexValidator(
                MRN_PATTERN,
                "Use capital letters, digits and single dashes only, e.g. MRN-10234.",
            )
        ],
        help_text="Letters, digits and dashes; stored in capitals.",
    )
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=16, choices=Sex.choices)
    phone = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = PatientQuerySet.as_manager()

    class Meta:
        ordering = ["family_name", "given_name", "mrn"]
        indexes = [
            models.Index(Lower("family_name"), Lower("given_name"), name="patient_name_lower_idx"),
            # The patient list's and the admin's default order, a page at a time.
            models.Index(
                fields=["family_name", "given_name", "mrn"], name="patient_name_order_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(mrn__regex=MRN_PATTERN), name="patient_mrn_format"),
            models.CheckConstraint(
                condition=Q(date_of_birth__lte=CurrentDate()), name="patient_dob_not_future"
            ),
            models.CheckConstraint(
                condition=Q(date_of_birth__gte=EARLIEST_BIRTH_DATE), name="patient_dob_plausible"
            ),
            models.CheckConstraint(
                condition=~Q(given_name="") & ~Q(family_name=""), name="patient_names_not_blank"
            ),
            models.CheckConstraint(condition=Q(sex__in=Sex.values), name="patient_sex_valid"),
        ]

    def __str__(self):
        # Record number only: names must not reach logs through repr/str.
        return f"Patient {self.mrn}"

    def get_absolute_url(self) -> str:
        # The admin's "view on site" opens the chart, so the opening is logged.
        return reverse("triage:patient_chart", args=[self.pk])

    @property
    def display_name(self) -> str:
        return display_name(self.family_name, self.given_name)

    @property
    def display_name_and_mrn(self) -> str:
        """How staff pages name a patient: "OKAFOR, Chidi (MRN-1)". Not for logs (see __str__)."""
        return f"{self.display_name} ({self.mrn})"

    def age_on(self, day: datetime.date) -> int:
        """Age in whole years on the given day."""
        had_birthday = (day.month, day.day) >= (self.date_of_birth.month, self.date_of_birth.day)
        return day.year - self.date_of_birth.year - (0 if had_birthday else 1)


class ChartAccess(models.Model):
    """Who saw which patient's data, on which page, and when (an append-only audit log)."""

    # Written on every page that shows patient data, so it keeps only the indexes its readers
    # use (Meta): the composite ones begin with each of these columns and serve their lookups.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, db_index=False)
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="chart_accesses", db_index=False
    )
    accessed_at = models.DateTimeField(auto_now_add=True)
    # Which page showed it ("chart", "care plan", "search results", "admin encounter", ...).
    page = models.CharField(max_length=48, default="chart")

    class Meta:
        ordering = ["-accessed_at"]
        verbose_name_plural = "chart accesses"
        # The log grows forever; administrators read it by person and by patient, newest first.
        indexes = [
            models.Index(fields=["user", "-accessed_at"], name="chartaccess_user_recent_idx"),
            models.Index(fields=["patient", "-accessed_at"], name="chartaccess_patient_recent_idx"),
            # The admin list's default order (newest first, then -pk).
            models.Index(fields=["-accessed_at", "-id"], name="chartaccess_recent_idx"),
        ]

    def __str__(self):
        return f"Chart access {self.pk}"
