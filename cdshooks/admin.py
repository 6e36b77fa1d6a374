"""Registering EHRs (superusers only: trusting a key is a security decision) and the cards log."""

import jwt
from django import forms
from django.contrib import admin

from accounts.admin_lists import ListColumnsMixin, choices_filter
from accounts.audit import ReadOnlyAdminMixin
from triage.guideline import ALL_CODES
from triage.review.admin import RulesetFilter

from .hooks import SERVICES
from .models import CardFeedback, EhrClient, IssuedCard

# Members of a private JWK: a public-key set must never carry them.
_PRIVATE_MEMBERS = {"d", "p", "q", "dp", "dq", "qi", "oth", "k"}


class EhrClientForm(forms.ModelForm):
    jwks_url = forms.URLField(
        label="JWKS URL",
        required=False,
        assume_scheme="https",
        help_text=EhrClient._meta.get_field("jwks_url").help_text,
    )

    class Meta:
        model = EhrClient
        fields = [
            "name",
            "issuer",
            "subject",
            "jwks",
            "jwks_url",
            "record_number_system",
            "patient_id_is_record_number",
            "is_active",
        ]

    def clean_jwks(self):
        jwks = self.cleaned_data.get("jwks")
        if jwks in (None, "", {}):
            return None
        keys = jwks.get("keys") if isinstance(jwks, dict) else None
        if not isinstance(keys, list) or not keys:
            raise forms.ValidationError('Paste a JWK Set: {"keys": [ ... ]}.')
        if any(isinstance(key, dict) and _PRIVATE_MEMBERS & key.keys() for key in keys):
            raise forms.ValidationError(
                "This set holds a private or shared key. Paste only the EHR's public keys."
            )
        if any(not isinstance(key, dict) or not key.get("kid") for key in keys):
            raise forms.ValidationError("Every key needs a kid: the EHR's tokens name it.")
        try:
            jwt.PyJWKSet.from_dict(jwks)
        except jwt.PyJWTError as error:
            raise forms.ValidationError(f"These keys cannot be used: {error}") from None
        return jwks

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("jwks") and not cleaned.get("jwks_url"):
            raise forms.ValidationError("Give the EHR's public keys: a JWK Set or its URL.")
        return cleaned


class SuperuserOnlyMixin:
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


@admin.register(EhrClient)
class EhrClientAdmin(SuperuserOnlyMixin, admin.ModelAdmin):
    form = EhrClientForm
    list_display = ["name", "issuer", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "issuer"]

    def has_delete_permission(self, request, obj=None):
        # Cards sent to an EHR keep pointing at it: deactivate instead.
        return False


class CardFeedbackInline(admin.TabularInline):
    model = CardFeedback
    extra = 0
    can_delete = False
    fields = ["outcome", "reason_code", "reason_display", "user_comment", "outcome_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(IssuedCard)
class IssuedCardAdmin(ListColumnsMixin, SuperuserOnlyMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["issued_at", "service", "hook", "code", "ruleset", "indicator", "client"]
    # Every hook call adds cards: filters from code and a date range, never SELECT DISTINCT or
    # a date drill-down over the whole log.
    list_filter = [
        choices_filter("service", "service", [(key, key) for key in SERVICES]),
        choices_filter("code", "code", [(code, code) for code in ALL_CODES]),
        RulesetFilter,
        "issued_at",
    ]
    list_select_related = ["client"]
    readonly_fields = [
        "uuid",
        "client",
        "service",
        "hook",
        "code",
        "ruleset",
        "indicator",
        "summary",
        "issued_at",
    ]
    inlines = [CardFeedbackInline]
