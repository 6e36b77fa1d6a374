"""Follow-up forms: a visit's findings, a missed visit, an escalation's outcome, page filters."""

import datetime

from django import forms

from triage.followup.services import ACTIVITY_SLOTS, FINDING_FIELDS
from triage.guideline import HISTORY_KEYS, VISIT_FACT_SPECS
from triage.intake.forms import RELAXANT_NOT_KNOWN, HistoryForm, YesNoField, pain_score_field
from triage.models import ASKED_RED_FLAG_KEYS, EscalationOutcome, GlobalChange, MuscleRelaxant

ACTIVITY_SCORE_RANGE = "Activity scores go from 0 (unable) to 10 (as well as before the pain)."
PAIN_RANGE = "The pain score must be a whole number from 0 to 10."


def _long_date(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _activity_name(slot: int) -> forms.CharField:
    return forms.CharField(
        label=f"Activity {slot}",
        required=False,
        max_length=100,
        help_text="One of the patient's own activities, e.g. 'turning my head to drive'."
        if slot == 1
        else "",
    )


def _activity_score(slot: int) -> forms.IntegerField:
    return forms.IntegerField(
        label=f"Activity {slot} score (0-10)",
        required=False,
        min_value=0,
        max_value=10,
        error_messages={
            "invalid": ACTIVITY_SCORE_RANGE,
            "min_value": ACTIVITY_SCORE_RANGE,
            "max_value": ACTIVITY_SCORE_RANGE,
        },
    )


class VisitForm(forms.Form):
    """A visit's findings, checked against the intake date and today."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    visit_date = forms.DateField(
        label="Date of the visit",
        widget=_date_input(),
        error_messages={
            "required": "Enter the date of the visit.",
            "invalid": "Enter a real date, for example 2026-03-01.",
        },
    )
    pain_score = pain_score_field(
        VISIT_FACT_SPECS["pain_score"], not_a_number=PAIN_RANGE, out_of_range=PAIN_RANGE
    )
    muscle_relaxant_days = forms.IntegerField(
        label=VISIT_FACT_SPECS["muscle_relaxant_days"].question,
        help_text=VISIT_FACT_SPECS["muscle_relaxant_days"].hint,
        required=False,
        min_value=0,
        max_value=36_500,
        error_messages={
            "invalid": "Enter the number of days as a whole number, or leave it blank.",
            "min_value": "The number of days cannot be negative; leave it blank if none.",
            "max_value": "Check the number of days: it is far too large.",
        },
    )
    global_change = forms.TypedChoiceField(
        label=VISIT_FACT_SPECS["global_change"].question,
        help_text=VISIT_FACT_SPECS["global_change"].hint,
        choices=[("", "Choose from -5 to +5"), *GlobalChange.choices],
        coerce=int,
        empty_value=None,
        error_messages={
            "required": "Choose the patient's own rating of change, from -5 to +5.",
            "invalid_choice": "Choose the patient's own rating of change, from -5 to +5.",
        },
    )
    activity_1_name = _activity_name(1)
    activity_1_score = _activity_score(1)
    activity_2_name = _activity_name(2)
    activity_2_score = _activity_score(2)
    activity_3_name = _activity_name(3)
    activity_3_score = _activity_score(3)
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    short_labels = {
        "pain_score": "Pain score",
        "muscle_relaxant_days": "Days on a muscle relaxant",
        "global_change": "Overall change",
        **{key: VISIT_FACT_SPECS[key].label for key in ASKED_RED_FLAG_KEYS},
    }

    def __init__(
        self,
        data=None,
        *,
        intake_date: datetime.date,
        today: datetime.date,
        days_since_onset: int | None = None,
        relaxant_start: datetime.date | None = None,
        relaxant_may_predate_pain: bool = False,
        asks_medicines: bool = False,
        **kwargs,
    ):
        super().__init__(data, **kwargs)
        self.intake_date = intake_date
        self.today = today
        self.days_since_onset = days_since_onset
        self.relaxant_may_predate_pain = relaxant_may_predate_pain
        self.asks_medicines = asks_medicines
        for key in ASKED_RED_FLAG_KEYS:
            spec = VISIT_FACT_SPECS[key]
            self.fields[key] = YesNoField(label=spec.question, help_text=spec.hint)
        if relaxant_start is not None:
            # The nurse confirms or corrects the days counted from the stored start date.
            self.initial.setdefault("muscle_relaxant_days", (today - relaxant_start).days)
            self.fields["muscle_relaxant_days"].help_text = (
                f"Filled in from the start date on record ({_long_date(relaxant_start)}), counted "
                "to today: check it with the patient and correct it, or clear it if they no "
                "longer take one."
            )
        if asks_medicines:
            self._add_relaxant_questions()

    def _add_relaxant_questions(self) -> None:
        self.fields["muscle_relaxant_name"] = forms.ChoiceField(
            label=VISIT_FACT_SPECS["muscle_relaxant_name"].question,
            help_text="Only if the patient takes one now.",
            choices=[*MuscleRelaxant.choices, (RELAXANT_NOT_KNOWN, "Not known")],
            required=False,
            widget=forms.RadioSelect,
            error_messages={"invalid_choice": "Choose one of the muscle relaxants listed."},
        )
        self.fields["muscle_relaxant_other_condition"] = YesNoField(
            label=VISIT_FACT_SPECS["muscle_relaxant_other_condition"].question,
            help_text="Only if the patient takes one now. "
            + VISIT_FACT_SPECS["muscle_relaxant_other_condition"].hint,
            required=False,
        )

    @property
    def relaxant_fields(self):
        names = ("muscle_relaxant_name", "muscle_relaxant_other_condition")
        return [self[name] for name in names if name in self.fields]

    @property
    def red_flag_fields(self):
        return [self[key] for key in ASKED_RED_FLAG_KEYS]

    @property
    def activity_rows(self):
        return [
            (self[f"activity_{slot}_name"], self[f"activity_{slot}_score"])
            for slot in ACTIVITY_SLOTS
        ]

    def clean_visit_date(self):
        visit_date = self.cleaned_data["visit_date"]
        if visit_date > self.today:
            raise forms.ValidationError("The visit date cannot be in the future.")
        if visit_date < self.intake_date:
            raise forms.ValidationError(
                f"The visit date cannot be before the intake on {_long_date(self.intake_date)}."
            )
        return visit_date

    def clean(self):
        cleaned = super().clean()
        relaxant_days, visit_date = cleaned.get("muscle_relaxant_days"), cleaned.get("visit_date")
        if self.asks_medicines:
            self._check_relaxant_answers(cleaned, relaxant_days)
        if (
            relaxant_days is not None
            and visit_date
            and self.days_since_onset is not None
            and not self.relaxant_may_predate_pain
        ):
            # A relaxant for this pain cannot have been taken for longer than the pain has lasted.
            pain_days = self.days_since_onset + (visit_date - self.intake_date).days
            if relaxant_days > pain_days:
                self.add_error(
                    "muscle_relaxant_days",
                    f"That is longer than the pain has lasted ({pain_days} days by the visit "
                    "date). Check the number of days.",
                )
        for slot in ACTIVITY_SLOTS:
            name = cleaned.get(f"activity_{slot}_name", "")
            score = cleaned.get(f"activity_{slot}_score")
            if name and score is None and f"activity_{slot}_score" not in self.errors:
                self.add_error(
                    f"activity_{slot}_score", f"Enter a score from 0 to 10 for '{name}'."
                )
            if score is not None and not name:
                self.add_error(f"activity_{slot}_name", "Name the activity this score is for.")
        return cleaned

    def _check_relaxant_answers(self, cleaned, relaxant_days) -> None:
        if relaxant_days is None:
            return
        if not cleaned.get("muscle_relaxant_name") and "muscle_relaxant_name" not in self.errors:
            self.add_error("muscle_relaxant_name", "Choose which muscle relaxant, or 'Not known'.")
        if cleaned.get("muscle_relaxant_other_condition") is None:
            self.add_error("muscle_relaxant_other_condition", "Answer yes or no.")

    def relaxant_answers(self) -> dict[str, object]:
        """The relaxant questions asked again at the medicine review, as the engine names them
        (nothing when no relaxant is taken now: the intake's answers carry over)."""
        if not self.asks_medicines or self.cleaned_data.get("muscle_relaxant_days") is None:
            return {}
        name = self.cleaned_data.get("muscle_relaxant_name")
        return {
            "muscle_relaxant_name": name if name in MuscleRelaxant.values else None,
            "muscle_relaxant_other_condition": bool(
                self.cleaned_data.get("muscle_relaxant_other_condition")
            ),
        }

    def findings(self) -> dict[str, object]:
        """The visit's findings from a valid form, named as the visit record names them."""
        return {name: self.cleaned_data.get(name) for name in FINDING_FIELDS}


class UnscheduledVisitForm(VisitForm):
    """A visit added outside the plan's schedule: nothing to lock, so no version."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["version"]


class VisitMedicinesForm(HistoryForm):
    """The history and medicine questions, asked again at the medicine review (day 14)."""

    def medicine_answers(self) -> dict[str, object]:
        """The answers as the engine names them; needs a valid form."""
        return {key: self.cleaned_data[key] for key in HISTORY_KEYS}


class MissedVisitForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(
        label="Why did the visit not happen?",
        help_text="For example: did not attend and could not be reached by phone.",
        max_length=200,
        error_messages={"required": "Give the reason the visit did not happen."},
    )
    short_labels = {"reason": "Reason"}

    def __init__(self, *args, due_date: datetime.date, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.due_date = due_date
        self.today = today

    def clean(self):
        cleaned = super().clean()
        if self.today < self.due_date:
            raise forms.ValidationError(
                "A visit can be recorded as missed only on or after the day it is due "
                f"({_long_date(self.due_date)})."
            )
        return cleaned

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Give the reason the visit did not happen.")
        return reason


class CloseEscalationForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=EscalationOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the outcome of the escalation.",
            "invalid_choice": "Choose one of the outcomes listed.",
        },
    )
    note = forms.CharField(
        label="Note",
        help_text="What was decided and why; it stays on the patient's record.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Write a note about the outcome."},
    )
    short_labels = {"outcome": "Outcome", "note": "Note"}

    def clean_note(self):
        note = self.cleaned_data["note"].strip()
        if not note:
            raise forms.ValidationError("Write a note about the outcome.")
        return note


class OutcomesFilterForm(forms.Form):
    intake_from = forms.DateField(
        label="Intake from",
        required=False,
        widget=_date_input(),
        error_messages={"invalid": "Enter a real date, for example 2026-03-01."},
    )
    intake_to = forms.DateField(
        label="Intake to",
        required=False,
        widget=_date_input(),
        error_messages={"invalid": "Enter a real date, for example 2026-03-01."},
    )
    short_labels = {"intake_from": "Intake from", "intake_to": "Intake to"}

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("intake_from"), cleaned.get("intake_to")
        if start and end and start > end:
            self.add_error("intake_to", "The end of the range must not be before its start.")
        return cleaned
