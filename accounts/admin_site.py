"""The admin site: staff status and a second factor given in this session (django-otp)."""

from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.sites import AdminSite


class VerifiedAdminSite(AdminSite):
    """Django's admin site, open only to a session verified by an authenticator or recovery
    code. The sign-in middleware already asks every staff member for the code; this is the
    admin's own check, should a page ever be exempted there by mistake."""

    def has_permission(self, request):
        is_verified = getattr(request.user, "is_verified", None)
        return super().has_permission(request) and callable(is_verified) and is_verified()


class VerifiedAdminConfig(AdminConfig):
    """Django's admin app with the site above as `admin.site`."""

    default_site = "accounts.admin_site.VerifiedAdminSite"
