"""Patients and the clinical record of each encounter."""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Func, Q
from django.db.models.functions import Lower
from django.urls import reverse
from simple_history.models import HistoricalRecords

MRN_PATTERN = r"^[A-Z0-9]+(-[A-Z0-9]+)*$"
EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)


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
        return reverse("patients:chart", args=[self.pk])

    @property
    def display_name(self) -> str:
        return f"{self.family_name.upper()}, {self.given_name}"

    def age_on(self, day: datetime.date) -> int:
        """Age in whole years on the given day."""
        had_birthday = (day.month, day.day) >= (self.date_of_birth.month, self.date_of_birth.day)
        return day.year - self.date_of_birth.year - (0 if had_birthday else 1)


class EncounterStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"


class PainLocation(models.TextChoices):
    NECK = "neck", "Neck"
    UPPER_BACK = "upper_back", "Upper back"
    BOTH = "both", "Neck and upper back"


class Pathway(models.TextChoices):
    URGENT = "urgent", "Urgent"
    CONSERVATIVE = "conservative", "Conservative"


class EpisodeStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    IMPROVING = "improving", "Improving"
    NOT_IMPROVING = "not_improving", "Not improving"
    PERSISTENT = "persistent", "Persistent"
    RESOLVED = "resolved", "Resolved"
    ESCALATED = "escalated", "Escalated"


class EncounterQuerySet(models.QuerySet):
    def not_voided(self):
        return self.filter(voided_at__isnull=True)

    def awaiting_review(self):
        return self.filter(needs_review=True, reviewed_at__isnull=True, voided_at__isnull=True)


def _flag(help_text: str, verbose_name: str | None = None) -> models.BooleanField:
    return models.BooleanField(verbose_name, default=False, help_text=help_text)


