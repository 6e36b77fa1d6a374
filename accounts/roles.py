"""Staff roles: the groups and the permissions each one holds.

The server enforces these with permission checks on every view; menus only follow them.
"""

NURSE = "Nurse"
CLINICIAN = "Clinician"
ADMINISTRATOR = "Administrator"

_NURSE_PERMISSIONS = {
    "patients.view_patient",
    "patients.add_patient",
    "patients.change_patient",
    "triage.view_encounter",
    "triage.add_encounter",
    "triage.view_intakedraft",
    "triage.add_intakedraft",
    "triage.change_intakedraft",
    "triage.delete_intakedraft",
    "triage.view_careplan",
    "triage.view_recommendation",
    "triage.view_followup",
    "triage.add_followup",
    "triage.change_followup",
    "triage.view_visitrecord",
    "triage.add_visitrecord",
    "triage.view_escalation",
}
_CLINICIAN_PERMISSIONS = _NURSE_PERMISSIONS | {
    "triage.change_encounter",
    "triage.sign_off_encounter",
    "triage.void_encounter",
    "triage.view_outcomes",
    "triage.change_escalation",
    "triage.close_escalation",
    # Marking a recommendation followed or overridden, with the reason (issue 16).
    "triage.view_recommendationfeedback",
    "triage.add_recommendationfeedback",
    "triage.change_recommendationfeedback",
}
_ADMINISTRATOR_PERMISSIONS = _CLINICIAN_PERMISSIONS | {
    "auth.view_user",
    "auth.add_user",
    "auth.change_user",
    "auth.view_group",
    "auth.add_group",
    "auth.change_group",
    "patients.view_chartaccess",
    # Sign-in lockouts (django-axes): see them, and unlock an account by deleting its attempts.
    "axes.view_accessattempt",
    "axes.delete_accessattempt",
    "axes.view_accesslog",
    "axes.view_accessfailurelog",
}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    NURSE: frozenset(_NURSE_PERMISSIONS),
    CLINICIAN: frozenset(_CLINICIAN_PERMISSIONS),
    ADMINISTRATOR: frozenset(_ADMINISTRATOR_PERMISSIONS),
}

# Roles whose members use the Django admin (it needs is_staff).
ADMIN_SITE_ROLES = frozenset({CLINICIAN, ADMINISTRATOR})


def sync_role_groups(group_model, permission_model, role_permissions=None) -> None:
    """Create the role groups and give each exactly its permissions (idempotent).

    A data migration passes its own frozen copy of the roles, so that it does the same thing
    on every database, whatever roles this module names later.
    """
    for role, codes in (role_permissions or ROLE_PERMISSIONS).items():
        group, _ = group_model.objects.get_or_create(name=role)
        wanted = []
        for code in sorted(codes):
            app_label, codename = code.split(".")
            wanted.append(
                permission_model.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(wanted)


def create_all_permissions(apps) -> None:
    """Make every model's permissions now (Django makes them only after all migrations), so a
    data migration can put them into the role groups."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
