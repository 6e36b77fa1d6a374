"""The intake's step forms: every check on a single answer lives here, next to its field."""

from __future__ import annotations

import datetime

from crispy_forms.helper import FormHelper
from django import forms

from patients.forms import PatientForm
from patients.models import Patient, Sex
from triage.guideline import FACT_SPECS, FactSpec
from triage.guideline.facts import MAX_AGE, MAX_DAYS, MIN_AGE
from triage.models import ASKED_HISTORY_KEYS, ASKED_RED_FLAG_KEYS, MuscleRelaxant, PainLocation

YES, NO = "yes", "no"
YES_NO_CHOICES = ((YES, "Yes"), (NO, "No"))
ANSWER_YES_OR_NO = "Answer yes or no."
# The answer for a relaxant whose name the patient does not know (the engine's null name).
RELAXANT_NOT_KNOWN = "not_known"


class YesNoField(forms.TypedChoiceField):
    """A required yes/no question shown as two radio buttons, neither pre-selected."""

    widget = forms.RadioSelect

    def __init__(self, *, label: str, help_text: str = "", required: bool = True) -> None:
        super().__init__(
            choices=YES_NO_CHOICES,
            coerce=lambda value: value == YES,
            empty_value=None,
            label=label,
            help_text=help_text,
            required=required,
            error_messages={"required": ANSWER_YES_OR_NO, "invalid_choice": ANSWER_YES_OR_NO},
        )


def _question(key: str) -> YesNoField:
    spec = FACT_SPECS[key]
    return YesNoField(label=spec.question, help_text=spec.hint)


def pain_score_field(spec: FactSpec, *, not_a_number: str, out_of_range: str) -> forms.IntegerField:
    """The 0-10 pain score, asked at the intake and again at every visit (each form words its
    own refusals)."""
    return forms.IntegerField(
        label=spec.question,
        help_text=spec.hint,
        min_value=0,
        max_value=10,
        error_messages={
            "required": "Enter a pain score from 0 to 10.",
            "invalid": not_a_number,
            "min_value": out_of_range,
            "max_value": out_of_range,
        },
    )


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _age_problem(patient: Patient, today: datetime.date) -> str | None:
    age = patient.age_on(today)
    if age < MIN_AGE:
        return (
            f"This patient is {age} today. Upright's intake is for adults aged {MIN_AGE} and "
            "over; follow the clinic's process for younger patients."
        )
    if age > MAX_AGE:
        return f"The date of birth makes this patient {age}; check it on the patient's record."
    return None


class IntakeStepForm(forms.Form):
    """A step of the intake: knows the patient and the encounter date it is checked against."""

    def __init__(self, data=None, *, patient: Patient | None, today: datetime.date, **kwargs):
        super().__init__(data, **kwargs)
        self.patient = patient
        self.today = today
        self.add_fields()

    def add_fields(self) -> None:
        """Steps whose questions come from the engine's tables add them here."""

    # Crispy's field attributes for the fields `step_fields` draws with crispy's own template
    # (errors inline, as `{% crispy %}` drew them); no layout: the tag lays the step out.
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True

    def shown_fields(self) -> list[forms.BoundField]:
        """The questions this step asks of this patient."""
        return [self[name] for name in self.fields]

    def raw_answers(self) -> dict[str, str]:
        """The posted text of this step's fields, as kept in the draft."""
        return {
            name: self.data.get(self.add_prefix(name), "")
            for name in self.fields
            if self.data.get(self.add_prefix(name), "") != ""
        }

    def review_rows(self) -> list[tuple[str, str]]:
        """(label, answer) pairs for the review page; needs a valid form."""
        rows = []
        for name, value in self.cleaned_data.items():
            label = getattr(self, "short_labels", {}).get(name, self.fields[name].label)
            rows.append((label, display_answer(value, self.fields[name])))
        return rows


