"""The per-rule report for clinicians, as a page and as CSV."""

import csv

from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import render

from .forms import RuleReportFilterForm
from .report import REASONS, rule_report

REPORT_PERMISSION = "triage.view_outcomes"


def _rows(request):
    form = RuleReportFilterForm(request.GET or None)
    dates = {}
    if form.is_valid():
        dates = {name: form.cleaned_data[name] for name in ("date_from", "date_to")}
    return form, rule_report(**dates)


@permission_required(REPORT_PERMISSION, raise_exception=True)
def rule_feedback(request):
    """How often each rule was shown, followed and overridden (and why), per rule-set version."""
    form, rows = _rows(request)
    context = {"form": form, "rows": rows, "reasons": [reason.label for reason in REASONS]}
    return render(request, "cdshooks/rule_feedback.html", context)


@permission_required(REPORT_PERMISSION, raise_exception=True)
def rule_feedback_csv(request):
    """The same report as a CSV file."""
    _, rows = _rows(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="upright-rule-feedback.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "recommendation",
            "rule set",
            "source",
            "shown",
            "followed",
            "overridden",
            *(f"overridden: {reason.label.lower()}" for reason in REASONS),
            "overridden: no coded reason",
        ]
    )
    writer.writerows(
        [
            row.code,
            row.ruleset,
            row.source,
            row.shown,
            row.followed,
            row.overridden,
            *row.reason_counts,
            row.uncoded,
        ]
        for row in rows
    )
    return response
