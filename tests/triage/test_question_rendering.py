"""The `{% question %}` and `{% step_fields %}` tags draw exactly what they replaced.

`question` replaced an included template (REFERENCE below, as it was); `step_fields` replaced
`{% crispy form %}` with a layout that sent each yes/no question to that template. Every step
form is rendered both ways, unanswered, refused and answered, and compared with whitespace
compared as a browser shows it: a change to either side's markup fails here.
"""

import datetime
import re

import pytest
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout
from django import forms as django_forms
from django.template import Context, Template

from triage.followup.forms import VisitMedicinesForm
from triage.intake.forms import HistoryForm, PainForm, RedFlagForm

REFERENCE = """
<div id="div_{{ field.auto_id }}" class="mb-3 intake-question">
  <fieldset{% if field.help_text or field.errors %} aria-describedby="{% if field.help_text %}{{ field.auto_id }}_helptext{% endif %}{% if field.errors %} {{ field.auto_id }}_error{% endif %}"{% endif %}>
    <legend class="form-label fs-6 mb-1{% if field.field.required %} requiredField{% endif %}">{{ field.label }}{% if field.field.required %}<span class="asteriskField" aria-hidden="true">*</span>{% endif %}</legend>
    {% with current=field.value %}{% for value, label in field.field.choices %}
    <div class="form-check form-check-inline">
      <input type="radio" class="form-check-input{% if field.errors %} is-invalid{% endif %}" name="{{ field.html_name }}" value="{{ value }}" id="{{ field.auto_id }}_{{ forloop.counter0 }}"{% if current == value %} checked{% endif %}{% if field.errors %} aria-invalid="true"{% endif %}>
      <label class="form-check-label" for="{{ field.auto_id }}_{{ forloop.counter0 }}">{{ label }}</label>
    </div>
    {% endfor %}{% endwith %}
    {% if field.errors %}<div id="{{ field.auto_id }}_error" class="invalid-feedback d-block">{% for error in field.errors %}<p class="mb-0"><strong>{{ error }}</strong></p>{% endfor %}</div>{% endif %}
    {% if field.help_text %}<div id="{{ field.auto_id }}_helptext" class="form-text">{{ field.help_text }}</div>{% endif %}
  </fieldset>
</div>
"""  # noqa: E501
TAG = "{% load intake_questions %}{% question field %}"
REFERENCE_FORM = "{% load crispy_forms_tags %}{% crispy form %}"
STEP_FIELDS = "{% load intake_questions %}{% step_fields form %}"
TODAY = datetime.date(2026, 11, 30)


def squeeze(html: str) -> str:
    """Whitespace as a browser shows it: runs collapsed, none beside a tag."""
    return re.sub(r"\s*([<>])\s*", r"\1", re.sub(r"\s+", " ", html.strip()))


def rendered(source: str, field) -> str:
    return squeeze(Template(source).render(Context({"field": field})))


def reference_helper(form) -> FormHelper:
    """The crispy layout the step forms had: radios through the question template."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(
        *(
            Field(field.name, template="reference_question.html")
            if isinstance(field.field.widget, django_forms.RadioSelect)
            else Field(field.name)
            for field in form.shown_fields()
        )
    )
    return helper


@pytest.fixture
def reference_question_template(settings, tmp_path):
    (tmp_path / "reference_question.html").write_text(REFERENCE)
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [tmp_path, *engine["DIRS"]]}]


def forms_in_every_state(form_classes=(RedFlagForm, HistoryForm)):
    for form_class in form_classes:
        unanswered = form_class(patient=None, today=TODAY)
        refused = form_class(
            {"fever": "maybe", "takes_maoi": "", "onset_date": "2027-01-01", "pain_score": "x"},
            patient=None,
            today=TODAY,
        )
        refused.is_valid()
        answered = form_class(
            {name: "yes" if index % 2 else "no" for index, name in enumerate(unanswered.fields)},
            patient=None,
            today=TODAY,
        )
        answered.is_valid()
        yield from (unanswered, refused, answered)


@pytest.mark.parametrize("form", list(forms_in_every_state()), ids=lambda form: type(form).__name__)
def test_every_question_draws_as_the_template_did(form):
    radios = [name for name, field in form.fields.items() if hasattr(field, "choices")]
    assert len(radios) >= 10
    for name in radios:
        field = form[name]
        assert rendered(TAG, field) == rendered(REFERENCE, field), name


def test_a_refused_question_names_its_error_and_marks_the_radios_invalid():
    form = RedFlagForm({"fever": "maybe"}, patient=None, today=TODAY)
    form.is_valid()

    html = rendered(TAG, form["fever"])

    assert 'aria-invalid="true"' in html
    assert f'id="{form["fever"].auto_id}_error"' in html
    assert "aria-describedby=" in html


STEP_FORMS = (PainForm, RedFlagForm, HistoryForm, VisitMedicinesForm)


@pytest.mark.parametrize(
    "form", list(forms_in_every_state(STEP_FORMS)), ids=lambda form: type(form).__name__
)
def test_step_fields_draw_the_whole_step_as_crispy_did(form, reference_question_template):
    ours = squeeze(Template(STEP_FIELDS).render(Context({"form": form})))
    form.helper = reference_helper(form)

    theirs = squeeze(Template(REFERENCE_FORM).render(Context({"form": form})))

    assert ours == theirs


def test_a_problem_with_the_whole_step_is_listed_first(reference_question_template):
    form = RedFlagForm({}, patient=None, today=TODAY)
    form.is_valid()
    form.add_error(None, "These answers changed while you were typing.")
    ours = squeeze(Template(STEP_FIELDS).render(Context({"form": form})))
    form.helper = reference_helper(form)

    assert ours.startswith('<div class="alert alert-block alert-danger"><ul class="m-0"><li>These')
    assert ours == squeeze(Template(REFERENCE_FORM).render(Context({"form": form})))