def display_answer(value, field: forms.Field) -> str:
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    if value is None or value == "":
        return "Not applicable"
    if isinstance(value, datetime.date):
        return f"{value.day} {value:%B %Y}"
    if isinstance(field, forms.ChoiceField):
        return str(dict(field.choices).get(value, value))
    return str(value)


class PatientChoiceForm(IntakeStepForm):
    """Step 1: the patient chosen from search results (or just registered)."""

    patient = forms.ModelChoiceField(
        queryset=Patient.objects.all(),
        label="Patient",
        error_messages={
            "required": "Choose the patient from the search results, or register them below.",
            "invalid_choice": "That patient could not be found; search again and choose one.",
        },
    )
    short_labels = {"patient": "Patient"}

    def clean_patient(self):
        chosen = self.cleaned_data["patient"]
        problem = _age_problem(chosen, self.today)
        if problem:
            raise forms.ValidationError(problem)
        return chosen

    def review_rows(self) -> list[tuple[str, str]]:
        chosen = self.cleaned_data["patient"]
        return [
            ("Patient", f"{chosen.display_name} ({chosen.mrn})"),
            ("Date of birth", f"{display_answer(chosen.date_of_birth, self.fields['patient'])}"),
            ("Age today", str(chosen.age_on(self.today))),
            ("Sex", chosen.get_sex_display()),
        ]


