"""The clinical record of one episode: the intake encounter, its draft, the stored care plan,
follow-up visits and escalations."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from simple_history.models import HistoricalRecords

from patients.models import Patient
from triage.guideline import HISTORY_KEYS, RED_FLAG_KEYS, EpisodeStatus, Pathway


def yes_no_field(help_text: str, verbose_name: str | None = None) -> models.BooleanField:
    """A clinical yes/no answer: stored as a boolean, no unless answered yes."""
    return models.BooleanField(verbose_name, default=False, help_text=help_text)


def engine_choices(values) -> list[tuple[str, str]]:
    """Model choices taken from one of the engine's enumerations, so both never drift apart."""
    return [(str(value), str(value).replace("_", " ").capitalize()) for value in values]


PATHWAY_CHOICES = engine_choices(Pathway)
# The pathways that open an escalation instead of a conservative plan.
ESCALATED_PATHWAYS: tuple[str, ...] = (str(Pathway.EMERGENCY), str(Pathway.URGENT))
EPISODE_STATUS_CHOICES = engine_choices(EpisodeStatus)


def episode_status_label(status: str) -> str:
    """The readable name of an episode status (the stored value if it is not one we know)."""
    return dict(EPISODE_STATUS_CHOICES).get(status, status)


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class VoidableModel(models.Model):
    """Clinical records are never deleted: a mistaken one is voided, with who, when and why."""

    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="%(class)s_voided",
    )
    void_reason = models.TextField(blank=True)

    class Meta:
        abstract = True

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None


def void_has_reason(prefix: str) -> models.CheckConstraint:
    """The database refuses a void without a reason."""
    return models.CheckConstraint(
        condition=Q(voided_at__isnull=True) | ~Q(void_reason=""), name=f"{prefix}_void_has_reason"
    )


class RedFlagAnswers(models.Model):
    """The red-flag screen (decision table section 1), asked at the intake and at every visit."""

    progressive_neuro_deficit = yes_no_field("Progressive neurological deficit")
    fever = yes_no_field("Fever")
    recent_bloodstream_infection = yes_no_field("Recent bloodstream infection")
    malignancy_history = yes_no_field("History of cancer")
    iv_drug_use = yes_no_field("Intravenous drug use", "IV drug use")
    immunosuppression = yes_no_field("Immunosuppression")
    unexplained_weight_loss = yes_no_field("Unexplained weight loss")
    significant_trauma = yes_no_field("Significant trauma")
    osteoporosis = yes_no_field("Known osteoporosis")
    chronic_steroid_use = yes_no_field("Long-term systemic corticosteroids")
    bowel_bladder_dysfunction = yes_no_field("New bowel or bladder dysfunction")
    myelopathy_signs = yes_no_field("Clumsy hands, loss of dexterity or gait imbalance")
    cervical_arterial_signs = yes_no_field(
        "Dizziness, double vision, slurred speech, drop attacks..."
    )
    night_pain = yes_no_field("Pain that does not ease with rest and disturbs sleep every night")

    class Meta:
        abstract = True


class EncounterStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"


class PainLocation(models.TextChoices):
    NECK = "neck", "Neck"
    UPPER_BACK = "upper_back", "Upper back"
    BOTH = "both", "Neck and upper back"


class MuscleRelaxant(models.TextChoices):
    """The relaxants the decision table tells apart (section 1, `muscle_relaxant_name`)."""

    CYCLOBENZAPRINE = "cyclobenzaprine", "Cyclobenzaprine"
    METHOCARBAMOL = "methocarbamol", "Methocarbamol"
    TIZANIDINE = "tizanidine", "Tizanidine"
    BACLOFEN = "baclofen", "Baclofen"
    OTHER = "other", "Another muscle relaxant"


# Signed-off work is done and a voided encounter needs none: what is left waits for a clinician.
AWAITING_REVIEW = Q(needs_review=True, reviewed_at__isnull=True, voided_at__isnull=True)


