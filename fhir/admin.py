"""API tokens in the admin: administrators issue them (the secret is shown once) and revoke them."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import ApiToken

# Issuing a token gives a user a second way in: it belongs with managing users, so it takes
# the administrators' user-management permission (no separate role permission to keep in step).
MANAGE_PERMISSION = "auth.change_user"


class IssueTokenForm(forms.ModelForm):
    user = forms.ModelChoiceField(
        queryset=get_user_model().objects.filter(is_active=True).order_by("username"),
        help_text="The token acts as this user, with this user's role.",
    )

    class Meta:
        model = ApiToken
        fields = ("user", "name")


@admin.register(ApiToken)
class ApiTokenAdmin(SimpleHistoryAdmin):
    list_display = ("prefix", "name", "user", "created_at", "created_by", "last_used_at", "state")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    list_select_related = ("user", "created_by")
    search_fields = ("name", "prefix", "user__username")
    readonly_fields = (
        "user",
        "name",
        "prefix",
        "created_at",
        "created_by",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    )
    change_form_template = "admin/fhir/apitoken/change_form.html"

    @admin.display(description="state")
    def state(self, token: ApiToken) -> str:
        return "active" if token.is_active else "revoked"

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = IssueTokenForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else ()

    def get_fields(self, request, obj=None):
        return ("user", "name") if obj is None else self.readonly_fields

    def has_module_permission(self, request):
        return request.user.has_perm(MANAGE_PERMISSION)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(MANAGE_PERMISSION)

    def has_add_permission(self, request):
        return request.user.has_perm(MANAGE_PERMISSION)

    def has_change_permission(self, request, obj=None):
        # Nothing on a token is edited; it is viewed, and revoked with its own button.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        token, raw = services.issue_token(
            user=form.cleaned_data["user"], name=form.cleaned_data["name"], issued_by=request.user
        )
        obj.pk, obj.prefix, obj.created_at = token.pk, token.prefix, token.created_at
        request.issued_token_secret = raw

    def response_add(self, request, obj, post_url_continue=None):
        # Shown once, on this response only: the secret is not stored and never redirected.
        response = TemplateResponse(
            request,
            "admin/fhir/apitoken/issued.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "token": obj,
                "secret": request.issued_token_secret,
                "title": "API token issued",
            },
        )
        response["Cache-Control"] = "no-store"
        return response

    def get_urls(self):
        revoke = self.admin_site.admin_view(never_cache(self.revoke_view))
        return [
            path("<int:pk>/revoke/", revoke, name="fhir_apitoken_revoke"),
            *super().get_urls(),
        ]

    def revoke_view(self, request, pk: int):
        token = self.get_object(request, str(pk))
        if not request.user.has_perm(MANAGE_PERMISSION):
            raise PermissionDenied
        if token is None:
            raise Http404
        if request.method == "POST":
            try:
                services.revoke_token(token=token, revoked_by=request.user, now=timezone.now())
                messages.success(request, f"Revoked {token}.")
            except services.TokenError as error:
                messages.error(request, str(error))
            return redirect("admin:fhir_apitoken_change", token.pk)
        return TemplateResponse(
            request,
            "admin/fhir/apitoken/revoke.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "token": token,
                "title": "Revoke API token",
                "back": reverse("admin:fhir_apitoken_change", args=[token.pk]),
            },
        )
