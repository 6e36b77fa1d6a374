"""StaffBackend reads a user's own and group permissions in one statement (ModelBackend's own two
queries as a UNION ALL), compiled once a process: every kind of user must get exactly the
permissions Django's ModelBackend gives, and a change must show on the user's next request (the
statement is kept, never the answer)."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import roles
from accounts.backends import StaffBackend
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def _permission(code: str) -> Permission:
    app_label, codename = code.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _reads(user) -> tuple:
    """What a backend answers for a user read afresh, as each request reads it."""
    answers = []
    for backend in (StaffBackend(), ModelBackend()):
        fresh = get_user_model().objects.get(pk=user.pk)
        # A page's first check asks for all of them (has_perm); the two sets come after.
        all_of_them = backend.get_all_permissions(fresh)
        answers.append(
            (
                backend.get_user_permissions(fresh),
                backend.get_group_permissions(fresh),
                all_of_them,
                backend.has_perm(fresh, "triage.close_escalation"),
            )
        )
    return tuple(answers)


def _users():
    own = make_user(None)
    own.user_permissions.add(_permission("triage.close_escalation"))
    both = make_user(roles.NURSE)
    both.user_permissions.add(_permission("triage.view_outcomes"))
    two_roles = make_user(roles.NURSE)
    two_roles.groups.add(Group.objects.get(name=roles.CLINICIAN))
    return {
        "no role": make_user(None),
        "own permission only": own,
        "nurse": make_user(roles.NURSE),
        "role and own permission": both,
        "two roles": two_roles,
        "administrator": make_user(roles.ADMINISTRATOR),
        "inactive nurse": make_user(roles.NURSE, is_active=False),
        "superuser": make_user(None, is_superuser=True),
    }


def test_every_kind_of_user_gets_what_django_gives():
    for kind, user in _users().items():
        ours, djangos = _reads(user)
        assert ours == djangos, kind
    assert _reads(_users()["nurse"])[0][2] == roles.ROLE_PERMISSIONS[roles.NURSE]


def test_a_changed_role_shows_on_the_next_request():
    nurse = make_user(roles.NURSE)
    before, _ = _reads(nurse)
    nurse.groups.set([Group.objects.get(name=roles.CLINICIAN)])
    nurse.user_permissions.add(_permission("patients.view_chartaccess"))
    after, djangos = _reads(nurse)
    assert after == djangos
    assert not before[3]
    assert after[3]
    assert "patients.view_chartaccess" in after[2]


def test_a_permission_held_both_ways_is_in_both_sets():
    user = make_user(roles.NURSE)
    user.user_permissions.add(_permission("patients.view_patient"))
    ours, djangos = _reads(user)
    assert ours == djangos
    assert "patients.view_patient" in ours[0]
    assert "patients.view_patient" in ours[1]


def test_both_sources_are_one_query(django_assert_num_queries):
    nurse = get_user_model().objects.get(pk=make_user(roles.NURSE).pk)
    with django_assert_num_queries(1):
        assert StaffBackend().has_perm(nurse, "triage.view_followup")
        assert not StaffBackend().has_perm(nurse, "triage.close_escalation")


def test_a_page_checks_permissions_with_one_statement_compiled_once(nurse_client):
    from accounts.backends import _permissions_statement

    nurse_client.get("/patients/")
    before = _permissions_statement.cache_info()
    with CaptureQueriesContext(connection) as captured:
        assert nurse_client.get("/patients/").status_code == 200
    after = _permissions_statement.cache_info()
    sql = [query["sql"] for query in captured.captured_queries]
    permission_reads = [statement for statement in sql if "auth_permission" in statement]
    assert len(permission_reads) == 1
    assert "UNION ALL" in permission_reads[0]
    assert (after.misses, after.hits) == (before.misses, before.hits + 1)
