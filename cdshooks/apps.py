from django.apps import AppConfig


class CdsHooksConfig(AppConfig):
    name = "cdshooks"
    verbose_name = "CDS Hooks"
