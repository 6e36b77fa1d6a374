"""Every page but sign-in needs a signed-in user: walk every URL pattern and prove it."""

import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# Pages that must stay open: the sign-in pages themselves, the FHIR API's metadata, the
# session clock (it answers "signed out"), and the health check for the proxy and monitoring.
OPEN_PATTERNS = {"login", "admin:login", "fhir:metadata", "session_status", "operations:health"}
# The FHIR API answers 401 with an OperationOutcome where pages redirect to sign-in.
API_NAMESPACE = "fhir:"
# Outside the staff sign-in with their own authentication: an EHR's signed JWT (cdshooks/auth.py).
TOKEN_PATTERNS = {"cdshooks:discovery", "cdshooks:service", "cdshooks:feedback"}

_SAMPLE_ARGS = {
    "int": "1",
    "str": "sample",
    "slug": "sample",
    "uuid": str(uuid.uuid4()),
    "path": "a/b",
}


def _walk(patterns, prefix="", namespace=None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            if ns and namespace and entry.namespace:
                ns = f"{namespace}:{entry.namespace}"
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield name, prefix + str(entry.pattern)


def _concrete(route: str) -> str | None:
    """Turn a route into a URL, filling converters with sample values; skip regex routes."""
    if route.startswith("^") or "(?P" in route:
        return None
    for converter, sample in _SAMPLE_ARGS.items():
        while f"<{converter}:" in route:
            start = route.index(f"<{converter}:")
            end = route.index(">", start)
            route = route[:start] + sample + route[end + 1 :]
    while "<" in route:
        start = route.index("<")
        end = route.index(">", start)
        route = route[:start] + "sample" + route[end + 1 :]
    return "/" + route.replace("$", "")


ALL_ROUTES = sorted(
    {
        (name or "", url)
        for name, route in _walk(get_resolver().url_patterns)
        if (url := _concrete(route)) is not None
    }
)


def test_the_walk_finds_the_application_pages():
    names = {name for name, _ in ALL_ROUTES}
    assert {"patients:list", "patients:create", "triage:patient_chart", "triage:home"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "url"), ALL_ROUTES)
def test_anonymous_user_is_sent_to_sign_in(client, name, url):
    if name in OPEN_PATTERNS:
        response = client.get(url)
        assert response.status_code == 200
        return
    if name in TOKEN_PATTERNS:
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code in (401, 404, 405), f"{url} answered {response.status_code}"
        return
    for method in (client.get, client.post):
        response = method(url)
        if name.startswith(API_NAMESPACE):
            assert response.status_code == 401, f"{url} answered {response.status_code}"
            assert response["Content-Type"] == "application/fhir+json"
            continue
        assert response.status_code in (301, 302), f"{url} answered {response.status_code}"
        location = response["Location"]
        assert location.startswith(("/accounts/login/", "/admin/login/")) or (
            location.startswith("/admin/") and response.status_code == 301
        ), f"{url} redirected to {location}"
