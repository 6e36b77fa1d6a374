"""Staff accounts in the admin: users, role groups, and django-axes' sign-in logs."""

from axes.models import AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import Group
from django.utils import formats
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import roles, second_factor, services
from accounts.audit import SignInFailureLogAdmin, SignInLogAdmin


class StaffUserChangeForm(UserChangeForm):
    def clean(self):
        cleaned = super().clean()
        is_staff = cleaned.get("is_staff", self.instance.is_staff)
        is_superuser = cleaned.get("is_superuser", self.instance.is_superuser)
        groups = cleaned.get("groups")
        role_names = {group.name for group in groups} if groups is not None else set()
        if is_staff and not is_superuser and not role_names & roles.ADMIN_SITE_ROLES:
            self.add_error(
                "is_staff",
                forms.ValidationError(
                    "Staff status opens the clinical review; give it only to members of the "
                    "Clinician or Administrator group.",
                    code="staff_needs_role",
                ),
            )
        return cleaned


class StaffUserAdmin(UserAdmin):
    """Administrators manage accounts; only a superuser can grant superuser or raw permissions."""

    form = StaffUserChangeForm
    actions = ["reset_second_factor"]
    # A member of staff has one role: plain checkboxes, not the two-box picker, whose script
    # adds an aria-label to a bare <span> (a prohibited ARIA attribute).
    filter_horizontal = ()

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_superuser", "user_permissions", "last_login", "date_joined"]
        if obj is not None:
            readonly.append("second_factor")
        return readonly

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return [*fieldsets, ("Multi-factor sign-in", {"fields": ["second_factor"]})]

    @admin.display(description="second factor")
    def second_factor(self, user) -> str:
        authenticator = second_factor.authenticator_for(user)
        if authenticator is None:
            return "Not set up: they set up an authenticator app at their next sign-in."
        used = authenticator.last_used_at
        return (
            f"Authenticator app set up {formats.date_format(authenticator.created_at)}; "
            f"last used {formats.date_format(used) if used else 'never'}; "
            f"{second_factor.recovery_codes_left(user)} recovery codes left. To replace a lost "
            'phone, choose "Reset multi-factor sign-in" on the list of users.'
        )

    @admin.action(
        description="Reset multi-factor sign-in (they set up the app again)",
        permissions=["change"],
    )
    def reset_second_factor(self, request, queryset):
        done, refused = [], []
        for user in queryset:
            if self.has_change_permission(request, user):
                services.second_factor_reset(user=user, reset_by=request.user)
                done.append(user.get_username())
            else:
                refused.append(user.get_username())
        if done:
            self.message_user(
                request,
                f"Multi-factor sign-in reset for {', '.join(done)}: each is signed out "
                "everywhere and sets up an authenticator app again at their next sign-in "
                "(recorded in the history).",
                messages.SUCCESS,
            )
        if refused:
            self.message_user(
                request,
                f"Not reset (only a superuser changes a superuser): {', '.join(refused)}.",
                messages.WARNING,
            )

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Records point at the people who made them: deactivate an account instead.
        return False


class RoleGroupAdmin(GroupAdmin):
    """Roles and their permissions come from accounts/roles.py; only a superuser edits them."""

    def get_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_fields(request, obj)
        return ["name", "permission_codes"]

    def get_readonly_fields(self, request, obj=None):
        # The role checks look groups up by name: a role group keeps its name, for everyone.
        renamed_never = ["name"] if obj is not None and obj.name in roles.ROLE_PERMISSIONS else []
        if request.user.is_superuser:
            return [*super().get_readonly_fields(request, obj), *renamed_never]
        return ["permission_codes", *renamed_never]

    @admin.display(description="permissions")
    def permission_codes(self, group: Group) -> str:
        codes = group.permissions.values_list("content_type__app_label", "codename")
        return ", ".join(sorted(f"{app}.{codename}" for app, codename in codes)) or "–"

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.name in roles.ROLE_PERMISSIONS:
            return False
        return super().has_delete_permission(request, obj)


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), StaffUserAdmin)
admin.site.unregister(Group)
admin.site.register(Group, RoleGroupAdmin)

# Devices are managed through the user: enrolment at sign-in, "Reset multi-factor sign-in" in
# the user list. django-otp's own device pages (secret keys, QR codes) are not offered.
for device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(device_model):
        admin.site.unregister(device_model)

# Sign-in logs stay as django-axes records them; lockouts (access attempts) keep axes' admin,
# where an administrator unlocks an account by deleting its attempts.
for sign_in_model, sign_in_admin in (
    (AccessLog, SignInLogAdmin),
    (AccessFailureLog, SignInFailureLogAdmin),
):
    if admin.site.is_registered(sign_in_model):
        admin.site.unregister(sign_in_model)
    admin.site.register(sign_in_model, sign_in_admin)
