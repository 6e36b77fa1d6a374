"""Staff sign-in sessions, stored in the database with the user they belong to."""

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession, BaseSessionManager
from django.db import models


class StaffSessionManager(BaseSessionManager):
    def get_queryset(self):
        # A session is read with its user: the request's one query (accounts/sessions.py).
        return super().get_queryset().select_related("user")


class StaffSession(AbstractBaseSession):
    """Django's database session with one more column: the signed-in user.

    The column lets a request read its session and its user in one query (accounts/sessions.py)
    and lets every session of one user be ended at once (a second factor removed, say) without
    decoding the whole table.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )

    objects = StaffSessionManager()

    class Meta(AbstractBaseSession.Meta):
        db_table = "accounts_staff_session"
        verbose_name = "staff session"

    @classmethod
    def get_session_store_class(cls):
        from accounts.sessions import SessionStore

        return SessionStore
