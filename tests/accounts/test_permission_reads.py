"""StaffBackend reads a user's permissions with ModelBackend's own two queries, compiled once a
process: every kind of user must get exactly the permissions Django's ModelBackend gives, and a
change must show on the user's next request (the statement is kept, never the answer)."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission

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
        answers.append(
            (
                backend.get_user_permissions(fresh),
                backend.get_group_permissions(fresh),
                backend.get_all_permissions(fresh),
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


def test_each_source_is_one_query(django_assert_num_queries):
    nurse = get_user_model().objects.get(pk=make_user(roles.NURSE).pk)
    with django_assert_num_queries(2):
        assert StaffBackend().has_perm(nurse, "triage.view_followup")
        assert not StaffBackend().has_perm(nurse, "triage.close_escalation")
