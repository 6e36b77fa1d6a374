"""The audit trail in the admin: history that can be read but never rewritten, and the chart log.

Every change to Patient, Encounter, FollowUp and Escalation is recorded by django-simple-history
(`history = HistoricalRecords()` on each model, the user from `HistoryRequestMiddleware`). The
admin classes here show that history and refuse every path that would alter it or the record:
no delete, no revert, no edit of a past version, for everyone, superusers included.
"""

from axes.admin import AccessFailureLogAdmin, AccessLogAdmin
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from simple_history.admin import SimpleHistoryAdmin

from .models import ChartAccess, Patient


class NoDeleteAdminMixin:
    """Clinical records are voided, never deleted: no delete page and no bulk delete action."""

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class ReadOnlyAdminMixin(NoDeleteAdminMixin):
    """Stored snapshots: nobody adds or changes them through the admin, superusers included."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    """An inline that only shows rows."""

    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AuditedAdmin(NoDeleteAdminMixin, SimpleHistoryAdmin):
    """An admin whose history page lists who changed what and when, and can only be read."""

    # simple-history's own list template carries an inline style, which our CSP refuses.
    object_history_list_template = "admin/audit/object_history_list.html"
    history_list_display: list[str] = []

    def revert_disabled(self, request, obj=None):
        return True

    def has_change_history_permission(self, request, obj=None):
        return False

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # The past-version page posts back to "revert"; only reading is allowed.
        if request.method != "GET":
            raise PermissionDenied("Past versions cannot be restored or edited.")
        return super().history_form_view(request, object_id, version_id, extra_context)


class ChartAccessAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Who opened which chart and when; administrators list and filter it (view_chartaccess)."""

    list_display = ["accessed_at", "user", "patient_mrn"]
    # Plain filters: listing staff is cheap, while "only users in the log" or a date
    # drill-down would scan the whole (ever-growing) log on every page.
    list_filter = ["accessed_at", "user"]
    list_select_related = ["user", "patient"]
    search_fields = ["=patient__mrn", "=user__username"]
    search_help_text = "Search by exact record number or user name."
    show_full_result_count = False
    fields = ["accessed_at", "user", "patient"]
    readonly_fields = fields
    list_per_page = 100

    @admin.display(description="patient", ordering="patient__mrn")
    def patient_mrn(self, access: ChartAccess) -> str:
        return access.patient.mrn

    def get_search_results(self, request, queryset, search_term):
        # Exact look-ups through the unique indexes, so a search stays fast on a long log.
        term = search_term.strip()
        if not term:
            return queryset, False
        patients = Patient.objects.filter(mrn=term.upper()).values("pk")
        users = get_user_model().objects.filter(username=term).values("pk")
        return queryset.filter(Q(patient__in=patients) | Q(user__in=users)), False


class SignInLogAdmin(ReadOnlyAdminMixin, AccessLogAdmin):
    """django-axes' sign-in log, which no one may edit or delete."""


class SignInFailureLogAdmin(ReadOnlyAdminMixin, AccessFailureLogAdmin):
    """django-axes' failed sign-in log, which no one may edit or delete."""