class IntakePatientForm(PatientForm):
    """Register a new patient from the intake: the patient form, refusing under-16s."""

    def __init__(self, *args, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_date_of_birth(self):
        born = super().clean_date_of_birth()
        problem = _age_problem(Patient(date_of_birth=born), self.today)
        if problem:
            raise forms.ValidationError(problem)
        return born


class PainForm(IntakeStepForm):
    """Step 2: the presenting pain."""

    onset_date = forms.DateField(
        label="Date the pain began",
        help_text="The first day of this episode of pain. Today's date if it began today.",
        widget=_date_input(),
        error_messages={
            "required": "Enter the date the pain began.",
            "invalid": "Enter a real date, for example 2026-03-01.",
        },
    )
    pain_location = forms.ChoiceField(
        label="Where is the pain?",
        choices=PainLocation.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose where the pain is.",
            "invalid_choice": "Choose neck, upper back, or both.",
        },
    )
    pain_score = pain_score_field(
        FACT_SPECS["pain_score"],
        not_a_number="Enter the pain score as a whole number from 0 to 10.",
        out_of_range="The pain score must be from 0 to 10.",
    )
    muscle_spasm = _question("muscle_spasm")
    neuropathic_features = _question("neuropathic_features")
    declines_neck_manipulation = _question("declines_neck_manipulation")
    takes_muscle_relaxant = YesNoField(
        label="Is the patient taking a muscle relaxant now, for this pain or for another "
        "condition?",
        help_text="For example cyclobenzaprine, methocarbamol, tizanidine or baclofen. Ask to "
        "see the box or the medicine list.",
    )
    muscle_relaxant_name = forms.ChoiceField(
        label=FACT_SPECS["muscle_relaxant_name"].question,
        help_text="Only if the patient is taking one. "
        + FACT_SPECS["muscle_relaxant_name"].hint.replace("Leave blank", "Choose 'Not known'"),
        choices=[*MuscleRelaxant.choices, (RELAXANT_NOT_KNOWN, "Not known")],
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose one of the muscle relaxants listed."},
    )
    muscle_relaxant_other_condition = YesNoField(
        label=FACT_SPECS["muscle_relaxant_other_condition"].question,
        help_text="Only if the patient is taking one. "
        + FACT_SPECS["muscle_relaxant_other_condition"].hint,
        required=False,
    )
    muscle_relaxant_start = forms.DateField(
        label="Date of the first dose of the muscle relaxant",
        help_text="Only if the patient is taking one. It may be before this pain began, for "
        "example for a relaxant taken long term for another condition.",
        required=False,
        widget=_date_input(),
        error_messages={"invalid": "Enter a real date, for example 2026-03-01."},
    )
    short_labels = {
        "onset_date": "Date the pain began",
        "pain_location": "Where the pain is",
        "pain_score": "Pain score (0-10)",
        "muscle_spasm": FACT_SPECS["muscle_spasm"].label,
        "neuropathic_features": FACT_SPECS["neuropathic_features"].label,
        "declines_neck_manipulation": FACT_SPECS["declines_neck_manipulation"].label,
        "takes_muscle_relaxant": "Taking a muscle relaxant now",
        "muscle_relaxant_name": FACT_SPECS["muscle_relaxant_name"].label,
        "muscle_relaxant_other_condition": FACT_SPECS["muscle_relaxant_other_condition"].label,
        "muscle_relaxant_start": "Muscle relaxant started",
    }

    def clean_onset_date(self):
        onset = self.cleaned_data["onset_date"]
        if onset > self.today:
            raise forms.ValidationError("The pain cannot begin in the future; check the date.")
        if self.patient is not None and onset < self.patient.date_of_birth:
            raise forms.ValidationError("This date is before the patient was born; check it.")
        if (self.today - onset).days > MAX_DAYS:
            raise forms.ValidationError("This is more than 100 years ago; check the year.")
        return onset

    def clean(self):
        cleaned = super().clean()
        taking = cleaned.get("takes_muscle_relaxant")
        if taking is False:
            self._refuse_relaxant_details(cleaned)
            cleaned["muscle_relaxant_start"] = None
            cleaned["muscle_relaxant_name"] = None
            cleaned["muscle_relaxant_other_condition"] = None
        elif taking:
            self._check_relaxant(cleaned)
        return cleaned

    def _refuse_relaxant_details(self, cleaned) -> None:
        """A relaxant named, or said to be for another condition, needs a yes and a start date."""
        named = cleaned.get("muscle_relaxant_name") not in (None, "", RELAXANT_NOT_KNOWN)
        if named:
            self.add_error(
                "muscle_relaxant_name",
                "A muscle relaxant is chosen, but the patient is answered as not taking one. "
                "Answer yes and give the date of the first dose, or clear the choice.",
            )
        if cleaned.get("muscle_relaxant_other_condition"):
            self.add_error(
                "muscle_relaxant_other_condition",
                "Answered yes, but the patient is answered as not taking a muscle relaxant. "
                "Answer yes above and give the date of the first dose, or answer no here.",
            )

    def _check_relaxant(self, cleaned) -> None:
        started = cleaned.get("muscle_relaxant_start")
        if started is None and "muscle_relaxant_start" not in self.errors:
            self.add_error(
                "muscle_relaxant_start",
                "Enter the date the patient started the muscle relaxant (the first dose).",
            )
        elif started is not None and started > self.today:
            # A start before the onset is fine: the relaxant may be taken for another condition.
            self.add_error(
                "muscle_relaxant_start", "The muscle relaxant start cannot be in the future."
            )
        if not cleaned.get("muscle_relaxant_name") and "muscle_relaxant_name" not in self.errors:
            self.add_error("muscle_relaxant_name", "Choose which muscle relaxant, or 'Not known'.")
        if cleaned.get("muscle_relaxant_other_condition") is None:
            self.add_error("muscle_relaxant_other_condition", ANSWER_YES_OR_NO)


class RedFlagForm(IntakeStepForm):
    """Step 3: every red flag as its own required yes/no question."""

    def add_fields(self) -> None:
        for key in ASKED_RED_FLAG_KEYS:
            self.fields[key] = _question(key)
        self.short_labels = {key: FACT_SPECS[key].label for key in ASKED_RED_FLAG_KEYS}

    def flags_answered_yes(self) -> list[str]:
        """Short labels of the red flags answered yes; needs a valid form."""
        return [self.short_labels[key] for key in ASKED_RED_FLAG_KEYS if self.cleaned_data.get(key)]


