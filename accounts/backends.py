"""Staff sign-in by user name and password: Django's ModelBackend, taking the signed-in user
from the session's own row when the session was just read with it (accounts/sessions.py), and
reading a user's permissions with statements compiled once a process."""

from functools import lru_cache

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db import connections, router

from accounts import sessions

# A user id no row has, compiled into the permission statements in the place of the real one.
_STAND_IN_PK = -918273645


@lru_cache(maxsize=8)
def _permissions_statement(alias: str, vendor: str, source: str) -> str | None:
    """ModelBackend's own query for a user's permissions from `source` ("user" or "group"),
    compiled, with the user's id its one parameter (None if it is not: then Django reads)."""
    stand_in = get_user_model()(pk=_STAND_IN_PK)
    stand_in._state.db = alias
    permissions = getattr(ModelBackend, f"_get_{source}_permissions")(ModelBackend(), stand_in)
    sql, params = (
        permissions.using(alias)
        .values_list("content_type__app_label", "codename")
        .order_by()
        .query.sql_with_params()
    )
    return sql if list(params) == [_STAND_IN_PK] else None


class StaffBackend(ModelBackend):
    """ModelBackend whose `get_user` reuses the user read with the session: one query fewer on
    every signed-in request. What Django checks afterwards is unchanged: an inactive user is
    refused here, and `django.contrib.auth.get_user` still compares the session's password hash,
    so a changed password still ends the user's other sessions.

    A user's permissions are read by ModelBackend's two queries, as Django builds them, but
    compiled once a process: compiling them cost more than running them (issue 12). Superusers,
    inactive users and object permissions take Django's own path."""

    def get_user(self, user_id):
        store = sessions.reading.get()
        user = store.user_read_with_session(user_id) if store is not None else None
        if user is None:
            return super().get_user(user_id)
        return user if self.user_can_authenticate(user) else None

    def _get_permissions(self, user_obj, obj, from_name):
        cache_name = f"_{from_name}_perm_cache"
        plain = user_obj.is_active and not user_obj.is_anonymous and not user_obj.is_superuser
        if obj is not None or not plain or hasattr(user_obj, cache_name):
            return super()._get_permissions(user_obj, obj, from_name)
        alias = router.db_for_read(Permission, instance=user_obj)
        connection = connections[alias]
        sql = _permissions_statement(alias, connection.vendor, from_name)
        if sql is None:
            return super()._get_permissions(user_obj, obj, from_name)
        with connection.cursor() as cursor:
            cursor.execute(sql, [user_obj.pk])
            found = {f"{app_label}.{codename}" for app_label, codename in cursor.fetchall()}
        setattr(user_obj, cache_name, found)
        return found
