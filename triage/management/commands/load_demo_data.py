"""Create demo users and patients for a local demo (`make run`)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.services import DEMO_TOTP_SECRET_BASE32
from triage.demo import DEMO_USERS, create_demo_data


class Command(BaseCommand):
    help = "Create demo users (one per role) and about 20 demo patients. DEBUG only."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Refusing to create demo data: DJANGO_DEBUG is off, so this looks like production."
            )
        users, patients = create_demo_data()
        self.stdout.write(f"Demo data ready: {users} users, {patients} patients.")
        self.stdout.write("Demo sign-ins (user name / password):")
        for username, password, role, *_ in DEMO_USERS:
            self.stdout.write(f"  {role:<14} {username} / {password}")
        self.stdout.write(
            f"Second factor: add the key {DEMO_TOTP_SECRET_BASE32} to an authenticator app, or "
            "print the current code with `make demo-code`."
        )
