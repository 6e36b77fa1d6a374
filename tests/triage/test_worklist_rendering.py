"""The worklist draws its rows with `{% worklist_rows %}` and the nurse's unfinished intakes
with `{% draft_rows %}` (triage/templatetags/) instead of loops of template tags: the pages must
be byte for byte what the loops drew.

REFERENCES holds each loop as it was. Each page is rendered twice, with the real templates and
with copies of them where the tags are replaced by the loops, and compared: every kind of row,
every role's action links, names that need escaping, counts past the cap, a group's own pages,
drafts at every step and without a patient, and the unfinished intakes' own page.
"""

import datetime
import difflib
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone, translation

from accounts import roles
from tests.conftest import make_user
from tests.factories import (
    EncounterFactory,
    EscalationFactory,
    FollowUpFactory,
    IntakeDraftFactory,
    PatientFactory,
    VisitRecordFactory,
)
from triage.followup.selectors import worklist

pytestmark = pytest.mark.django_db

REFERENCE_ROWS = """{% for row in group.rows %}
      <tr{% if row.is_emergency %} class="table-danger worklist-emergency"{% endif %}>
        <th scope="row">{% if row.is_emergency %}<span class="badge text-bg-danger me-1">Emergency</span>{% elif row.kind == 'escalation' %}<span class="badge text-bg-warning me-1">Urgent</span>{% endif %}<a href="{% pk_url 'triage:patient_chart' row.patient_pk %}">{{ row.patient_name }}</a></th>
        <td data-label="Record number">{{ row.mrn }}</td>
        <td data-label="{% if group.key == 'escalations' %}Reason{% else %}Purpose{% endif %}">{{ row.what }}</td>
        {% if row.kind == 'escalation' %}
        <td data-label="Opened">{{ row.opened_at|date:"j M Y H:i" }}</td>
        <td>{% if perms.triage.close_escalation %}<a class="btn btn-sm btn-outline-danger" href="{% pk_url 'triage:escalation_close' row.pk %}">Record outcome<span class="visually-hidden"> for {{ row.patient_name }}</span></a>{% else %}<a href="{% pk_url 'triage:patient_chart' row.patient_pk %}">Open chart<span class="visually-hidden"> of {{ row.patient_name }}</span></a>{% endif %}</td>
        {% elif row.kind == 'medicine_review' %}
        <td>{{ row.due_date|date:"j M Y" }}</td>
        <td>{% if perms.triage.add_followup and perms.triage.add_visitrecord %}<a class="btn btn-sm btn-primary text-nowrap" href="{% pk_url 'triage:visit_add' row.encounter_pk %}?review=medicines">Record the medicine review<span class="visually-hidden"> for {{ row.patient_name }}</span></a>{% else %}<a href="{% pk_url 'triage:patient_chart' row.patient_pk %}">Open chart<span class="visually-hidden"> of {{ row.patient_name }}</span></a>{% endif %}</td>
        {% else %}
        <td data-label="Due">{{ row.due_date|date:"j M Y" }}</td>
        {% if group.key == 'overdue' %}<td data-label="Overdue by">{{ row.days_overdue }} day{{ row.days_overdue|pluralize }}</td>{% endif %}
        <td><a class="btn btn-sm btn-primary text-nowrap" href="{% pk_url 'triage:followup_record' row.pk %}">Record visit<span class="visually-hidden"> for {{ row.patient_name }}</span></a></td>
        {% endif %}
      </tr>
    {% endfor %}"""  # noqa: E501
REFERENCE_DRAFTS = """{% for draft in drafts %}
      <tr>
        <th scope="row">{% if draft.patient %}{{ draft.patient.display_name }}{% else %}Patient not chosen{% endif %}</th>
        <td data-label="Record number">{{ draft.patient.mrn|default:"–" }}</td>
        <td data-label="Next step">{{ draft.step_title }}</td>
        <td data-label="Last saved">{{ draft.updated_at|date:"j M Y H:i" }}</td>
        <td class="text-nowrap">
          <a class="btn btn-sm btn-primary" href="{% if draft.current_step == 'review' %}{% url 'triage:intake_review' draft.token %}{% else %}{% url 'triage:intake_step' draft.token draft.current_step|default:'patient' %}{% endif %}">Resume<span class="visually-hidden"> intake for {{ draft.patient.display_name|default:"an unchosen patient" }}</span></a>
          <a class="btn btn-sm btn-link text-danger" href="{% url 'triage:intake_discard' draft.token %}">Discard<span class="visually-hidden"> intake for {{ draft.patient.display_name|default:"an unchosen patient" }}</span></a>
        </td>
      </tr>
    {% endfor %}"""  # noqa: E501
# Each template, its tag, and the loop the tag replaced.
REFERENCES = {
    "triage/home.html": ("{% worklist_rows group %}", REFERENCE_ROWS),
    "triage/intake/_drafts.html": ("{% draft_rows drafts %}", REFERENCE_DRAFTS),
}
# What differs between any two requests: the form token and the session's countdown.
TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value|data-idle-left|data-absolute-left)="[^"]+"')
TEMPLATES = Path(django_settings.BASE_DIR) / "templates"


@pytest.fixture
def reference_templates(settings, tmp_path):
    """Switch the pages to the loops they had (call the returned function), or back."""
    engine = settings.TEMPLATES[0]
    for name, (tag, loop) in REFERENCES.items():
        source = (TEMPLATES / name).read_text()
        assert tag in source, f"{name} no longer draws its rows with {tag}"
        reference = tmp_path / name
        reference.parent.mkdir(parents=True, exist_ok=True)
        # The loops' own tags: `{% pk_url %}` beside the libraries the template loads.
        reference.write_text(source.replace(tag, loop).replace("{% load ", "{% load pk_urls ", 1))

    def use(reference: bool):
        dirs = [tmp_path, *engine["DIRS"]] if reference else engine["DIRS"]
        settings.TEMPLATES = [{**engine, "DIRS": dirs}]

    return use