class HistoryForm(IntakeStepForm):
    """Step 4: history and medicines; pregnancy and breastfeeding are asked only where they can
    apply."""

    def add_fields(self) -> None:
        self.asks_pregnancy = self.patient is None or self.patient.sex != Sex.MALE
        for key in ASKED_HISTORY_KEYS:
            if key == "pregnancy_weeks":
                self._add_pregnancy_fields()
            else:
                self.fields[key] = _question(key)
        self.fields["breastfeeding"].required = self.asks_pregnancy
        self.short_labels = {key: FACT_SPECS[key].label for key in ASKED_HISTORY_KEYS} | {
            "pregnant": "Pregnant",
        }

    def _add_pregnancy_fields(self) -> None:
        self.fields["pregnant"] = YesNoField(
            label="Is the patient pregnant?",
            help_text="Ask every patient who could be pregnant.",
            required=self.asks_pregnancy,
        )
        self.fields["pregnancy_weeks"] = forms.IntegerField(
            label="How many weeks pregnant?",
            help_text="Only if pregnant: the number of weeks, from 1 to 42.",
            required=False,
            min_value=1,
            max_value=42,
            error_messages={
                "invalid": "Enter the weeks of pregnancy as a whole number from 1 to 42.",
                "min_value": "Weeks of pregnancy must be from 1 to 42.",
                "max_value": "Weeks of pregnancy must be from 1 to 42.",
            },
        )

    def _not_asked(self) -> set[str]:
        if self.asks_pregnancy:
            return set()
        hidden = {"pregnant", "pregnancy_weeks", "breastfeeding"}
        if self.data.get(self.add_prefix("breastfeeding")) == YES:
            # Answered yes before the patient's sex was recorded as male: show the answer with
            # its error, next to the field.
            hidden.discard("breastfeeding")
        return hidden

    def shown_fields(self) -> list[forms.BoundField]:
        """The questions asked of this patient (no pregnancy or breastfeeding questions for a
        patient recorded as male)."""
        hidden = self._not_asked()
        return [self[name] for name in self.fields if name not in hidden]

    def clean(self):
        cleaned = super().clean()
        pregnant = cleaned.get("pregnant")
        weeks = cleaned.get("pregnancy_weeks")
        if not self.asks_pregnancy:
            if pregnant or weeks is not None:
                self.add_error(
                    None,
                    "Pregnancy cannot be recorded for a patient recorded as male. If the "
                    "patient's sex is recorded wrongly, correct the patient's details first.",
                )
            if cleaned.get("breastfeeding"):
                self.add_error(
                    "breastfeeding",
                    "Breastfeeding cannot be recorded for a patient recorded as male. If the "
                    "patient's sex is recorded wrongly, correct the patient's details first.",
                )
            cleaned["pregnant"], cleaned["pregnancy_weeks"] = False, None
            cleaned["breastfeeding"] = False
        elif pregnant is False:
            cleaned["pregnancy_weeks"] = None
        elif pregnant and weeks is None and "pregnancy_weeks" not in self.errors:
            self.add_error("pregnancy_weeks", "Enter how many weeks pregnant (1 to 42).")
        return cleaned

    def review_rows(self) -> list[tuple[str, str]]:
        rows = super().review_rows()
        if not self.asks_pregnancy:
            drop = {self.short_labels[name] for name in ("pregnant", "breastfeeding")} | {
                self.short_labels["pregnancy_weeks"],
                self.fields["pregnancy_weeks"].label,
            }
            rows = [row for row in rows if row[0] not in drop]
        return rows


class SubmitForm(forms.Form):
    """The review page's submit: carries the fingerprint of the answers the nurse reviewed."""

    reviewed = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, digest: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.digest = digest

    def clean_reviewed(self):
        if self.cleaned_data["reviewed"] != self.digest:
            raise forms.ValidationError(
                "The answers changed after this review page was opened (perhaps in another tab "
                "or window). Check them below, then submit again."
            )
        return self.cleaned_data["reviewed"]