def review_priority() -> Case:
    """The review queue's first sort key: 0 for an emergency, 1 for urgent, 2 for the rest."""
    return Case(
        When(pathway=str(Pathway.EMERGENCY), then=Value(0)),
        When(pathway=str(Pathway.URGENT), then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


class EncounterQuerySet(models.QuerySet):
    def not_voided(self):
        return self.filter(voided_at__isnull=True)

    def with_outcome(self):
        """Submitted, not voided episodes, each with what the outcome figures count of it: the
        course day of its first resolved visit (None if none), its visits missed and closed
        (missed or completed), and whether it ever had an escalation. Voided visits left out."""
        visits = (
            FollowUp.objects.filter(encounter=OuterRef("pk"), voided_at__isnull=True)
            .order_by()
            .values("encounter")
        )

        def visits_counted(**status) -> Coalesce:
            return Coalesce(
                Subquery(visits.filter(**status).annotate(n=Count("pk")).values("n")), 0
            )

        return self.filter(status=EncounterStatus.SUBMITTED, voided_at__isnull=True).annotate(
            first_resolved_day=Subquery(
                visits.filter(visit__outcome_status=EpisodeStatus.RESOLVED)
                .annotate(first=Min("visit__day"))
                .values("first")
            ),
            missed_visits=visits_counted(status=FollowUpStatus.MISSED),
            closed_visits=visits_counted(
                status__in=[FollowUpStatus.MISSED, FollowUpStatus.COMPLETED]
            ),
            ever_escalated=Exists(Escalation.objects.filter(encounter=OuterRef("pk"))),
        )

    def outcome_tallies(self, **group_by):
        """`with_outcome` episodes counted per course day of first resolution and `group_by`
        (expressions by name): `OutcomeTally`'s columns."""
        return (
            self.with_outcome()
            .order_by()
            .values("first_resolved_day", **group_by)
            .annotate(
                episodes=Count("pk"),
                persistent=Count("pk", filter=Q(episode_status=EpisodeStatus.PERSISTENT)),
                escalated=Count("pk", filter=Q(ever_escalated=True)),
                visits_missed=Sum("missed_visits"),
                visits_closed=Sum("closed_visits"),
            )
        )

    def awaiting_review(self):
        return self.filter(AWAITING_REVIEW)

    def review_queue(self):
        """Awaiting sign-off: emergencies first, then urgent ones, then drug cautions (decision
        table 3), the longest waiting first within each; `encounter_review_order_idx` serves it."""
        return (
            self.awaiting_review()
            .annotate(urgent_first=review_priority())
            .order_by("urgent_first", "occurred_at", "pk")
        )


class Encounter(RedFlagAnswers, TimestampedModel, VoidableModel):
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
    # Set on the conservative plan a clinician made after excluding serious disease: the
    # escalated encounter whose facts it reuses (decision table section 4).
    continues = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="continuations",
        verbose_name="continues the escalated encounter",
    )

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
    muscle_spasm = yes_no_field("Palpable or reported spasm near the neck or upper back")
    neuropathic_features = yes_no_field(
        "Radiating arm pain, burning, electric pain, numbness, tingling"
    )
    declines_neck_manipulation = yes_no_field("Uncomfortable with neck manipulation")
    # The first dose may be before this episode's onset (a relaxant taken for another condition).
    muscle_relaxant_start = models.DateField(null=True, blank=True)
    muscle_relaxant_days = models.PositiveIntegerField(null=True, blank=True)
    muscle_relaxant_name = models.CharField(
        max_length=32, choices=MuscleRelaxant.choices, blank=True, help_text="Blank: not known."
    )
    muscle_relaxant_other_condition = yes_no_field(
        "Prescribed long term for another condition, not for this pain"
    )

    # History and medicines
    gi_bleed_or_ulcer = yes_no_field("Past peptic ulcer or GI bleeding", "GI bleed or ulcer")
    severe_kidney_disease = yes_no_field("CKD stage 4-5 or eGFR below 30")
    heart_failure = yes_no_field("Heart failure")
    cardiovascular_disease = yes_no_field("Coronary disease, stroke or hypertension")
    recent_myocardial_infarction = yes_no_field("Heart attack in the last 3 months")
    arrhythmia_or_heart_block = yes_no_field("Arrhythmia, heart block or conduction disorder")
    hyperthyroidism = yes_no_field("Overactive thyroid")
    liver_disease = yes_no_field("Hepatic impairment")
    narrow_angle_glaucoma = yes_no_field("Narrow-angle glaucoma")
    nsaid_allergy_or_asthma = yes_no_field(
        "Reaction to aspirin or any NSAID", "NSAID allergy or asthma"
    )
    inflammatory_arthritis = yes_no_field(
        "Rheumatoid arthritis, ankylosing spondylitis or another inflammatory arthritis"
    )
    previous_neck_surgery = yes_no_field("Surgery or fixation (plates, screws) on the neck")
    bleeding_disorder = yes_no_field("A bleeding disorder, e.g. haemophilia")
    uncontrolled_hypertension = yes_no_field("High blood pressure that is not controlled")
    pregnancy_weeks = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(42)]
    )
    breastfeeding = yes_no_field("Breastfeeding now")
    heavy_alcohol_use = yes_no_field("More than 14 units a week, or binge drinking")
    takes_anticoagulant = yes_no_field("Warfarin, a DOAC or heparin")
    takes_antiplatelet = yes_no_field("Aspirin for the heart or stroke, clopidogrel, prasugrel...")
    takes_maoi = yes_no_field("MAO inhibitor now or in the last 14 days", "takes an MAO inhibitor")
    takes_serotonergic_drug = yes_no_field("SSRI, SNRI, tricyclic, tramadol or similar")
    takes_sedating_medicine = yes_no_field(
        "Opioid, benzodiazepine, gabapentin, pregabalin or sleeping tablets"
    )
    takes_cyp1a2_inhibitor = yes_no_field(
        "Fluvoxamine or ciprofloxacin", "takes a CYP1A2 inhibitor"
    )

    # Outcome of the engine and of the episode
    pathway = models.CharField(max_length=16, choices=PATHWAY_CHOICES, blank=True)
    episode_status = models.CharField(
        max_length=16, choices=EPISODE_STATUS_CHOICES, default=EpisodeStatus.ACTIVE
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
            # The admin's review queue in its own order, a page at a time (review_queue): no
            # sort of every waiting encounter on each page.
            models.Index(
                review_priority(),
                F("occurred_at"),
                F("id"),
                condition=AWAITING_REVIEW,
                name="encounter_review_order_idx",
            ),
            # The few voided encounters, which lists of follow-ups leave out (an anti-join).
            models.Index(
                fields=["id"], condition=Q(voided_at__isnull=False), name="encounter_voided_idx"
            ),
            # The outcomes page: submitted, not voided episodes by intake date.
            models.Index(
                fields=["occurred_at"],
                condition=Q(status="submitted", voided_at__isnull=True),
                name="encounter_outcomes_idx",
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
            # A relaxant named, or taken for another condition, has a start (decision table 1).
            models.CheckConstraint(
                condition=Q(muscle_relaxant_start__isnull=False)
                | (Q(muscle_relaxant_name="") & Q(muscle_relaxant_other_condition=False)),
                name="encounter_relaxant_named_has_start",
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
            void_has_reason("encounter"),
            # One conservative plan (not voided) per escalated episode.
            models.UniqueConstraint(
                fields=["continues"],
                condition=Q(continues__isnull=False, voided_at__isnull=True),
                name="encounter_one_conservative_plan_per_episode",
            ),
        ]

    def __str__(self):
        return f"Encounter {self.pk} ({self.occurred_at:%Y-%m-%d})"


def _stored(keys: tuple[str, ...], model: type[models.Model]) -> tuple[str, ...]:
    columns = {field.name for field in model._meta.local_fields}
    return tuple(key for key in keys if key in columns)


# The engine's questions this record keeps in columns, in the engine's order: the intake and visit
# forms ask exactly these. A question of the engine without a column yet (rule set 2 adds some)
# is not asked and counts as no; adding the column makes the forms ask it.
ASKED_RED_FLAG_KEYS: tuple[str, ...] = _stored(RED_FLAG_KEYS, Encounter)
ASKED_HISTORY_KEYS: tuple[str, ...] = _stored(HISTORY_KEYS, Encounter)


class EncounterAwaitingReview(Encounter):
    """The clinicians' review queue in the admin: the same rows as Encounter, filtered there."""

    class Meta:
        proxy = True
        verbose_name = "encounter awaiting review"
        verbose_name_plural = "encounters awaiting review"


class IntakeDraft(TimestampedModel):
    """A nurse's unfinished intake, saved after every step so nothing is lost."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="intake_drafts"
    )
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, null=True, blank=True, related_name="intake_drafts"
    )
    token = models.UUIDField(unique=True)
    current_step = models.CharField(max_length=32, blank=True)
    # Raw, not-yet-validated form answers per step; becomes typed columns on submit.
    answers = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["owner", "-updated_at"], name="draft_owner_recent_idx")]

    def __str__(self):
        return f"Intake draft {self.pk}"


class KeptStep(models.Model):
    """An intake step posted after its session had ended, kept for the same user to restore.

    Kept here, never in a URL. Restored only while the draft has not been saved since
    (`draft_saved_at` equals the draft's `updated_at`): newer saved answers always win. Deleted
    once shown (or when the draft goes)."""

    draft = models.ForeignKey(IntakeDraft, on_delete=models.CASCADE, related_name="kept_steps")
    # Whose typing it was: only this user is ever shown it.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    step = models.CharField(max_length=32)
    # The step's fields as posted (the same shape as a draft's answers for one step).
    answers = models.JSONField(default=dict)
    draft_saved_at = models.DateTimeField()
    kept_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["draft", "user", "step"], name="kept_step_once")
        ]

    def __str__(self):
        return f"Kept step {self.pk}"


class CarePlan(models.Model):
    """The engine's plan for one encounter, frozen as shown to the nurse."""

    encounter = models.OneToOneField(Encounter, on_delete=models.PROTECT, related_name="care_plan")
    ruleset = models.CharField("rule-set version", max_length=32)
    pathway = models.CharField(max_length=16)
    red_flags = models.JSONField(default=list, blank=True)
    # The facts exactly as the engine evaluated them.
    input_facts = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Care plan for encounter {self.encounter_id}"


# The day-14 visit is the medicine review (decision table section 4): it asks the medicine
# questions again, and when missed it stays a task on the worklist until a visit is recorded.
MEDICINE_REVIEW_DAY = 14


class FollowUpStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    COMPLETED = "completed", "Completed"
    MISSED = "missed", "Missed"
    CANCELLED = "cancelled", "Cancelled"


class FollowUpQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=FollowUpStatus.SCHEDULED, voided_at__isnull=True)

    def due_on(self, day):
        return self.open().filter(due_date=day)

    def with_patient(self):
        return self.select_related("encounter__patient")


class FollowUp(TimestampedModel, VoidableModel):
    """A visit in an episode's course: scheduled from the plan or added by staff."""

    encounter = models.ForeignKey(Encounter, on_delete=models.PROTECT, related_name="follow_ups")
    due_date = models.DateField()
    plan_day = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Day of the course the plan scheduled it for."
    )
    purpose = models.CharField(max_length=200)
    status = models.CharField(
        max_length=16, choices=FollowUpStatus.choices, default=FollowUpStatus.SCHEDULED
    )
    status_reason = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups_recorded",
    )
    recorded_at = models.DateTimeField(null=True, blank=True)
    # Optimistic lock: a write must name the version it read.
    version = models.PositiveIntegerField(default=1)
    # A missed medicine review is done once a visit of its episode is recorded on or after its
    # due date (and again not done if that visit is voided). The services that record, miss
    # or void a visit keep this mark, so the worklist reads it instead of looking for the visit.
    review_done = models.BooleanField(default=False, db_default=False, editable=False)

    # The mark is derived from other rows and kept by bulk updates: the audit trail has no use
    # for it.
    history = HistoricalRecords(excluded_fields=["review_done"])
    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [
            # The worklist's visit groups and the admin's follow-up list, in their order (due
            # date, then pk): a group's first rows and its capped count stop after a few index
            # entries, however many are due. With the encounter, so the admin list counts its
            # overdue visits from the index alone.
            models.Index(
                fields=["due_date", "id"],
                include=["encounter"],
                condition=Q(status="scheduled", voided_at__isnull=True),
                name="followup_open_due_idx",
            ),
            models.Index(fields=["encounter", "due_date"], name="followup_encounter_due_idx"),
            # The worklist's missed medicine reviews (a task until a visit is recorded).
            models.Index(
                fields=["due_date", "id"],
                condition=Q(
                    status="missed",
                    plan_day=MEDICINE_REVIEW_DAY,
                    voided_at__isnull=True,
                    review_done=False,
                ),
                name="followup_review_due_idx",
            ),
            # The admin list's default order (due_date, pk) over every follow-up.
            models.Index(fields=["due_date", "id"], name="followup_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=FollowUpStatus.values), name="followup_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[FollowUpStatus.MISSED, FollowUpStatus.CANCELLED])
                | ~Q(status_reason=""),
                name="followup_missed_cancelled_has_reason",
            ),
            void_has_reason("followup"),
        ]

    def __str__(self):
        return f"Follow-up {self.pk} due {self.due_date:%Y-%m-%d}"


