"""Display columns the clinical admin shares: one definition each, used by every list and
record page that shows it (patient, encounter link, red flags, facts, clinician feedback)."""

import json

from django.contrib import admin
from django.core.exceptions import ObjectDoesNotExist
from django.utils.html import format_html

from triage.guideline import FACT_SPECS
from triage.models import Recommendation
from triage.review.display import encounter_label
from triage.templatetags.pk_urls import pk_url


def flag_labels(keys) -> str:
    return ", ".join(FACT_SPECS[key].label if key in FACT_SPECS else key for key in keys) or "–"


def badge(css_class: str, text: str) -> str:
    """A marked-up state word for a list column (styles in static/css/admin-review.css)."""
    return format_html('<span class="{}">{}</span>', css_class, text)


def record_link(record, label: str) -> str:
    url = pk_url(f"admin:{record._meta.app_label}_{record._meta.model_name}_change", record.pk)
    return format_html('<a href="{}">{}</a>', url, label)


def feedback_label(item: Recommendation) -> str:
    """The clinician's mark on a recommendation, in one line ("" when none was made)."""
    try:
        feedback = item.feedback
    except ObjectDoesNotExist:
        return ""
    text = feedback.get_outcome_display()
    if feedback.is_overridden:
        reason = feedback.get_reason_display().lower()
        text += f": {reason}" + (f" ({feedback.reason_text})" if feedback.reason_text else "")
    return f"{text}, by {feedback.recorded_by.get_username()} {feedback.recorded_at:%Y-%m-%d %H:%M}"


def patient_column(path: str):
    """The "patient" column of a record whose patient is reached through `path`
    ("encounter__patient"): name and record number, sorted by family name."""
    steps = path.split("__")

    @admin.display(description="patient", ordering=f"{path}__family_name")
    def patient_name(model_admin, record) -> str:
        for step in steps:
            record = getattr(record, step)
        return record.display_name_and_mrn

    return patient_name


def patient_column_fields(path: str) -> tuple[str, ...]:
    """The columns `patient_column(path)` reads, for a list's `list_only`."""
    return (f"{path}__family_name", f"{path}__given_name", f"{path}__mrn")


@admin.display(description="encounter")
def encounter_column(model_admin, record) -> str:
    return record_link(record.encounter, encounter_label(record.encounter))


@admin.display(description="red flags")
def red_flags_column(model_admin, record) -> str:
    return flag_labels(record.red_flags)


@admin.display(description="facts as evaluated")
def facts_column(model_admin, record) -> str:
    return format_html("<pre>{}</pre>", json.dumps(record.input_facts, indent=2, sort_keys=True))


@admin.display(description="clinician feedback")
def feedback_column(model_admin, item: Recommendation) -> str:
    return feedback_label(item)
