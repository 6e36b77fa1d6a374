"""The session engine (SESSION_ENGINE = "accounts.sessions"): Django's database sessions, kept
in `StaffSession`, whose row names the signed-in user.

A signed-in request used to cost three queries before its view ran: the session, the user and
the second-factor device. Here the session is read together with its user (one query, a join
on the primary key), and the authentication backend takes that user instead of reading it again
(`accounts.backends.StaffBackend`); the device is not read at all (accounts/middleware.py
`SecondFactorMiddleware`), because removing a confirmed device ends its user's sessions
(`end_sessions_of`, called from a signal in accounts/apps.py).

That one query runs before every signed-in page, so its statement is compiled by the ORM once per
process (`_compiled_read`) instead of on every request: on PostgreSQL, where its columns need no
conversion, each request only sends it and builds the two rows (about 0.3 ms instead of 0.9 ms
in-process). Elsewhere (SQLite, whose dates need converting) the ORM reads it as before.
"""

import contextvars
import datetime
import functools
from typing import NamedTuple

from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connections, router
from django.utils import timezone

# The session being read by `accounts.backends.StaffBackend.get_user`, set only for the length
# of one `django.contrib.auth.get_user` call (accounts/middleware.py `authentication`).
reading = contextvars.ContextVar("upright_session_being_read", default=None)


def _user_pk(data: dict) -> int | None:
    value = data.get(SESSION_KEY)
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


class _CompiledRead(NamedTuple):
    sql: str
    key_at: int  # where the session key goes among the statement's two parameters
    expiry_at: int  # and the time the session must outlive
    session_columns: slice
    session_names: list[str]
    user_columns: slice
    user_names: list[str]
    user_pk_at: int  # the user's primary key within its columns (None: no user row joined)


_KEY_MARK = "session-key-placeholder"
_EXPIRY_MARK = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


@functools.cache
def _compiled_read(alias: str) -> _CompiledRead | None:
    """The ORM's own statement for a session and its user (`StaffSession.objects`, which joins
    the user), compiled once for database `alias`; None when a column needs a converter."""
    from accounts.models import StaffSession

    queryset = StaffSession.objects.using(alias).filter(
        session_key=_KEY_MARK, expire_date__gt=_EXPIRY_MARK
    )
    compiler = queryset.query.get_compiler(using=alias)
    sql, params = compiler.as_sql()
    columns = [column for column, _, _ in compiler.select]
    if compiler.get_converters(columns) or len(params) != 2:
        return None
    names = [column.target.attname for column in columns]
    [user_info] = compiler.klass_info["related_klass_infos"]
    session_at, user_at = compiler.klass_info["select_fields"], user_info["select_fields"]
    session_columns = slice(session_at[0], session_at[-1] + 1)
    user_columns = slice(user_at[0], user_at[-1] + 1)
    key_at = list(params).index(_KEY_MARK)
    return _CompiledRead(
        sql=sql,
        key_at=key_at,
        expiry_at=1 - key_at,
        session_columns=session_columns,
        session_names=names[session_columns],
        user_columns=user_columns,
        user_names=names[user_columns],
        user_pk_at=names[user_columns].index(get_user_model()._meta.pk.attname),
    )


class SessionStore(DatabaseSessionStore):
    """Database sessions whose row carries the user, read with it in one query."""

    loaded_user = None

    @classmethod
    def get_model_class(cls):
        from accounts.models import StaffSession

        return StaffSession

    def create_model_instance(self, data):
        instance = super().create_model_instance(data)
        instance.user_id = _user_pk(data)
        return instance

    def _get_session_from_db(self):
        """Django's read (the session, unexpired, with its user), from the compiled statement
        where there is one."""
        alias = router.db_for_read(self.model)
        read = _compiled_read(alias)
        if read is None:
            return super()._get_session_from_db()
        connection = connections[alias]
        params = [None, None]
        params[read.key_at] = self.session_key
        params[read.expiry_at] = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(read.sql, params)
            row = cursor.fetchone()
        if row is None:
            self._session_key = None  # as Django's read: a new session if one is saved
            return None
        session = self.model.from_db(alias, read.session_names, row[read.session_columns])
        user_row = row[read.user_columns]
        user = None
        if user_row[read.user_pk_at] is not None:
            user = get_user_model().from_db(alias, read.user_names, user_row)
        self.model.user.field.set_cached_value(session, user)
        return session

    def load(self):
        row = self._get_session_from_db()
        self.loaded_user = row.user if row else None
        return self.decode(row.session_data) if row else {}

    def user_read_with_session(self, user_pk) -> object | None:
        """The user row read with this session, if it is the one the session names."""
        user = self.loaded_user
        if user is None or str(user.pk) != str(user_pk):
            return None
        return user


def end_sessions_of(user_pk) -> int:
    """End every session of one user (they sign in again); returns how many ended."""
    from accounts.models import StaffSession

    deleted, _ = StaffSession.objects.filter(user_id=user_pk).delete()
    return deleted


def device_removed(sender, instance, **kwargs) -> None:
    """Signal receiver: a confirmed second-factor device was removed; its user's sessions end.
    (An unconfirmed one never verified a session: enrolment replaces it freely.)"""
    if instance.confirmed:
        end_sessions_of(instance.user_id)
