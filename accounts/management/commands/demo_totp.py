"""Print the demo users' current authenticator code (`make run`; debug only)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP

from accounts.services import DEMO_TOTP_SECRET_BASE32, demo_totp_key_hex


class Command(BaseCommand):
    help = "Print the current six-digit code of the demo users' authenticator. DEBUG only."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Refusing: DJANGO_DEBUG is off, and demo users have no authenticator outside debug."
            )
        totp = TOTP(bytes.fromhex(demo_totp_key_hex()))
        now = time.time()
        totp.time = now
        left = 30 - int(now) % 30
        self.stdout.write(f"{totp.token():06d}")
        self.stderr.write(
            f"(the demo users' code for the next {left} s; the key is {DEMO_TOTP_SECRET_BASE32})"
        )
