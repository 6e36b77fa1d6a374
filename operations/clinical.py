"""Which tables hold clinical records: the ones a replica may serve and a restore must match."""

from django.apps import apps

CLINICAL_APPS = ("patients", "triage")


def clinical_tables() -> list[str]:
    """Every table of the clinical apps, audit history and many-to-many tables included."""
    tables = {
        model._meta.db_table
        for label in CLINICAL_APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }
    return sorted(tables)
