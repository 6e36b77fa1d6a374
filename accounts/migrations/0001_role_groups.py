"""Create the Nurse, Clinician and Administrator groups with their permissions.

The roles are frozen here as they stood when this migration was written: a later change to
accounts/roles.py comes with a migration of its own that syncs the groups again.
"""

from django.db import migrations

from accounts.roles import create_all_permissions, sync_role_groups

ROLE_PERMISSIONS = {
    "Nurse": [
        "patients.add_patient",
        "patients.change_patient",
        "patients.view_patient",
        "triage.add_encounter",
        "triage.add_followup",
        "triage.add_intakedraft",
        "triage.add_visitrecord",
        "triage.change_followup",
        "triage.change_intakedraft",
        "triage.delete_intakedraft",
        "triage.view_careplan",
        "triage.view_encounter",
        "triage.view_escalation",
        "triage.view_followup",
        "triage.view_intakedraft",
        "triage.view_recommendation",
        "triage.view_visitrecord",
    ],
    "Clinician": [
        "patients.add_patient",
        "patients.change_patient",
        "patients.view_patient",
        "triage.add_encounter",
        "triage.add_followup",
        "triage.add_intakedraft",
        "triage.add_visitrecord",
        "triage.change_encounter",
        "triage.change_escalation",
        "triage.change_followup",
        "triage.change_intakedraft",
        "triage.close_escalation",
        "triage.delete_intakedraft",
        "triage.sign_off_encounter",
        "triage.view_careplan",
        "triage.view_encounter",
        "triage.view_escalation",
        "triage.view_followup",
        "triage.view_intakedraft",
        "triage.view_outcomes",
        "triage.view_recommendation",
        "triage.view_visitrecord",
        "triage.void_encounter",
    ],
    "Administrator": [
        "auth.add_group",
        "auth.add_user",
        "auth.change_group",
        "auth.change_user",
        "auth.view_group",
        "auth.view_user",
        "axes.delete_accessattempt",
        "axes.view_accessattempt",
        "axes.view_accessfailurelog",
        "axes.view_accesslog",
        "patients.add_patient",
        "patients.change_patient",
        "patients.view_chartaccess",
        "patients.view_patient",
        "triage.add_encounter",
        "triage.add_followup",
        "triage.add_intakedraft",
        "triage.add_visitrecord",
        "triage.change_encounter",
        "triage.change_escalation",
        "triage.change_followup",
        "triage.change_intakedraft",
        "triage.close_escalation",
        "triage.delete_intakedraft",
        "triage.sign_off_encounter",
        "triage.view_careplan",
        "triage.view_encounter",
        "triage.view_escalation",
        "triage.view_followup",
        "triage.view_intakedraft",
        "triage.view_outcomes",
        "triage.view_recommendation",
        "triage.view_visitrecord",
        "triage.void_encounter",
    ],
}


def create_role_groups(apps, schema_editor):
    create_all_permissions(apps)
    sync_role_groups(
        apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"), ROLE_PERMISSIONS
    )


def remove_role_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(ROLE_PERMISSIONS)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0001_initial"),
        ("triage", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        # The roles name django-axes permissions (administrators unlock accounts).
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(create_role_groups, remove_role_groups)]
