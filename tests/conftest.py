"""Shared fixtures: signed-in clients for each role, and settings fit for tests."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType

from accounts import roles
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # The manifest storage needs `collectstatic`; tests serve static files from the finders.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Factories make many users; the production hasher costs about 0.3 s each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _cold_content_type_cache():
    # The content-type cache lives for the whole process: left warm, whether a page looks one
    # up would depend on which tests ran before it, and exact query counts would flicker.
    ContentType.objects.clear_cache()


@pytest.fixture(autouse=True)
def _questionnaire_built_afresh():
    # The FHIR intake Questionnaire is built once a day per process from the step forms; a
    # test that adds a question at run time must see it rebuilt, as a restarted server would.
    from fhir.views import _questionnaire_on

    _questionnaire_on.cache_clear()


def make_user(role: str | None, **kwargs):
    """A user in the given role group (None: a signed-in user with no role)."""
    # Transactional tests (the browser's live server) flush the groups the migration made.
    wanted = len(roles.ROLE_PERMISSIONS)
    if Group.objects.filter(name__in=list(roles.ROLE_PERMISSIONS)).count() != wanted:
        roles.sync_role_groups(Group, Permission)
    user = UserFactory(is_staff=role in roles.ADMIN_SITE_ROLES, **kwargs)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def nurse(db):
    return make_user(roles.NURSE, username="nurse1")


@pytest.fixture
def clinician(db):
    return make_user(roles.CLINICIAN, username="clinician1")


@pytest.fixture
def administrator(db):
    return make_user(roles.ADMINISTRATOR, username="admin1")


@pytest.fixture
def nurse_client(client, nurse):
    client.force_login(nurse)
    return client


@pytest.fixture
def clinician_client(client, clinician):
    client.force_login(clinician)
    return client


@pytest.fixture
def admin_client_role(client, administrator):
    client.force_login(administrator)
    return client


def pytest_terminal_summary(terminalreporter):
    """Say loudly, at the end, when the browser tests did not run."""
    skipped = terminalreporter.stats.get("skipped", [])
    if any("chromium is not installed" in str(report.longrepr) for report in skipped):
        terminalreporter.write_sep("!", "BROWSER TESTS WERE SKIPPED: Debian's chromium is missing")
        terminalreporter.write_line(
            "Install it with `sudo apt-get install chromium` (Debian), then run `make test` again.",
            red=True,
        )
