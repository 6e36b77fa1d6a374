from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Staff accounts"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from accounts import session_limits

        # Both session clocks start at sign-in (accounts/session_limits.py).
        user_logged_in.connect(session_limits.start_clocks, dispatch_uid="upright-session-clocks")
