"""Security headers: pages shown to signed-in staff are never cached; HSTS and
Permissions-Policy are sent; production settings pass Django's deployment checks."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "page",
    [
        lambda patient: reverse("triage:home"),
        lambda patient: reverse("patients:list") + "?q=x",
        lambda patient: reverse("triage:patient_chart", args=[patient.pk]),
        lambda patient: reverse("admin:patients_patient_change", args=[patient.pk]),
    ],
    ids=["worklist", "search", "chart", "admin"],
)
def test_signed_in_pages_are_never_stored(clinician_client, page):
    response = clinician_client.get(page(PatientFactory()))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_sign_out_answer_is_not_stored_either(nurse_client):
    response = nurse_client.post(reverse("logout"))
    assert response.status_code == 302
    assert "no-store" in response["Cache-Control"]


def test_a_refused_page_is_not_stored(nurse_client):
    response = nurse_client.get(reverse("triage:outcomes"))
    assert response.status_code == 403
    assert "no-store" in response["Cache-Control"]


def test_permissions_policy_switches_off_unused_features(client):
    policy = client.get(reverse("login"))["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert feature in policy


def test_hsts_is_sent_over_https_when_configured(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    response = client.get(reverse("login"), secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "includeSubDomains" in response["Strict-Transport-Security"]


def _production_environment() -> dict:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "UPRIGHT_", "AXES_", "DATABASE_"))
    }
    environment.update(
        {
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
            "DJANGO_DEBUG": "off",
            "DJANGO_ALLOWED_HOSTS": "upright.clinic.example",
            "DJANGO_CSRF_TRUSTED_ORIGINS": "https://upright.clinic.example",
            "DJANGO_BEHIND_TLS_PROXY": "on",
            "DJANGO_SECURE_SSL_REDIRECT": "on",
            "DJANGO_SECURE_COOKIES": "on",
        }
    )
    return environment


def test_production_settings_pass_the_deployment_checks_without_warnings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=_production_environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
