"""The audit trail in the admin: history that can be read but never rewritten.

Every change to Patient, Encounter, FollowUp and Escalation is recorded by django-simple-history
(`history = HistoricalRecords()` on each model, the user from `HistoryRequestMiddleware`). The
admin classes here show that history and refuse every path that would alter it or the record:
no delete, no revert, no edit of a past version, for everyone, superusers included.
"""

from axes.admin import AccessFailureLogAdmin, AccessLogAdmin
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin


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


class SignInLogAdmin(ReadOnlyAdminMixin, AccessLogAdmin):
    """django-axes' sign-in log, which no one may edit or delete."""


class SignInFailureLogAdmin(ReadOnlyAdminMixin, AccessFailureLogAdmin):
    """django-axes' failed sign-in log, which no one may edit or delete."""
