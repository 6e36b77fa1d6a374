"""The chart-access log in the admin: who saw which patient's data, on which page, and when;
listed per user and per patient, and exported as CSV. And each user's activity: everything
they changed or viewed, newest first (linked from the user's page)."""

import csv
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone

from accounts.admin import StaffUserAdmin
from accounts.admin_lists import ListColumnsMixin
from accounts.audit import ReadOnlyAdminMixin
from patients.models import ChartAccess, Patient
from patients.selectors import VIEWED, Activity, user_activity


class ChartAccessAdmin(ListColumnsMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Who opened which chart and when; administrators list and filter it (view_chartaccess)."""

    list_display = ["accessed_at", "user", "patient_name", "page"]
    # Plain filters: listing staff is cheap, while "only users in the log" or a date
    # drill-down would scan the whole (ever-growing) log on every page.
    list_filter = ["accessed_at", "user"]
    list_select_related = ["user", "patient"]
    search_fields = ["=patient__mrn", "=user__username"]
    search_help_text = "Search by exact record number or user name."
    show_full_result_count = False
    fields = ["accessed_at", "user", "patient", "page"]
    readonly_fields = fields
    actions = ["export_csv"]

    def has_export_csv_permission(self, request) -> bool:
        return self.has_view_permission(request)

    @admin.action(
        description="Export the selected chart accesses as CSV", permissions=["export_csv"]
    )
    def export_csv(self, request, queryset):
        """Stream the selection (or, with "select all", the whole filtered list) as CSV."""
        rows = queryset.select_related("user", "patient").order_by("-accessed_at")
        writer = csv.writer(_Echo())
        header = ["accessed_at", "user", "patient_record_number", "page"]

        def lines():
            yield writer.writerow(header)
            for access in rows.iterator(chunk_size=2000):
                yield writer.writerow(
                    [
                        timezone.localtime(access.accessed_at).isoformat(),
                        access.user.get_username(),
                        access.patient.mrn,
                        access.page,
                    ]
                )

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="chart-accesses.csv"'
        return response

    @admin.display(description="patient", ordering="patient__family_name")
    def patient_name(self, access: ChartAccess) -> str:
        return access.patient.display_name_and_mrn

    def get_search_results(self, request, queryset, search_term):
        # Exact look-ups through the unique indexes, so a search stays fast on a long log.
        term = search_term.strip()
        if not term:
            return queryset, False
        patients = Patient.objects.filter(mrn=term.upper()).values("pk")
        users = get_user_model().objects.filter(username=term).values("pk")
        return queryset.filter(Q(patient__in=patients) | Q(user__in=users)), False


class _Echo:
    """A file-like object whose write() hands the line back, for streaming csv.writer rows."""

    def write(self, value: str) -> str:
        return value


def chart_accesses_url(**lookup) -> str:
    """The chart-access list narrowed to one user or one patient (by internal id only)."""
    query = urlencode({f"{field}__id__exact": pk for field, pk in lookup.items()})
    return f"{reverse('admin:patients_chartaccess_changelist')}?{query}"


def _activity_link(activity: Activity) -> str:
    """Where a row of the activity leads: the patient's admin page (opening it is logged) for
    a view, the record's history for a change; "" when the admin has no page for it."""
    app, model = activity.app_label, activity.model_name
    view = "change" if activity.source == VIEWED else "history"
    try:
        return reverse(f"admin:{app}_{model}_{view}", args=[activity.object_id])
    except NoReverseMatch:
        return ""


class ActivityUserAdmin(StaffUserAdmin):
    """Staff accounts, with each user's activity page (administrators only)."""

    change_form_template = "admin/auth/user/staff_change_form.html"

    def get_urls(self):
        activity = path(
            "<path:object_id>/activity/",
            self.admin_site.admin_view(self.activity_view),
            name="auth_user_activity",
        )
        return [activity, *super().get_urls()]

    def can_read_activity(self, request, user=None) -> bool:
        # Reading what someone viewed is reading the chart-access log: administrators.
        return self.has_view_permission(request, user) and request.user.has_perm(
            "patients.view_chartaccess"
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        if self.can_read_activity(request):
            extra_context["activity_url"] = reverse("admin:auth_user_activity", args=[object_id])
            extra_context["chart_accesses_url"] = chart_accesses_url(user=object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def activity_view(self, request, object_id):
        """Everything one user changed or viewed, across records, newest first, with dates."""
        if not self.can_read_activity(request):
            raise PermissionDenied
        user = self.get_object(request, unquote(object_id))
        if user is None:
            raise Http404("No such user.")
        page = user_activity(user=user, page_number=request.GET.get("page"))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Activity of {user.get_username()}",
            "opts": self.opts,
            "original": user,
            "page": page,
            "rows": [(activity, _activity_link(activity)) for activity in page.rows],
            "chart_accesses_url": chart_accesses_url(user=user.pk),
        }
        return TemplateResponse(request, "admin/auth/user/activity.html", context)


admin.site.register(ChartAccess, ChartAccessAdmin)
admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), ActivityUserAdmin)