class GlobalChange(models.IntegerChoices):
    MUCH_WORSE = -5, "-5 vastly worse"
    M4 = -4, "-4"
    M3 = -3, "-3"
    M2 = -2, "-2"
    M1 = -1, "-1"
    UNCHANGED = 0, "0 unchanged"
    P1 = 1, "+1"
    P2 = 2, "+2"
    P3 = 3, "+3"
    P4 = 4, "+4"
    RECOVERED = 5, "+5 completely recovered"


def _activity_score():
    return models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(10)]
    )


class VisitRecord(RedFlagAnswers):
    """What was found at a completed follow-up visit, and the engine's assessment of it."""

    follow_up = models.OneToOneField(FollowUp, on_delete=models.PROTECT, related_name="visit")
    visit_date = models.DateField()
    day = models.PositiveSmallIntegerField(help_text="Days since the intake encounter.")
    pain_score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    muscle_relaxant_days = models.PositiveIntegerField(null=True, blank=True)
    global_change = models.SmallIntegerField(choices=GlobalChange.choices)
    activity_1_name = models.CharField(max_length=100, blank=True)
    activity_1_score = _activity_score()
    activity_2_name = models.CharField(max_length=100, blank=True)
    activity_2_score = _activity_score()
    activity_3_name = models.CharField(max_length=100, blank=True)
    activity_3_score = _activity_score()
    note = models.TextField(blank=True)

    # The engine's assessment, frozen as shown.
    outcome_status = models.CharField(max_length=16)
    ruleset = models.CharField("rule-set version", max_length=32)
    input_facts = models.JSONField()
    red_flags = models.JSONField(default=list, blank=True)
    # The engine's sentence explaining the status, as shown (empty for visits stored before it).
    status_text = models.TextField(blank=True)

    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="visits_recorded"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["visit_date", "pk"]
        indexes = [
            # The admin list's default order; the per-rule report's date range uses its prefix.
            models.Index(fields=["visit_date", "id"], name="visitrecord_date_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(pain_score__lte=10), name="visit_pain_0_10"),
            models.CheckConstraint(
                condition=Q(global_change__gte=-5, global_change__lte=5),
                name="visit_global_change_range",
            ),
            models.CheckConstraint(
                condition=(Q(activity_1_score__isnull=True) | Q(activity_1_score__lte=10))
                & (Q(activity_2_score__isnull=True) | Q(activity_2_score__lte=10))
                & (Q(activity_3_score__isnull=True) | Q(activity_3_score__lte=10)),
                name="visit_activity_scores_0_10",
            ),
        ]

    def __str__(self):
        return f"Visit {self.pk} (day {self.day})"


# Stored plans are never rewritten: what rule set 1 stored is shown exactly as it was then.
RULE_SET_1_VERSIONS = frozenset({"2026.11-1"})


def is_summary_source(source: str) -> bool:
    """Whether a stored source is one of the guideline summary's numbers (S1 to S6)."""
    return len(source) == 2 and source[0] == "S" and source[1].isdigit()


class Recommendation(models.Model):
    """One recommendation exactly as shown, in a care plan or a visit assessment."""

    care_plan = models.ForeignKey(
        CarePlan, on_delete=models.PROTECT, null=True, blank=True, related_name="recommendations"
    )
    visit = models.ForeignKey(
        VisitRecord,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recommendations",
    )
    position = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=64)
    indicator = models.CharField(max_length=16)
    category = models.CharField(max_length=16)
    summary = models.CharField(max_length=200)
    detail = models.TextField()
    sources = models.JSONField(default=list)
    evidence = models.CharField(max_length=64, blank=True)
    ruleset = models.CharField("rule-set version", max_length=32)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(care_plan__isnull=False) & Q(visit__isnull=True))
                | (Q(care_plan__isnull=True) & Q(visit__isnull=False)),
                name="recommendation_has_one_parent",
            ),
            models.CheckConstraint(
                condition=Q(indicator__in=["info", "warning", "critical"]),
                name="recommendation_indicator_valid",
            ),
        ]
        indexes = [models.Index(fields=["code"], name="recommendation_code_idx")]

    def __str__(self):
        return self.code

    @property
    def lists_primary_sources_first(self) -> bool:
        """Rule set 2 shows the primary documents first; a rule-set-1 card keeps its order."""
        return self.ruleset not in RULE_SET_1_VERSIONS

    @property
    def primary_sources(self) -> list[str]:
        """The documents a clinician can look up (rule set 2 names them first)."""
        return [source for source in self.sources if not is_summary_source(source)]

    @property
    def summary_sources(self) -> list[str]:
        """The guideline summary's numbered sources, S1 to S6, kept as stored."""
        return [source for source in self.sources if is_summary_source(source)]

    @classmethod
    def snapshots(
        cls, items, *, ruleset: str, care_plan=None, visit=None
    ) -> list["Recommendation"]:
        """Unsaved rows freezing the engine's recommendations exactly as they are shown."""
        return [
            cls(
                care_plan=care_plan,
                visit=visit,
                position=position,
                code=item.code,
                indicator=str(item.indicator),
                category=str(item.category),
                summary=item.summary,
                detail=item.detail,
                sources=list(item.sources),
                evidence=item.evidence or "",
                ruleset=ruleset,
            )
            for position, item in enumerate(items, start=1)
        ]


