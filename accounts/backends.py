"""Staff sign-in by user name and password: Django's ModelBackend, taking the signed-in user
from the session's own row when the session was just read with it (accounts/sessions.py), and
reading a user's own and group permissions in one statement compiled once a process."""

from functools import lru_cache

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db import connections, router
from django.db.models import CharField, Value

from accounts import sessions

_OWN, _GROUPS = "user", "group"
# A user id no row has, compiled into the statement in the place of the real one.
_STAND_IN_PK = -918273645


@lru_cache(maxsize=8)
def _permissions_statement(alias: str, vendor: str) -> str | None:
    """ModelBackend's two queries for a user's permissions (their own, their groups'), each
    row named by its source, as one UNION ALL compiled for `alias`, with the user's id its two
    parameters (None if not: then Django reads)."""
    stand_in = get_user_model()(pk=_STAND_IN_PK)
    stand_in._state.db = alias
    backend = ModelBackend()
    own, groups = (
        getattr(backend, f"_get_{source}_permissions")(stand_in)
        .using(alias)
        .annotate(granted_by=Value(source, output_field=CharField()))
        .values_list("granted_by", "content_type__app_label", "codename")
        .order_by()
        for source in (_OWN, _GROUPS)
    )
    sql, params = own.union(groups, all=True).query.sql_with_params()
    return sql if list(params) == [_OWN, _STAND_IN_PK, _GROUPS, _STAND_IN_PK] else None


class StaffBackend(ModelBackend):
    """ModelBackend whose `get_user` reuses the user read with the session: one query fewer on
    every signed-in request. What Django checks afterwards is unchanged: an inactive user is
    refused here, and `django.contrib.auth.get_user` still compares the session's password hash,
    so a changed password still ends the user's other sessions.

    The first permission check of a request (every page makes one) fills both of ModelBackend's
    per-user caches, the user's own permissions and their groups', from one statement: Django's
    two queries as one UNION ALL, compiled once a process (compiling them cost more than running
    them). ModelBackend then answers from those caches exactly as after its own two queries.
    Superusers, inactive users and object permissions take Django's own path."""

    def get_user(self, user_id):
        store = sessions.reading.get()
        user = store.user_read_with_session(user_id) if store is not None else None
        if user is None:
            return super().get_user(user_id)
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        if (
            obj is None
            and user_obj.is_active
            and not user_obj.is_anonymous
            and not user_obj.is_superuser
            and not hasattr(user_obj, "_user_perm_cache")
            and not hasattr(user_obj, "_group_perm_cache")
        ):
            self._read_permissions(user_obj)
        return super().get_all_permissions(user_obj, obj)

    def _read_permissions(self, user_obj) -> None:
        alias = router.db_for_read(Permission, instance=user_obj)
        connection = connections[alias]
        sql = _permissions_statement(alias, connection.vendor)
        if sql is None:
            return  # ModelBackend reads them its own way
        with connection.cursor() as cursor:
            cursor.execute(sql, [_OWN, user_obj.pk, _GROUPS, user_obj.pk])
            rows = cursor.fetchall()
        granted = {_OWN: set(), _GROUPS: set()}
        for source, app_label, codename in rows:
            granted[source].add(f"{app_label}.{codename}")
        user_obj._user_perm_cache = granted[_OWN]
        user_obj._group_perm_cache = granted[_GROUPS]