class Encounter(models.Model):
    """One visit to the clinic; a submitted intake stores every fact as its own typed column."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="encounters")
    occurred_at = models.DateTimeField("when it happened")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="encounters_recorded"
    )
    status = models.CharField(
        max_length=16, choices=EncounterStatus.choices, default=EncounterStatus.DRAFT
    )
    # Idempotency key of the intake that produced this encounter: a replayed submit finds it.
    intake_token = models.UUIDField(unique=True, null=True, blank=True, editable=False)

    # Presenting pain
    age_years = models.PositiveSmallIntegerField(
        "age on the encounter date",
        null=True,
        blank=True,
        validators=[MinValueValidator(16), MaxValueValidator(120)],
    )
    onset_date = models.DateField("date the pain began", null=True, blank=True)
    days_since_onset = models.PositiveIntegerField(null=True, blank=True)
    pain_location = models.CharField(max_length=16, choices=PainLocation.choices, blank=True)
    pain_score = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    muscle_spasm = _flag("Palpable or reported spasm near the neck or upper back")
    neuropathic_features = _flag("Radiating arm pain, burning, electric pain, numbness, tingling")
    declines_neck_manipulation = _flag("Uncomfortable with neck manipulation")
    muscle_relaxant_start = models.DateField(null=True, blank=True)
    muscle_relaxant_days = models.PositiveIntegerField(null=True, blank=True)

    # Red flags (decision table section 1)
    progressive_neuro_deficit = _flag("Progressive neurological deficit")
    fever = _flag("Fever")
    recent_bloodstream_infection = _flag("Recent bloodstream infection")
    malignancy_history = _flag("History of cancer")
    iv_drug_use = _flag("Intravenous drug use", "IV drug use")
    immunosuppression = _flag("Immunosuppression")
    unexplained_weight_loss = _flag("Unexplained weight loss")
    significant_trauma = _flag("Significant trauma")
    osteoporosis = _flag("Known osteoporosis")
    chronic_steroid_use = _flag("Long-term systemic corticosteroids")
    bowel_bladder_dysfunction = _flag("New bowel or bladder dysfunction")
    myelopathy_signs = _flag("Clumsy hands, loss of dexterity or gait imbalance")
    cervical_arterial_signs = _flag("Dizziness, double vision, slurred speech, drop attacks...")

    # History and medicines
    gi_bleed_or_ulcer = _flag("Past peptic ulcer or GI bleeding", "GI bleed or ulcer")
    severe_kidney_disease = _flag("CKD stage 4-5 or eGFR below 30")
    heart_failure = _flag("Heart failure")
    cardiovascular_disease = _flag("Coronary disease, stroke or hypertension")
    recent_myocardial_infarction = _flag("Heart attack in the last 3 months")
    arrhythmia_or_heart_block = _flag("Arrhythmia, heart block or conduction disorder")
    hyperthyroidism = _flag("Overactive thyroid")
    liver_disease = _flag("Hepatic impairment")
    narrow_angle_glaucoma = _flag("Narrow-angle glaucoma")
    nsaid_allergy_or_asthma = _flag("Reaction to aspirin or any NSAID", "NSAID allergy or asthma")
    pregnancy_weeks = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(42)]
    )
    takes_anticoagulant = _flag("Warfarin, a DOAC or heparin")
    takes_maoi = _flag("MAO inhibitor now or in the last 14 days", "takes an MAO inhibitor")
    takes_serotonergic_drug = _flag("SSRI, SNRI, tricyclic, tramadol or similar")

    # Outcome of the engine and of the episode
    pathway = models.CharField(max_length=16, choices=Pathway.choices, blank=True)
    episode_status = models.CharField(
        max_length=16, choices=EpisodeStatus.choices, default=EpisodeStatus.ACTIVE
    )

    # Clinician review
    needs_review = models.BooleanField(default=False)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="encounters_reviewed",
    )

    # Voiding instead of deleting
    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="encounters_voided",
    )
    void_reason = models.TextField(blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = EncounterQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at"]
        permissions = [
            ("sign_off_encounter", "Can sign off an encounter after review"),
            ("void_encounter", "Can void a mistaken encounter"),
            ("view_outcomes", "Can see the clinic's outcome figures"),
        ]
        indexes = [
            models.Index(fields=["patient", "-occurred_at"], name="encounter_patient_recent_idx"),
            # The admin's encounter list: newest first, a page at a time.
            models.Index(fields=["-occurred_at", "-id"], name="encounter_recent_idx"),
            models.Index(
                fields=["occurred_at"],
                condition=Q(needs_review=True, reviewed_at__isnull=True),
                name="encounter_review_queue_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(pain_score__isnull=True) | Q(pain_score__lte=10),
                name="encounter_pain_0_10",
            ),
            models.CheckConstraint(
                condition=Q(age_years__isnull=True) | Q(age_years__gte=16, age_years__lte=120),
                name="encounter_age_adult",
            ),
            models.CheckConstraint(
                condition=Q(pregnancy_weeks__isnull=True)
                | Q(pregnancy_weeks__gte=1, pregnancy_weeks__lte=42),
                name="encounter_pregnancy_weeks_range",
            ),
            models.CheckConstraint(
                condition=Q(muscle_relaxant_start__isnull=True)
                | Q(onset_date__isnull=True)
                | Q(muscle_relaxant_start__gte=F("onset_date")),
                name="encounter_relaxant_after_onset",
            ),
            models.CheckConstraint(
                condition=Q(status=EncounterStatus.DRAFT)
                | (
                    Q(age_years__isnull=False)
                    & Q(days_since_onset__isnull=False)
                    & Q(pain_score__isnull=False)
                    & ~Q(pathway="")
                ),
                name="encounter_submitted_is_complete",
            ),
            models.CheckConstraint(
                condition=Q(voided_at__isnull=True) | ~Q(void_reason=""),
                name="encounter_void_has_reason",
            ),
        ]

    def __str__(self):
        return f"Encounter {self.pk} ({self.occurred_at:%Y-%m-%d})"

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None


class EncounterAwaitingReview(Encounter):
    """The clinicians' review queue in the admin: the same rows as Encounter, filtered there."""

    class Meta:
        proxy = True
        verbose_name = "encounter awaiting review"
        verbose_name_plural = "encounters awaiting review"


class ChartAccess(models.Model):
    """Who opened which patient chart, and when (an append-only audit log)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="chart_accesses")
    accessed_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-accessed_at"]
        verbose_name_plural = "chart accesses"
        # The log grows forever; administrators read it by person and by patient, newest first.
        indexes = [
            models.Index(fields=["user", "-accessed_at"], name="chartaccess_user_recent_idx"),
            models.Index(fields=["patient", "-accessed_at"], name="chartaccess_patient_recent_idx"),
        ]

    def __str__(self):
        return f"Chart access {self.pk}"
