from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _keep_rule_set(sender, using="default", **kwargs) -> None:
    from .services import keep_current_rule_set

    keep_current_rule_set(using=using)


class FhirConfig(AppConfig):
    name = "fhir"
    verbose_name = "FHIR interface"

    def ready(self) -> None:
        # Every deployment runs `migrate`: the rule set it ships is kept from then on, so a care
        # plan made under it still points at a real PlanDefinition after the next upgrade.
        post_migrate.connect(_keep_rule_set, sender=self, dispatch_uid="fhir_keep_rule_set")