class EscalationOutcome(models.TextChoices):
    IMAGING_ORDERED = "imaging_ordered", "Imaging ordered"
    REFERRED = "referred", "Referred to a specialist"
    SERIOUS_CAUSE_EXCLUDED = "serious_cause_excluded", "Serious cause excluded"
    OTHER = "other", "Other"


class EscalationPriority(models.TextChoices):
    """How fast a clinician must act (decision table 3.1, 3.2). Stored values sort emergency
    first, which the worklist's index relies on."""

    EMERGENCY = "emergency", "Emergency"
    URGENT = "urgent", "Urgent"


class EscalationQuerySet(models.QuerySet):
    def most_pressing_first(self):
        """Emergency before urgent, then the oldest first."""
        return self.order_by("priority", "opened_at", "pk")

    def open(self):
        # A voided encounter or a voided visit takes its escalations off the worklist.
        return self.filter(closed_at__isnull=True, encounter__voided_at__isnull=True).filter(
            Q(visit__isnull=True) | Q(visit__follow_up__voided_at__isnull=True)
        )


class Escalation(models.Model):
    """Red flags that need a clinician: open until a clinician records the outcome."""

    encounter = models.ForeignKey(Encounter, on_delete=models.PROTECT, related_name="escalations")
    visit = models.ForeignKey(
        VisitRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="escalations"
    )
    red_flags = models.JSONField(default=list)
    priority = models.CharField(
        max_length=16, choices=EscalationPriority.choices, default=EscalationPriority.URGENT
    )
    opened_at = models.DateTimeField()
    outcome = models.CharField(max_length=32, choices=EscalationOutcome.choices, blank=True)
    # The red flags a clinician excluded by closing with "serious cause excluded" (decision
    # table section 4); who and when are closed_by and closed_at.
    cleared_red_flags = models.JSONField(default=list, blank=True)
    outcome_note = models.TextField(blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="escalations_closed",
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()
    objects = EscalationQuerySet.as_manager()

    class Meta:
        ordering = ["opened_at", "pk"]
        permissions = [("close_escalation", "Can record the outcome of an escalation")]
        indexes = [
            models.Index(
                fields=["opened_at"],
                condition=Q(closed_at__isnull=True),
                name="escalation_open_idx",
            ),
            # The worklist and the review queue: open escalations, emergency first.
            models.Index(
                fields=["priority", "opened_at", "id"],
                condition=Q(closed_at__isnull=True),
                name="escalation_open_priority_idx",
            ),
            # The admin list's default order.
            models.Index(fields=["opened_at", "id"], name="escalation_opened_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(priority__in=EscalationPriority.values),
                name="escalation_priority_valid",
            ),
            models.CheckConstraint(
                condition=Q(cleared_red_flags=[])
                | Q(outcome=EscalationOutcome.SERIOUS_CAUSE_EXCLUDED),
                name="escalation_cleared_only_when_excluded",
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | (~Q(outcome="") & Q(closed_by__isnull=False)),
                name="escalation_closed_has_outcome",
            ),
        ]

    def __str__(self):
        return f"Escalation {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class OverrideReason(models.TextChoices):
    """Why a clinician did not follow a recommendation: one list for the app and for EHRs."""

    PATIENT_DECLINES = "patient_declines", "Patient declines"
    CONTRAINDICATION = "contraindication_not_captured", "Contraindication not captured"
    ALREADY_DONE = "already_done", "Already done"
    CLINICAL_JUDGEMENT = "clinical_judgement", "Clinical judgement"
    OTHER = "other", "Other"


class FeedbackOutcome(models.TextChoices):
    FOLLOWED = "followed", "Followed"
    OVERRIDDEN = "overridden", "Overridden"


class RecommendationFeedback(models.Model):
    """A clinician's mark on one stored recommendation: followed, or overridden and why.

    Beside the snapshot, never in it: the recommendation row stays exactly as shown. A changed
    mind updates this row; the audit trail keeps every earlier mark.
    """

    recommendation = models.OneToOneField(
        Recommendation, on_delete=models.PROTECT, related_name="feedback"
    )
    outcome = models.CharField(max_length=16, choices=FeedbackOutcome.choices)
    reason = models.CharField(
        "override reason", max_length=32, choices=OverrideReason.choices, blank=True
    )
    reason_text = models.CharField("reason, in words", max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="recommendation_feedback"
    )
    recorded_at = models.DateTimeField()

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "recommendation feedback"
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=FeedbackOutcome.values),
                name="recfeedback_outcome_valid",
            ),
            models.CheckConstraint(
                condition=Q(outcome=FeedbackOutcome.FOLLOWED, reason="")
                | Q(outcome=FeedbackOutcome.OVERRIDDEN, reason__in=OverrideReason.values),
                name="recfeedback_override_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(reason=OverrideReason.OTHER) | ~Q(reason_text=""),
                name="recfeedback_other_is_explained",
            ),
        ]

    def __str__(self):
        return f"Feedback on recommendation {self.recommendation_id}"

    @property
    def is_overridden(self) -> bool:
        return self.outcome == FeedbackOutcome.OVERRIDDEN


