from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Staff accounts"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from accounts import session_limits

        # Both session clocks start at sign-in (accounts/session_limits.py).
        user_logged_in.connect(session_limits.start_clocks, dispatch_uid="upright-session-clocks")

        from django.db.models.signals import post_delete
        from django_otp.plugins.otp_static.models import StaticDevice
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from accounts import sessions

        # A session verified by a device must not outlive it (accounts/middleware.py
        # SecondFactorMiddleware): removing a confirmed device ends its user's sessions.
        for model in (TOTPDevice, StaticDevice):
            post_delete.connect(
                sessions.device_removed,
                sender=model,
                dispatch_uid=f"upright-device-ends-sessions-{model._meta.label}",
            )
