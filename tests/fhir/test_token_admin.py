"""Administrators issue API tokens in the admin (shown once) and revoke them."""

import pytest
from django.urls import reverse

from fhir.models import ApiToken
from fhir.services import issue_token, token_digest

pytestmark = pytest.mark.django_db


def test_an_administrator_issues_a_token_and_sees_it_once(admin_client_role, nurse):
    response = admin_client_role.post(
        reverse("admin:fhir_apitoken_add"), {"user": nurse.pk, "name": "warehouse"}
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get()
    secret = response.context["secret"]
    assert secret.startswith("upr_")
    assert secret.encode() in response.content
    assert token.digest == token_digest(secret)
    assert (token.user, token.created_by.username) == (nurse, "admin1")
    page = admin_client_role.get(reverse("admin:fhir_apitoken_change", args=[token.pk]))
    assert page.status_code == 200
    assert secret.encode() not in page.content
    assert token.prefix.encode() in page.content


def test_an_administrator_revokes_a_token(admin_client_role, administrator, nurse):
    token, _ = issue_token(user=nurse, name="warehouse", issued_by=administrator)
    url = reverse("admin:fhir_apitoken_revoke", args=[token.pk])
    assert admin_client_role.get(url).status_code == 200
    response = admin_client_role.post(url)
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_by == administrator
    assert token.revoked_at is not None
    again = admin_client_role.post(url, follow=True)
    assert b"already revoked" in again.content


def test_a_clinician_cannot_issue_or_revoke(clinician_client, administrator, nurse):
    token, _ = issue_token(user=nurse, name="warehouse", issued_by=administrator)
    add = clinician_client.post(reverse("admin:fhir_apitoken_add"), {"user": nurse.pk, "name": "x"})
    assert add.status_code == 403
    revoke = clinician_client.post(reverse("admin:fhir_apitoken_revoke", args=[token.pk]))
    assert revoke.status_code == 403
    token.refresh_from_db()
    assert token.is_active
    assert ApiToken.objects.count() == 1
