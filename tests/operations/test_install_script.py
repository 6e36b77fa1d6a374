"""deploy/install.sh refuses an unsafe configuration before it changes anything."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

INSTALL = Path(__file__).resolve().parents[2] / "deploy" / "install.sh"

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")


def run_install(env_file: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(INSTALL)],  # noqa: S607
        env={"PATH": "/usr/bin:/bin", "UPRIGHT_ENV_FILE": str(env_file)},
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )


def test_it_refuses_debug_on(tmp_path):
    env_file = tmp_path / "upright.env"
    env_file.write_text("DJANGO_SECRET_KEY=a-long-random-string\nDJANGO_DEBUG=on\n")
    result = run_install(env_file)
    assert result.returncode == 1
    assert "DJANGO_DEBUG is on" in result.stderr
    assert "==" not in result.stdout, "it started installing"


def test_it_refuses_an_empty_secret_key(tmp_path):
    env_file = tmp_path / "upright.env"
    env_file.write_text("DJANGO_SECRET_KEY=\nDJANGO_DEBUG=off\n")
    result = run_install(env_file)
    assert result.returncode == 1
    assert "DJANGO_SECRET_KEY is empty" in result.stderr
    assert "==" not in result.stdout, "it started installing"


def test_the_example_settings_name_every_setting_the_app_reads():
    example = (INSTALL.parent / "upright.env.example").read_text()
    settings_file = (INSTALL.parents[1] / "config" / "settings.py").read_text()
    gunicorn_file = (INSTALL.parent / "gunicorn.conf.py").read_text()
    read = set(re.findall(r'"((?:DJANGO|DATABASE|AXES|UPRIGHT|CDS_HOOKS)_[A-Z_]+)"', settings_file))
    read |= set(re.findall(r'"(GUNICORN_(?:WORKERS|TIMEOUT))"', gunicorn_file))
    # Set by the code itself (config/wsgi.py) or by the benchmarks, never by a clinic.
    internal = {"UPRIGHT_WEB_PROCESS", "UPRIGHT_BENCHMARK"}
    read |= set(re.findall(r"'((?:DATABASE)_[A-Z_]+)'", settings_file))
    missing = sorted(name for name in read - internal if f"{name}=" not in example)
    assert read
    assert missing == [], "add these to deploy/upright.env.example (commented out if optional)"
