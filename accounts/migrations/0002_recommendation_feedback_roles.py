"""Clinicians and administrators mark recommendations followed or overridden (issue 16).

The roles as they stand after this change, frozen (see 0001_role_groups.py).
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
        "triage.add_recommendationfeedback",
        "triage.change_recommendationfeedback",
        "triage.view_recommendationfeedback",
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
        "triage.add_recommendationfeedback",
        "triage.change_recommendationfeedback",
        "triage.view_recommendationfeedback",
    ],
}


def sync_roles(apps, schema_editor):
    create_all_permissions(apps)
    sync_role_groups(
        apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"), ROLE_PERMISSIONS
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_role_groups"),
        ("triage", "0002_recommendation_feedback"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
