"""Shared fixtures: signed-in clients for each role, and settings fit for tests."""

import time

import pytest
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

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


def totp_code(device: TOTPDevice) -> str:
    """The code the authenticator app shows now, or the next one when this one was used
    already (a code is accepted once: a second sign-in in the same 30 s needs the next)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    step = max(totp.t(), device.last_t + 1)
    totp.time = device.t0 + (step - device.drift) * device.step
    return f"{totp.token():0{device.digits}d}"


def verify_second_factor(client, user) -> TOTPDevice:
    """Mark the client's session as having given the second factor, with an enrolled
    authenticator for the user (made if they have none), as the code page would."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test authenticator", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


@pytest.fixture(autouse=True)
def _second_factor_given_at_sign_in(request, monkeypatch):
    """Multi-factor sign-in stays on for the suite. A test that signs a client in with
    `force_login` or `login` gets a session that has also given the second factor, so pages
    behave as they do for staff after the code page; tests marked `real_second_factor`
    (tests/accounts/test_second_factor*.py) sign in without it and check the real thing."""
    if request.node.get_closest_marker("real_second_factor"):
        return
    force_login, login = Client.force_login, Client.login

    def force_login_verified(self, user, backend=None):
        force_login(self, user, backend)
        verify_second_factor(self, user)

    def login_verified(self, **credentials):
        signed_in = login(self, **credentials)
        if signed_in:
            user = get_user_model().objects.get(pk=self.session[SESSION_KEY])
            verify_second_factor(self, user)
        return signed_in

    monkeypatch.setattr(Client, "force_login", force_login_verified)
    monkeypatch.setattr(Client, "login", login_verified)


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


def list_column_admins() -> list:
    """The models whose admin lists draw their rows and filters in Python (`ListColumnsMixin`),
    in label order: the lists the admin row and filter tests compare with Django's."""
    from django.contrib import admin

    from accounts.admin_lists import ListColumnsMixin

    return sorted(
        (
            model
            for model, model_admin in admin.site._registry.items()
            if isinstance(model_admin, ListColumnsMixin)
        ),
        key=lambda model: model._meta.label,
    )
