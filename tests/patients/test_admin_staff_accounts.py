"""Staff accounts in the admin: administrators manage users; roles and superuser powers are
not theirs to hand out; nurses never reach the admin; lockouts can be lifted, logs kept."""

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts import roles
from tests.conftest import make_user
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _user_form(user, **changes) -> dict:
    form = {
        "username": user.username,
        "first_name": "",
        "last_name": "",
        "email": "",
        "is_active": "on",
        "groups": [group.pk for group in user.groups.all()],
    }
    if user.is_staff:
        form["is_staff"] = "on"
    form.update(changes)
    return {key: value for key, value in form.items() if value is not None}


def _group(name: str) -> Group:
    return Group.objects.get(name=name)


def test_nurse_never_reaches_the_admin(client, nurse):
    client.force_login(nurse)
    for name in (
        "admin:index",
        "admin:triage_encounter_changelist",
        "admin:auth_user_changelist",
    ):
        assert client.get(reverse(name))["Location"].startswith("/admin/login/")


def test_clinician_cannot_manage_users_or_groups(clinician_client):
    assert clinician_client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert clinician_client.get(reverse("admin:auth_group_changelist")).status_code == 403


def test_administrator_makes_a_colleague_a_clinician(admin_client_role):
    colleague = make_user(roles.NURSE, username="newdoc")
    url = reverse("admin:auth_user_change", args=[colleague.pk])
    response = admin_client_role.post(
        url, _user_form(colleague, is_staff="on", groups=[_group(roles.CLINICIAN).pk])
    )
    assert response.status_code == 302
    colleague.refresh_from_db()
    assert colleague.is_staff
    assert list(colleague.groups.values_list("name", flat=True)) == [roles.CLINICIAN]


def test_staff_status_is_refused_to_a_nurse(admin_client_role):
    colleague = make_user(roles.NURSE, username="nadia2")
    url = reverse("admin:auth_user_change", args=[colleague.pk])
    response = admin_client_role.post(url, _user_form(colleague, is_staff="on"))
    assert response.status_code == 200
    assert "give it only to members of the Clinician or Administrator group" in (
        response.content.decode()
    )
    colleague.refresh_from_db()
    assert not colleague.is_staff


def test_administrator_cannot_grant_superuser_or_raw_permissions(admin_client_role):
    colleague = make_user(roles.CLINICIAN, username="carl2")
    url = reverse("admin:auth_user_change", args=[colleague.pk])
    form = _user_form(colleague, is_superuser="on", user_permissions=["1", "2"])
    assert admin_client_role.post(url, form).status_code == 302
    colleague.refresh_from_db()
    assert not colleague.is_superuser
    assert not colleague.user_permissions.exists()


def test_administrator_cannot_change_a_superuser(admin_client_role):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    url = reverse("admin:auth_user_change", args=[root.pk])
    assert admin_client_role.post(url, _user_form(root, is_active=None)).status_code == 403
    root.refresh_from_db()
    assert root.is_active


def test_nobody_deletes_a_user(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    colleague = UserFactory(username="leaver")
    url = reverse("admin:auth_user_delete", args=[colleague.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403


def test_role_permissions_are_read_only_for_administrators(admin_client_role):
    nurse_group = _group(roles.NURSE)
    before = set(nurse_group.permissions.all())
    url = reverse("admin:auth_group_change", args=[nurse_group.pk])
    page = admin_client_role.get(url).content.decode()
    assert "patients.view_patient" in page
    admin_client_role.post(url, {"name": roles.NURSE, "permissions": []})
    assert set(nurse_group.permissions.all()) == before


def test_role_groups_cannot_be_deleted(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    url = reverse("admin:auth_group_delete", args=[_group(roles.CLINICIAN).pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Group.objects.filter(name=roles.CLINICIAN).exists()


def test_administrator_lifts_a_lockout_but_cannot_delete_the_sign_in_log(admin_client_role):
    attempt = AccessAttempt.objects.create(
        username="nadia",
        ip_address="127.0.0.1",
        user_agent="browser",
        failures_since_start=5,
        get_data="",
        post_data="",
        http_accept="",
        path_info="/accounts/login/",
    )
    entry = AccessLog.objects.create(
        username="nadia", ip_address="127.0.0.1", user_agent="b", http_accept="", path_info="/"
    )
    delete_attempt = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
    assert admin_client_role.post(delete_attempt, {"post": "yes"}).status_code == 302
    assert not AccessAttempt.objects.exists()
    delete_entry = reverse("admin:axes_accesslog_delete", args=[entry.pk])
    assert admin_client_role.post(delete_entry, {"post": "yes"}).status_code == 403
    assert AccessLog.objects.filter(pk=entry.pk).exists()
