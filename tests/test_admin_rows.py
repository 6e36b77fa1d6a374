"""The clinical lists draw their rows with `{% list_rows %}` (accounts/templatetags/admin_rows.py)
instead of Django's `{% result_list %}`: the pages must be exactly what Django would show."""

import difflib
import re
import uuid

import pytest
from django.contrib import admin
from django.contrib.admin.templatetags.admin_list import results
from django.urls import reverse
from django.utils import timezone, translation

from accounts.templatetags.admin_rows import rows
from cdshooks.models import EhrClient, IssuedCard
from tests.conftest import list_column_admins
from tests.factories import (
    CarePlanFactory,
    ChartAccessFactory,
    EscalationFactory,
    FollowUpFactory,
    RecommendationFactory,
    UrgentEncounterFactory,
    VisitRecordFactory,
)
from triage.models import Encounter, Escalation, FollowUp
from triage.review.services import record_recommendation_feedback

pytestmark = pytest.mark.django_db

LISTS = list_column_admins()
# Each list's address with the lists' own filters, a search and a sort: the change links keep
# them (`_changelist_filters`) and the rows must come out the same.
QUERIES = {
    "triage.FollowUp": [
        {},
        {"due": "all", "o": "-1"},
        {"due": "all", "q": "MRN", "status__exact": "scheduled"},
    ],
    "triage.Encounter": [{}, {"review": "awaiting", "o": "2"}, {"pathway__exact": "urgent"}],
}
# What differs between any two requests: the form token and the session's countdown.
TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value|data-idle-left|data-absolute-left)="[^"]+"')


def _clinic(user) -> None:
    """A few rows of every clinical list, with links, dates, choices, blanks and badges."""
    today = timezone.localdate()
    for days in (3, 0):
        encounter = UrgentEncounterFactory(recorded_by=user, needs_review=True)
        plan = CarePlanFactory(encounter=encounter, red_flags=["fever"])
        recommendation = RecommendationFactory(care_plan=plan)
        record_recommendation_feedback(
            recommendation=recommendation,
            user=user,
            outcome="overridden",
            reason="patient_declines",
            now=timezone.now(),
        )
        EscalationFactory(encounter=encounter)
        FollowUpFactory(encounter=encounter, due_date=today - timezone.timedelta(days))
        VisitRecordFactory(follow_up__encounter=encounter, recorded_by=user)
        ChartAccessFactory(user=user, patient=encounter.patient)
    ehr = EhrClient.objects.create(name="EHR", issuer="https://ehr.example.org", jwks={"keys": []})
    IssuedCard.objects.create(
        uuid=uuid.uuid4(),
        client=ehr,
        service="upright-imaging",
        hook="order-select",
        code="NO_ROUTINE_IMAGING",
        ruleset="r2",
        indicator="info",
        summary="No scan is needed now.",
        issued_at=timezone.now(),
    )


def _url(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


@pytest.mark.parametrize("model", LISTS, ids=lambda model: model._meta.label)
def test_rows_are_the_ones_django_draws(admin_client, admin_user, model):
    _clinic(admin_user)
    for query in QUERIES.get(model._meta.label, [{}]):
        response = admin_client.get(_url(model), query)
        assert response.status_code == 200
        change_list = response.context["cl"]
        assert change_list.result_list, f"no rows to compare in {model._meta.label} {query}"
        # Each of our rows is one piece of HTML: Django's cells, joined.
        assert ["".join(row) for row in rows(change_list)] == [
            "".join(row) for row in results(change_list)
        ]


@pytest.mark.parametrize("model", LISTS, ids=lambda model: model._meta.label)
def test_the_page_is_the_one_django_draws(admin_client, admin_user, model, monkeypatch):
    _clinic(admin_user)
    ours = admin_client.get(_url(model)).content.decode()
    monkeypatch.setattr(admin.site._registry[model], "change_list_template", None)
    djangos = admin_client.get(_url(model)).content.decode()
    assert 'id="result_list"' in ours  # a table of rows, not an empty list
    ours, djangos = TOKEN.sub("", ours).splitlines(), TOKEN.sub("", djangos).splitlines()
    assert ours == djangos, "\n".join(difflib.unified_diff(djangos, ours, lineterm=""))


@pytest.mark.parametrize("model", [Encounter, Escalation, FollowUp], ids=lambda m: m._meta.label)
def test_dates_are_written_for_the_time_zone_and_language_they_are_shown_in(
    admin_client, admin_user, model
):
    """Dates and times are formatted once a process: a text kept from one time zone or
    language must not be shown in another."""
    _clinic(admin_user)
    response = admin_client.get(_url(model), {"due": "all"} if model is FollowUp else {})
    change_list = response.context["cl"]
    shown = set()
    for zone, language in [("UTC", "en"), ("Pacific/Auckland", "en"), ("UTC", "fr"), ("UTC", "en")]:
        with timezone.override(zone), translation.override(language):
            ours = ["".join(row) for row in rows(change_list)]
            assert ours == ["".join(row) for row in results(change_list)]
            shown.add(tuple(ours))
    assert len(shown) >= 2, "another language writes other dates: the check must see them"
