from django.apps import AppConfig
from django.db.backends.signals import connection_created


class TriageConfig(AppConfig):
    name = "triage"
    verbose_name = "Encounters, care plans and follow-up"

    def ready(self):
        # Database plumbing, not business logic: SQLite has no median aggregate of its own.
        from triage.followup.selectors.outcomes import register_sqlite_median

        connection_created.connect(register_sqlite_median, dispatch_uid="upright_sqlite_median")

        # A step posted after the session ended is kept for the same user (no lost typing).
        from accounts.session_limits import on_post_after_expiry
        from triage.intake.kept_steps import keep_posted_step

        on_post_after_expiry(keep_posted_step)
