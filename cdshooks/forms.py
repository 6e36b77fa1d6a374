"""The per-rule report's date filter."""

from django import forms


class RuleReportFilterForm(forms.Form):
    date_from = forms.DateField(
        label="Shown from",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter a real date, for example 2026-03-01."},
    )
    date_to = forms.DateField(
        label="Shown to",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter a real date, for example 2026-03-01."},
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end of the range must not be before its start.")
        return cleaned
