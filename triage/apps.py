from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "triage"
    verbose_name = "Encounters, care plans and follow-up"

    def ready(self):
        # A step posted after the session ended is kept for the same user (no lost typing).
        from accounts.session_limits import on_post_after_expiry
        from triage.intake.kept_steps import keep_posted_step

        on_post_after_expiry(keep_posted_step)
