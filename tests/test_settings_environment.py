"""Every malformed environment variable stops start-up with a message naming it (README,
"Configuration"). Settings are imported in a fresh interpreter, as at start-up."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def start_with(**variables: str) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "AXES_", "DATABASE_"))
    }
    env |= {"DJANGO_SECRET_KEY": "a-key-for-this-test", **variables}
    return subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        (
            {"DJANGO_DEBUG": "maybe"},
            "DJANGO_DEBUG must be one of 1/0, true/false, yes/no, on/off; got 'maybe'",
        ),
        (
            {"DJANGO_SECURE_COOKIES": "2"},
            "DJANGO_SECURE_COOKIES must be one of 1/0, true/false, yes/no, on/off; got '2'",
        ),
        ({"AXES_FAILURE_LIMIT": "five"}, "AXES_FAILURE_LIMIT must be a whole number; got 'five'"),
        ({"AXES_FAILURE_LIMIT": "-1"}, "AXES_FAILURE_LIMIT must be greater than zero; got '-1'"),
        (
            {"DJANGO_TIME_ZONE": "Mars/Olympus"},
            "DJANGO_TIME_ZONE is not a known time zone: 'Mars/Olympus'",
        ),
        (
            {"CDS_HOOKS_BASE_URL": "upright.clinic.example"},
            "CDS_HOOKS_BASE_URL must start with https:// or http://; got 'upright.clinic.example'",
        ),
        (
            {"DJANGO_TRUSTED_PROXIES": "127.0.0.1,the-proxy"},
            "DJANGO_TRUSTED_PROXIES must list IP addresses or networks; got 'the-proxy'",
        ),
        (
            {"DJANGO_SESSION_MAX_SECONDS": "12h"},
            "DJANGO_SESSION_MAX_SECONDS must be a whole number; got '12h'",
        ),
        (
            {"AXES_COOLOFF_MINUTES": "0"},
            "AXES_COOLOFF_MINUTES must be greater than zero; got '0'",
        ),
        (
            {"UPRIGHT_MFA_ROLES": "Nurse,Clinician,Administrator,Doctor"},
            "UPRIGHT_MFA_ROLES names unknown roles ['Doctor']",
        ),
        (
            {"UPRIGHT_MFA_ROLES": "Nurse,Administrator"},
            "UPRIGHT_MFA_ROLES must include Administrator and Clinician",
        ),
        (
            {"DJANGO_SECRET_KEY": ""},
            "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off.",
        ),
    ],
)
def test_a_malformed_variable_stops_start_up_naming_it(variables, message):
    started = start_with(**variables)

    assert started.returncode != 0
    assert "ImproperlyConfigured" in started.stderr
    assert message in started.stderr


def test_a_comma_separated_list_ignores_blanks():
    started = subprocess.run(
        [
            sys.executable,
            "-c",
            "import config.settings as s; print(s.ALLOWED_HOSTS)",
        ],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SECRET_KEY": "k", "DJANGO_ALLOWED_HOSTS": " a.example, ,b "},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert started.stdout.strip() == "['a.example', 'b']"


def test_the_clinic_can_leave_nurses_out_of_multi_factor_sign_in():
    started = subprocess.run(
        [sys.executable, "-c", "import config.settings as s; print(sorted(s.UPRIGHT_MFA_ROLES))"],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SECRET_KEY": "k",
            "UPRIGHT_MFA_ROLES": "clinician, Administrator",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert started.stdout.strip() == "['Administrator', 'Clinician']", started.stderr


def test_sound_values_start():
    started = start_with(
        DJANGO_DEBUG="off",
        AXES_FAILURE_LIMIT="7",
        DJANGO_TIME_ZONE="Europe/Oslo",
        DJANGO_TRUSTED_PROXIES="127.0.0.1, ::1, 10.0.0.0/24",
        DJANGO_SESSION_MAX_SECONDS="28800",
    )

    assert started.returncode == 0, started.stderr
