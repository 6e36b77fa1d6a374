"""Sign-in lockout (django-axes): the client's real address behind our TLS proxy, and what the
lockout page tells the locked-out person."""

import ipaddress

from django.conf import settings


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in settings.UPRIGHT_TRUSTED_PROXY_NETWORKS)


def client_address(request) -> str:
    """REMOTE_ADDR, unless it is a trusted proxy: then the nearest untrusted X-Forwarded-For hop.

    Anyone can send X-Forwarded-For, so it counts only when the connection comes from a proxy
    listed in DJANGO_TRUSTED_PROXIES; hops added by other trusted proxies are skipped.
    """
    address = request.META.get("REMOTE_ADDR", "")
    if not _trusted(address):
        return address
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([part.strip() for part in forwarded.split(",") if part.strip()]):
        if not _trusted(hop):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return address
    return address


def lockout_page(request) -> dict:
    """Template context for the lockout page: how long, and whom to call."""
    return {
        "lockout_minutes": round(settings.AXES_COOLOFF_TIME * 60),
        "lockout_contact": settings.UPRIGHT_LOCKOUT_CONTACT,
    }


# django-axes stores the tried user name in a 255-character column.
_AXES_USERNAME_LENGTH = 255


def username_tried(request, credentials: dict | None = None) -> str | None:
    """The user name as typed, cut to what axes can store (a longer one matches no account)."""
    source = credentials if credentials else getattr(request, "data", request.POST)
    username = source.get(settings.AXES_USERNAME_FORM_FIELD)
    return username[:_AXES_USERNAME_LENGTH] if isinstance(username, str) else username
