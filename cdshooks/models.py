"""CDS Hooks: the EHRs allowed to call, the tokens they used, the cards shown and their feedback.

No patient identifier is stored here: a card records which rule it came from, not for whom.
"""

from django.db import models
from django.db.models import Q


class EhrClient(models.Model):
    """An EHR allowed to call the CDS Hooks services, and how its signed tokens are checked."""

    name = models.CharField(max_length=100, unique=True)
    issuer = models.CharField(
        max_length=255,
        unique=True,
        help_text="The `iss` claim of the EHR's tokens, exactly as it sends it.",
    )
    subject = models.CharField(
        max_length=255,
        blank=True,
        help_text="If set, the `sub` claim (the EHR's client id) must equal it.",
    )
    jwks = models.JSONField(
        "JSON Web Key Set",
        null=True,
        blank=True,
        help_text='The EHR\'s public keys: paste its JWKS file ({"keys": [...]}).',
    )
    jwks_url = models.URLField(
        "JWKS URL",
        blank=True,
        help_text="Or the address of its JWKS, fetched (and cached) only when this is set.",
    )
    record_number_system = models.CharField(
        max_length=255,
        blank=True,
        help_text=(
            "The identifier system under which the EHR's Patient resources carry Upright's "
            "record number. Empty: an identifier of any system that matches a record number."
        ),
    )
    patient_id_is_record_number = models.BooleanField(
        default=False,
        help_text="The EHR's patient id (context.patientId) is Upright's record number.",
    )
    is_active = models.BooleanField("active", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "EHR client"
        constraints = [
            models.CheckConstraint(
                condition=Q(jwks__isnull=False) | ~Q(jwks_url=""),
                name="ehrclient_has_keys",
            ),
        ]

    def __str__(self):
        return self.name


class UsedToken(models.Model):
    """A token id (`jti`) already accepted: the same token presented again is a replay."""

    client = models.ForeignKey(EhrClient, on_delete=models.CASCADE, related_name="used_tokens")
    jti = models.CharField(max_length=255)
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "jti"], name="usedtoken_once_per_client"),
        ]
        # Expired rows are removed on each call; the index keeps that cheap.
        indexes = [models.Index(fields=["expires_at"], name="usedtoken_expires_idx")]

    def __str__(self):
        return f"Token {self.pk}"


class IssuedCard(models.Model):
    """A card sent to an EHR: which rule and rule-set version it came from, and when."""

    uuid = models.UUIDField(unique=True)
    client = models.ForeignKey(EhrClient, on_delete=models.PROTECT, related_name="cards")
    service = models.CharField(max_length=64)
    hook = models.CharField(max_length=64)
    code = models.CharField("recommendation code", max_length=64)
    ruleset = models.CharField("rule-set version", max_length=32)
    indicator = models.CharField(max_length=16)
    summary = models.CharField(max_length=200)
    issued_at = models.DateTimeField()

    class Meta:
        ordering = ["-issued_at", "-pk"]
        indexes = [
            models.Index(fields=["issued_at"], name="issuedcard_issued_idx"),
            models.Index(fields=["code", "ruleset"], name="issuedcard_rule_idx"),
        ]

    def __str__(self):
        return f"{self.code} card {self.uuid}"


class CardOutcome(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    OVERRIDDEN = "overridden", "Overridden"


class CardFeedback(models.Model):
    """What the EHR's user did with a card, as the EHR reported it."""

    card = models.ForeignKey(IssuedCard, on_delete=models.PROTECT, related_name="feedback")
    outcome = models.CharField(max_length=16, choices=CardOutcome.choices)
    reason_system = models.CharField(max_length=255, blank=True)
    reason_code = models.CharField(max_length=64, blank=True)
    reason_display = models.CharField(max_length=200, blank=True)
    user_comment = models.TextField(blank=True)
    outcome_at = models.DateTimeField("when the user acted")
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-outcome_at", "-pk"]
        verbose_name_plural = "card feedback"
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=CardOutcome.values), name="cardfeedback_outcome_valid"
            ),
        ]

    def __str__(self):
        return f"Feedback {self.pk} ({self.outcome})"
