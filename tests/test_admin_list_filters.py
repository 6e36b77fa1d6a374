"""The clinical lists draw their filter sidebars with `{% list_filter %}`
(accounts/templatetags/admin_list_filters.py) instead of Django's `{% admin_list_filter %}`:
each filter must be exactly what Django's template writes."""

import pytest
from django.contrib import admin
from django.contrib.admin.templatetags.admin_list import admin_list_filter
from django.urls import reverse

from accounts.templatetags.admin_list_filters import DJANGOS_TEMPLATE, list_filter
from tests.conftest import list_column_admins
from tests.factories import EscalationFactory, FollowUpFactory, VisitRecordFactory

pytestmark = pytest.mark.django_db

LISTS = list_column_admins()
# No filter, a chosen filter, a search with a sort, and the facet counts shown.
QUERIES = [{}, {"q": "MRN", "o": "-1"}, {"_facets": "True"}]
CHOSEN = {
    "triage.Encounter": {"review": "awaiting", "fever__exact": "1", "status__exact": "submitted"},
    "triage.FollowUp": {"due": "all", "status__exact": "scheduled"},
    "triage.Escalation": {"state": "open", "priority__exact": "urgent"},
    "triage.VisitRecord": {"outcome_status": "improving", "ruleset": "current"},
}


@pytest.mark.parametrize("model", LISTS, ids=lambda model: model._meta.label)
def test_each_filter_is_the_one_django_draws(admin_client, model):
    EscalationFactory()
    FollowUpFactory()
    VisitRecordFactory()
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    compared = 0
    for query in [*QUERIES, CHOSEN.get(model._meta.label, {})]:
        response = admin_client.get(url, query)
        assert response.status_code == 200
        change_list = response.context["cl"]
        for spec in change_list.filter_specs:
            assert list_filter(change_list, spec) == admin_list_filter(change_list, spec)
            compared += spec.template == DJANGOS_TEMPLATE
    if admin.site._registry[model].list_filter:
        assert compared, "no filter drawn in Python was compared"
