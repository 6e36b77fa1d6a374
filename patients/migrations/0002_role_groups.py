"""Create the Nurse, Clinician and Administrator groups with their permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from patients.roles import ROLE_PERMISSIONS, sync_role_groups


def create_role_groups(apps, schema_editor):
    # Permissions are normally made after all migrations; make them now so groups can hold them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_role_groups(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def remove_role_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(ROLE_PERMISSIONS)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0001_initial"),
        ("triage", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        # roles.py names django-axes permissions (administrators unlock accounts).
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(create_role_groups, remove_role_groups)]
