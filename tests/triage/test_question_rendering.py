"""The `{% question %}` and `{% step_fields %}` tags draw exactly what they replaced.

`question` replaced an included template (REFERENCE below, as it was); `step_fields` replaced
`{% crispy form %}` with a layout that sent each yes/no question to that template. Every step
form is rendered both ways, unanswered, refused and answered, and compared with whitespace
compared as a browser shows it: a change to either side's markup fails here.
"""

import datetime
import re
from pathlib import Path

import pytest
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout
from django import forms as django_forms
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_conservative_episode
from triage.followup.forms import MissedVisitForm, VisitForm, VisitMedicinesForm
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


# --- `{% form_field %}`: the visit form's other fields, as `|as_crispy_field` drew them ---

FORM_FIELD = "{% load intake_questions %}{% form_field field %}"
CRISPY_FIELD = "{% load crispy_forms_tags %}{{ field|as_crispy_field }}"
VISIT_REFUSED = {
    "visit_date": "2026-13-45",
    "pain_score": "eleven",
    "global_change": "9",
    "muscle_relaxant_days": "-1",
    "activity_1_name": "x" * 101,
    "activity_1_score": "11",
    "note": "<b>said 'worse'</b>",
}
VISIT_ANSWERED = {
    "version": "1",
    "visit_date": "2026-11-29",
    "pain_score": "3",
    "global_change": "-2",
    "muscle_relaxant_days": "12",
    "activity_1_name": 'turning my head "to drive"',
    "activity_1_score": "4",
    "note": "Better & sleeping.\nSecond line",
}


def visit_forms_in_every_state():
    """The visit form unanswered, refused and answered, with and without the medicine review's
    relaxant questions and a start date on record; each state built afresh on every call."""
    for options in (
        {},
        {"asks_medicines": True, "relaxant_start": datetime.date(2026, 11, 1)},
    ):
        for data in (None, VISIT_REFUSED, VISIT_ANSWERED):
            form = VisitForm(data, intake_date=datetime.date(2026, 11, 2), today=TODAY, **options)
            if data is not None:
                form.is_valid()
            yield form


def every_form_in_every_state():
    return [
        *visit_forms_in_every_state(),
        *forms_in_every_state(STEP_FORMS),
        MissedVisitForm(due_date=TODAY, today=TODAY),
        MissedVisitForm({"version": "1", "reason": ""}, due_date=TODAY, today=TODAY),
    ]


@pytest.mark.parametrize("index", range(len(every_form_in_every_state())))
def test_form_field_draws_every_field_as_crispy_did(index):
    # Two copies of the same form: crispy adds classes to the widget it draws.
    ours, theirs = every_form_in_every_state()[index], every_form_in_every_state()[index]
    if theirs.is_bound:
        assert theirs.errors or theirs.is_valid()
    for name in ours.fields:
        assert rendered(FORM_FIELD, ours[name]) == rendered(CRISPY_FIELD, theirs[name]), name


def test_a_refused_field_shows_its_error_under_the_input_and_marks_it_invalid():
    form = VisitForm({"pain_score": "eleven"}, intake_date=TODAY, today=TODAY)
    form.is_valid()

    html = rendered(FORM_FIELD, form["pain_score"])

    assert 'class="numberinput form-control is-invalid"' in html
    assert '<p id="error_1_id_pain_score"><strong>' in html
    input_at, error_at, hint_at = (
        html.index(part)
        for part in ("is-invalid", 'id="id_pain_score_error"', 'id="id_pain_score_helptext"')
    )
    assert input_at < error_at < hint_at


DRAWN_BY_CRISPY = "<!-- every field through as_crispy_field -->"
# What differs between two requests whatever the template: the form's token, the session clock.
PER_REQUEST = re.compile(r'((?:name="csrfmiddlewaretoken" value|data-[a-z]+-left)=")[^"]+"')


@pytest.fixture
def visit_page_with_crispy_fields(settings, tmp_path):
    """The visit form's page template with crispy's filter in place of every `form_field`."""
    source = (Path(settings.BASE_DIR) / "templates/triage/followup/visit_form.html").read_text()
    assert "{% form_field " in source
    crispy = re.sub(r"{% form_field ([\w.]+) %}", r"{{ \1|as_crispy_field }}", source)
    crispy = crispy.replace(
        "{% load intake_questions %}", "{% load crispy_forms_tags intake_questions %}"
    ).replace("{% block content %}", "{% block content %}" + DRAWN_BY_CRISPY)
    (tmp_path / "triage/followup").mkdir(parents=True)
    (tmp_path / "triage/followup/visit_form.html").write_text(crispy)
    engine = settings.TEMPLATES[0]
    return {**engine, "DIRS": [tmp_path, *engine["DIRS"]]}


def page_html(response) -> str:
    assert response.status_code == 200
    return squeeze(PER_REQUEST.sub(r'\1…"', response.content.decode()))


@pytest.mark.django_db
@pytest.mark.parametrize("plan_day", [None, 14])
@pytest.mark.parametrize("posted", [None, VISIT_REFUSED], ids=["unanswered", "refused"])
def test_the_visit_page_is_the_page_crispy_drew(
    nurse_client, settings, visit_page_with_crispy_fields, plan_day, posted
):
    encounter = make_conservative_episode(occurred_at=timezone.now() - datetime.timedelta(days=20))
    follow_up = encounter.follow_ups.create(
        due_date=timezone.localdate(), purpose="Visit", status="scheduled", plan_day=plan_day
    )
    url = reverse("triage:followup_record", args=[follow_up.pk])

    def visit_page():
        if posted is None:
            return page_html(nurse_client.get(url))
        return page_html(nurse_client.post(url, {**posted, "version": follow_up.version}))

    ours = visit_page()
    default_templates = settings.TEMPLATES
    settings.TEMPLATES = [visit_page_with_crispy_fields]
    theirs = visit_page()
    settings.TEMPLATES = default_templates
    assert DRAWN_BY_CRISPY not in ours
    assert theirs.count(DRAWN_BY_CRISPY) == 1
    theirs = theirs.replace(DRAWN_BY_CRISPY, "")

    assert 'id="div_id_pain_score" class="mb-3"' in ours
    assert ("is-invalid" in ours) == (posted is not None)
    assert ('name="medicines-' in ours) == (plan_day == 14)
    assert ours == theirs
