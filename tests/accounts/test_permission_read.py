"""Permissions read in one statement compiled once a process (accounts/backends.py
`StaffBackend`): the same answers as Django's ModelBackend, which reads a user's own and group
permissions in two queries it compiles on every request."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import roles
from accounts.backends import StaffBackend
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def fresh(user):
    """The user as the next request reads it: no permission caches."""
    return get_user_model().objects.get(pk=user.pk)


def both_ways(user):
    staff, model = StaffBackend(), ModelBackend()
    reread = fresh(user)
    with CaptureQueriesContext(connection) as captured:
        answers = (
            staff.get_all_permissions(reread),
            staff.get_user_permissions(reread),
            staff.get_group_permissions(reread),
        )
    plain = fresh(user)
    expected = (
        model.get_all_permissions(plain),
        model.get_user_permissions(plain),
        model.get_group_permissions(plain),
    )
    return answers, expected, len(captured.captured_queries)


@pytest.mark.parametrize("role", [roles.NURSE, roles.CLINICIAN, roles.ADMINISTRATOR, None])
def test_one_query_gives_what_model_backend_gives_for_every_role(role):
    user = make_user(role, username=f"user-{role}")
    own = Permission.objects.get(codename="view_logentry")
    user.user_permissions.add(own)

    answers, expected, queries = both_ways(user)

    assert answers == expected
    assert queries == 1
    assert "admin.view_logentry" in answers[1]  # the user's own permission
    assert "admin.view_logentry" not in answers[2]  # is not counted as a group's
    if role == roles.NURSE:
        assert "patients.view_patient" in answers[2]


def test_a_permission_held_both_ways_is_in_both_sets():
    user = make_user(roles.NURSE, username="both")
    user.user_permissions.add(Permission.objects.get(codename="view_patient"))

    answers, expected, _ = both_ways(user)

    assert answers == expected
    assert "patients.view_patient" in answers[1]
    assert "patients.view_patient" in answers[2]


def test_a_user_with_no_permissions_has_none_after_one_query():
    answers, expected, queries = both_ways(make_user(None, username="nobody"))

    assert answers == expected == (set(), set(), set())
    assert queries == 1


def test_a_change_shows_at_the_next_request():
    user = make_user(None, username="later")
    assert not StaffBackend().has_perm(fresh(user), "patients.view_patient")

    user.user_permissions.add(Permission.objects.get(codename="view_patient"))

    assert StaffBackend().has_perm(fresh(user), "patients.view_patient")


def test_inactive_users_and_superusers_are_left_to_model_backend():
    inactive = make_user(roles.NURSE, username="gone", is_active=False)
    superuser = get_user_model().objects.create_superuser("root", password="x" * 16)

    assert StaffBackend().get_all_permissions(fresh(inactive)) == set()
    answers, expected, _ = both_ways(superuser)
    assert answers == expected
    assert "patients.view_patient" in answers[0]


def test_a_page_checks_permissions_with_one_query(nurse_client):
    with CaptureQueriesContext(connection) as captured:
        assert nurse_client.get("/patients/").status_code == 200
    sql = [query["sql"] for query in captured.captured_queries]
    permission_reads = [statement for statement in sql if "auth_permission" in statement]
    assert len(permission_reads) == 1
    assert "UNION ALL" in permission_reads[0]


def test_the_statement_is_compiled_once_a_process(nurse_client):
    from accounts.backends import _permissions_statement

    nurse_client.get("/patients/")
    before = _permissions_statement.cache_info()
    nurse_client.get("/patients/")
    after = _permissions_statement.cache_info()
    assert after.misses == before.misses
    assert after.hits == before.hits + 1
