"""The chart-access log in the admin: who saw which patient's data, on which page, and when;
listed per user and per patient, and exported as CSV."""

import csv

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import StreamingHttpResponse
from django.utils import timezone

from accounts.admin_lists import ListColumnsMixin
from accounts.audit import ReadOnlyAdminMixin
from patients.models import ChartAccess, Patient


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
    list_per_page = 100
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


admin.site.register(ChartAccess, ChartAccessAdmin)
