"""The admin's sidebar is drawn by `{% nav_app_list %}` (accounts/templatetags/admin_nav.py)
instead of Django's admin/app_list.html: it must be the same HTML but for whitespace."""

import re
from pathlib import Path

import django.contrib.admin
import pytest
from django.template import Context, engines
from django.test import RequestFactory
from django.urls import reverse

from accounts.templatetags.admin_nav import nav_app_list

pytestmark = pytest.mark.django_db

DJANGOS_APP_LIST = Path(django.contrib.admin.__file__).parent / "templates/admin/app_list.html"
PAGES = [
    "admin:triage_encounter_changelist",
    "admin:triage_followup_changelist",
    "admin:patients_patient_changelist",
    "admin:auth_user_changelist",
]
NAV = re.compile(r'<nav class="sticky" id="nav-sidebar".*?</nav>', re.DOTALL)


def _without_whitespace_between_tags(html: str) -> str:
    return re.sub(r"\s+<", "<", re.sub(r">\s+", ">", html)).strip()


def _djangos(request, app_list) -> str:
    """What Django's own app_list.html draws in the sidebar (its include's arguments)."""
    engine = engines["django"].engine
    djangos = engine.from_string(DJANGOS_APP_LIST.read_text())
    context = {"request": request, "app_list": app_list, "show_changelinks": False}
    return djangos.render(Context(context))


@pytest.mark.parametrize("user", ["admin_client", "admin_client_role", "clinician_client"])
@pytest.mark.parametrize("page", PAGES)
def test_the_sidebar_is_the_one_django_draws(request, user, page):
    client = request.getfixturevalue(user)
    response = client.get(reverse(page))
    if response.status_code == 403:
        pytest.skip(f"{user} may not open {page}")
    assert response.status_code == 200
    apps = response.context["available_apps"]
    assert apps, "a sidebar with no apps compares nothing"
    ours = nav_app_list(Context({"request": response.wsgi_request}), apps)
    djangos = _djangos(response.wsgi_request, apps)
    assert _without_whitespace_between_tags(ours) == _without_whitespace_between_tags(djangos)
    # And the page carries it: the current list is marked, as in Django's sidebar.
    nav = NAV.search(response.content.decode()).group()
    assert _without_whitespace_between_tags(ours) in _without_whitespace_between_tags(nav)
    assert 'aria-current="page"' in ours
    assert "current-model" in ours


def test_a_path_is_compared_as_django_compares_it_url_encoded():
    # Django tests `model.admin_url in request.path|urlencode`: a path with characters that
    # need quoting still marks the list it belongs to, and nothing else.
    apps = [
        {
            "app_label": "triage",
            "app_url": "/admin/triage/",
            "name": "Triage & <care>",
            "models": [
                {
                    "name": "Encounters",
                    "object_name": "Encounter",
                    "admin_url": "/admin/triage/encounter/",
                    "add_url": None,
                },
                {"name": "Hidden", "object_name": "Hidden", "admin_url": None, "add_url": None},
                {
                    "name": "Notes <b>",
                    "object_name": "Note",
                    "admin_url": "/admin/triage/note/",
                    "add_url": "/admin/triage/note/add/",
                },
            ],
        }
    ]
    for path in ["/admin/triage/encounter/é 1/change/", "/admin/", "/elsewhere/"]:
        fake = RequestFactory().get(path)
        ours = nav_app_list(Context({"request": fake}), apps)
        djangos = _djangos(fake, apps)
        assert _without_whitespace_between_tags(ours) == _without_whitespace_between_tags(djangos)


def test_no_apps_says_so_as_django_does():
    fake = RequestFactory().get("/admin/")
    ours = nav_app_list(Context({"request": fake}), [])
    assert ours == _without_whitespace_between_tags(_djangos(fake, []))
