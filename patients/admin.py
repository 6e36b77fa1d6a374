"""The chart-access log in the admin: who opened which patient's chart, and when."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Q

from accounts.audit import ReadOnlyAdminMixin
from patients.models import ChartAccess, Patient


class ChartAccessAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Who opened which chart and when; administrators list and filter it (view_chartaccess)."""

    list_display = ["accessed_at", "user", "patient_name"]
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


admin.site.register(ChartAccess, ChartAccessAdmin)
