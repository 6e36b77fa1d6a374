"""The session engine (SESSION_ENGINE = "accounts.sessions"): Django's database sessions, kept
in `StaffSession`, whose row names the signed-in user.

A signed-in request used to cost three queries before its view ran: the session, the user and
the second-factor device. Here the session is read together with its user (one query, a join
on the primary key), and the authentication backend takes that user instead of reading it again
(`accounts.backends.StaffBackend`); the device is not read at all (accounts/middleware.py
`SecondFactorMiddleware`), because removing a confirmed device ends its user's sessions
(`end_sessions_of`, called from a signal in accounts/apps.py).
"""

import contextvars

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

# The session being read by `accounts.backends.StaffBackend.get_user`, set only for the length
# of one `django.contrib.auth.get_user` call (accounts/middleware.py `authentication`).
reading = contextvars.ContextVar("upright_session_being_read", default=None)


def _user_pk(data: dict) -> int | None:
    value = data.get(SESSION_KEY)
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


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
