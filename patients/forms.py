"""Patient forms: every rule about a single field is checked here, next to the field."""

import re

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils import timezone

from patients.models import EARLIEST_BIRTH_DATE, MRN_PATTERN, Patient


def error_links(form: forms.BaseForm) -> list[tuple[str, str, str]]:
    """(anchor, label, message) for each error, for the summary at the top of a form page."""
    links = []
    for name, errors in form.errors.items():
        if name == NON_FIELD_ERRORS or name not in form.fields:
            links.extend(("", "", str(error)) for error in errors)
            continue
        bound = form[name]
        # A radio group has no single labelled input: link to its first option.
        anchor = bound.id_for_label or f"{bound.auto_id}_0"
        label = getattr(form, "short_labels", {}).get(name, bound.label)
        links.extend((anchor, label, str(error)) for error in errors)
    return links


class PatientSearchForm(forms.Form):
    q = forms.CharField(
        label="Record number or name",
        required=False,
        max_length=100,
        error_messages={
            "max_length": "Search with at most 100 characters: a record number or a name."
        },
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class PatientForm(forms.ModelForm):
    confirm_not_duplicate = forms.BooleanField(
        label="I have checked: this is a different person; register them anyway.",
        required=False,
    )

    class Meta:
        model = Patient
        fields = ["mrn", "family_name", "given_name", "date_of_birth", "sex", "phone"]
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }
        error_messages = {
            "mrn": {"unique": "Another patient already has this record number."},
        }

    short_labels = {"confirm_not_duplicate": "Possible duplicate"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.possible_duplicates = []
        if self.instance.pk:
            del self.fields["confirm_not_duplicate"]
        else:
            # Asked only once a possible duplicate has been found (see clean()).
            self.fields["confirm_not_duplicate"].widget = forms.HiddenInput()

    def clean_mrn(self):
        mrn = self.cleaned_data["mrn"].strip().upper()
        if not re.fullmatch(MRN_PATTERN, mrn):
            raise forms.ValidationError(
                "Use letters, digits and single dashes only (no spaces), e.g. MRN-10234."
            )
        return mrn

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        if born > timezone.localdate():
            raise forms.ValidationError("The date of birth cannot be in the future.")
        if born < EARLIEST_BIRTH_DATE:
            raise forms.ValidationError("Check the year: the date of birth is before 1900.")
        return born

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and not re.fullmatch(r"\+?[0-9 ()-]{6,31}", phone):
            raise forms.ValidationError(
                "Use digits, spaces, brackets and dashes, e.g. 020 7946 0000."
            )
        return phone

    def clean(self):
        cleaned = super().clean()
        names = (
            cleaned.get("family_name"),
            cleaned.get("given_name"),
            cleaned.get("date_of_birth"),
        )
        if self.instance.pk or not all(names):
            return cleaned
        self.possible_duplicates = list(
            Patient.objects.same_person_as(
                family_name=names[0], given_name=names[1], date_of_birth=names[2]
            )[:5]
        )
        if self.possible_duplicates and not cleaned.get("confirm_not_duplicate"):
            self.fields["confirm_not_duplicate"].widget = forms.CheckboxInput()
            self.add_error(
                "confirm_not_duplicate",
                "A patient with the same name and date of birth is already registered. "
                "Open that record, or tick this box to register a different person.",
            )
        return cleaned