class OutcomeBlock(models.Model):
    """A block of `SIZE` consecutive encounter ids (`block * SIZE` up to the next block's first)
    whose episodes are counted in `OutcomeTally`. Its row is the lock held while the block's
    tallies are rebuilt, so two rebuilds of one block take turns. A block, not a day, is what a
    write recounts: ids are given in order, so a block holds at most `SIZE` intakes however many
    a day brings, and an encounter never leaves its block."""

    # Changing it needs a migration that rebuilds every tally (as `triage 0010` does).
    SIZE = 64

    block = models.PositiveBigIntegerField(unique=True)

    def __str__(self):
        return f"Outcomes of encounter block {self.block}"


class OutcomeTally(models.Model):
    """The outcome figures of one block's episodes of one UTC intake day that first resolved on
    the same day of their course (None: not resolved). Derived from the records, never edited
    by hand: every service that changes an episode rebuilds its block's rows in the same
    transaction (`triage.intake.outcome_tallies.refresh_outcome_tallies`)."""

    block = models.PositiveBigIntegerField()
    intake_day = models.DateField()
    first_resolved_day = models.PositiveSmallIntegerField(null=True)
    episodes = models.PositiveIntegerField()
    persistent = models.PositiveIntegerField()
    escalated = models.PositiveIntegerField()
    visits_missed = models.PositiveIntegerField()
    visits_closed = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["intake_day", "first_resolved_day"], name="outcometally_day_idx"),
            models.Index(fields=["block"], name="outcometally_block_idx"),
        ]

    def __str__(self):
        return f"Outcome tally of {self.intake_day:%Y-%m-%d}"
