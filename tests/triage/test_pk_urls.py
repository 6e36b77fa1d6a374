"""`{% pk_url %}` gives exactly what `{% url %}` gives for a URL that takes one id."""

import pytest
from django.template import Context, Template
from django.urls import reverse, set_script_prefix

NAMES = ["triage:patient_chart", "triage:followup_record", "triage:escalation_close"]


def _render(name: str, pk) -> str:
    template = Template("{% load pk_urls %}{% pk_url name pk %}")
    return template.render(Context({"name": name, "pk": pk}))


@pytest.mark.parametrize("name", [*NAMES, "triage:visit_add"])
@pytest.mark.parametrize("pk", [1, 7, 40, 918273645, 10**12])
def test_it_gives_what_reverse_gives(name, pk):
    assert _render(name, pk) == reverse(name, args=[pk])


def test_it_follows_the_script_prefix():
    try:
        set_script_prefix("/clinic/")
        assert _render(NAMES[0], 12) == reverse(NAMES[0], args=[12]) == "/clinic/patients/12/"
    finally:
        set_script_prefix("/")
    assert _render(NAMES[0], 12) == "/patients/12/"


def test_an_id_that_is_not_a_whole_number_goes_through_reverse():
    assert _render(NAMES[0], "12") == reverse(NAMES[0], args=["12"])