def _clinic(today: datetime.date) -> None:
    """Every kind of row, names that need escaping, and more rows than a preview shows."""
    awkward = PatientFactory(family_name="O'Brien & <Sons>", given_name='Ann "Nan"')
    encounter = EncounterFactory(patient=awkward)
    now = timezone.now()
    EscalationFactory(encounter__patient=awkward, opened_at=now - datetime.timedelta(days=2))
    EscalationFactory(
        priority="emergency",
        red_flags=["progressive_neuro_deficit", "fever"],
        opened_at=now - datetime.timedelta(minutes=7),
    )
    visit = VisitRecordFactory(follow_up__due_date=today - datetime.timedelta(days=30))
    EscalationFactory(encounter=visit.follow_up.encounter, visit=visit, red_flags=["fever"])
    for days in (1, 2, 2, 5, 400, 1200, *range(10, 20)):
        FollowUpFactory(due_date=today - datetime.timedelta(days=days), purpose="Two <weeks>")
    FollowUpFactory(encounter=encounter, due_date=today - datetime.timedelta(days=1))
    for days in (14, 20):
        FollowUpFactory(
            encounter=encounter,
            due_date=today - datetime.timedelta(days=days),
            plan_day=14,
            status="missed",
            status_reason="Did not attend & no answer",
        )
    for days in (0, 0, 1, 7):
        FollowUpFactory(due_date=today + datetime.timedelta(days=days))


def _signed_in(client, role, only=()):
    user = make_user(role)
    if only:
        user.user_permissions.set(
            Permission.objects.filter(codename__in=only, content_type__app_label="triage")
        )
    awkward = PatientFactory(family_name="D'Arcy <&>", given_name='"Jo"', mrn="MRN-7")
    for step in ("pain", "red_flags", "history", "review"):
        IntakeDraftFactory(owner=user, current_step=step)
    IntakeDraftFactory(owner=user, patient=awkward, current_step="")
    IntakeDraftFactory(owner=user, patient=None, answers={}, current_step="")
    client.force_login(user)
    return client


PAGES = [
    ("triage:intake_drafts", {}),
    ("triage:home", {}),
    ("triage:home", {"show": "escalations"}),
    ("triage:home", {"show": "overdue"}),
    ("triage:home", {"show": "overdue", "page": "2"}),
    ("triage:home", {"show": "medicine_reviews"}),
    ("triage:home", {"show": "today"}),
    ("triage:home", {"show": "week"}),
]


@pytest.mark.parametrize(
    ("role", "only"),
    [
        (roles.NURSE, ()),
        (roles.CLINICIAN, ()),
        # Only allowed to look: every action becomes a link to the chart.
        (None, ("view_followup", "view_intakedraft")),
    ],
    ids=["nurse", "clinician", "view only"],
)
def test_the_rows_are_the_ones_the_loop_drew(client, reference_templates, role, only):
    today = timezone.localdate()
    _clinic(today)
    _signed_in(client, role, only)
    for page, query in PAGES:
        reference_templates(False)
        ours = client.get(reverse(page), query)
        reference_templates(True)
        loops = client.get(reverse(page), query)
        assert ours.status_code == loops.status_code == 200
        assert "<tbody>\n    \n      <tr" in ours.content.decode(), query  # rows, not none
        ours, loops = (TOKEN.sub("", page.content.decode()).splitlines() for page in (ours, loops))
        assert ours == loops, "\n".join(difflib.unified_diff(loops, ours, lineterm=""))


@pytest.mark.parametrize("page_size", [1, 3])
def test_a_full_page_of_rows_matches_too(client, reference_templates, monkeypatch, page_size):
    monkeypatch.setattr(worklist, "PAGE_SIZE", page_size)
    today = timezone.localdate()
    _clinic(today)
    _signed_in(client, roles.CLINICIAN)
    for group in worklist.GROUPS:
        reference_templates(False)
        ours = client.get(reverse("triage:home"), {"show": group, "page": "2"}).content.decode()
        reference_templates(True)
        loops = client.get(reverse("triage:home"), {"show": group, "page": "2"}).content.decode()
        assert TOKEN.sub("", ours) == TOKEN.sub("", loops), group


def test_dates_follow_the_time_zone_and_language(client, reference_templates):
    # Each date is formatted once a process: a page in another time zone or language must not
    # be given the dates another page formatted.
    EscalationFactory(opened_at=datetime.datetime(2025, 12, 31, 23, 30, tzinfo=datetime.UTC))
    FollowUpFactory(due_date=datetime.date(2025, 3, 10))
    _signed_in(client, roles.CLINICIAN)
    pages = []
    for zone, language in [("UTC", "en-gb"), ("Pacific/Auckland", "de"), ("UTC", "en-gb")]:
        with timezone.override(zone), translation.override(language):
            reference_templates(False)
            ours = TOKEN.sub("", client.get(reverse("triage:home")).content.decode())
            reference_templates(True)
            loops = TOKEN.sub("", client.get(reverse("triage:home")).content.decode())
        assert ours == loops, (zone, language)
        pages.append(ours)
    assert "31 Dec 2025 23:30" in pages[0]
    assert "10 Mär 2025" in pages[1]
    assert "1 Jan 2026 12:30" in pages[1]
    assert pages[2] == pages[0]
