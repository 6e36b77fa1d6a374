"""deploy/install.sh refuses an unsafe configuration before it changes anything."""

import re
import shutil
import socket
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
    read |= set(re.findall(r'"(GUNICORN_(?:WORKERS|TIMEOUT|PRELOAD))"', gunicorn_file))
    # Set by the code itself (config/wsgi.py) or by the benchmarks, never by a clinic.
    internal = {"UPRIGHT_WEB_PROCESS", "UPRIGHT_BENCHMARK"}
    read |= set(re.findall(r"'((?:DATABASE)_[A-Z_]+)'", settings_file))
    missing = sorted(name for name in read - internal if f"{name}=" not in example)
    assert read
    assert missing == [], "add these to deploy/upright.env.example (commented out if optional)"


def test_the_fresh_host_trial_refuses_a_busy_port_before_it_builds_anything(tmp_path):
    # deploy/try-on-fresh-debian.sh shares the machine's network with its container: with one
    # of its ports taken here (or without root) it must stop before debootstrap.
    rootfs = tmp_path / "rootfs"
    with socket.socket() as busy:
        busy.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            busy.bind(("127.0.0.1", 8001))
            busy.listen()
        except OSError:
            pass  # already taken by something else: refused all the same
        result = subprocess.run(
            ["bash", str(INSTALL.parent / "try-on-fresh-debian.sh")],  # noqa: S607
            env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "UPRIGHT_TRY_ROOTFS": str(rootfs)},
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
    assert result.returncode == 1
    assert re.search(r"port \d+ is in use|run as root", result.stderr), result.stderr
    assert not rootfs.exists()
    assert "debootstrap" not in result.stdout
