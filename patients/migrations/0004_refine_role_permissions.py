"""Give the role groups the permissions now in patients/roles.py (administrators: lockouts)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from patients.roles import sync_role_groups


def sync_roles(apps, schema_editor):
    # Same recipe as 0002: make the permissions now so the groups can hold them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_role_groups(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0003_encounter_review_queue"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    # Going back leaves the groups as they are; 0002's reverse removes them entirely.
    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
