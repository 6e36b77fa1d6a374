"""deploy/gunicorn.conf.py preloads the app only where the port is held for it.

A preloaded app is loaded before gunicorn listens; if nothing held the port meanwhile, the proxy
would be refused and count the app server down after every restart. The systemd unit turns
preloading on together with its socket unit, which holds the port.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def preload_app(value: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "GUNICORN_PRELOAD"}
    if value is not None:
        env["GUNICORN_PRELOAD"] = value
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import runpy, sys; print(runpy.run_path(sys.argv[1])['preload_app'])",
            str(DEPLOY / "gunicorn.conf.py"),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )


@pytest.mark.parametrize(
    ("value", "preloads"), [(None, "False"), ("", "False"), ("0", "False"), ("1", "True")]
)
def test_preloading_is_off_unless_turned_on(value, preloads):
    result = preload_app(value)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == preloads


def test_a_value_other_than_one_or_zero_is_refused():
    result = preload_app("yes please")
    assert result.returncode != 0
    assert "GUNICORN_PRELOAD must be 1 or 0, not 'yes please'" in result.stderr


def unit(name: str) -> dict[str, dict[str, list[str]]]:
    """A unit file's sections; a key may be given more than once (Environment=, After=)."""
    sections: dict[str, dict[str, list[str]]] = {}
    section = None
    for line in (DEPLOY / "systemd" / name).read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            section = sections.setdefault(line.strip("[]"), {})
            continue
        key, _, value = line.partition("=")
        section.setdefault(key, []).extend(value.split())
    return sections


def test_the_unit_preloads_only_behind_its_socket_unit():
    service = unit("upright@.service")
    socket = unit("upright@.socket")
    assert "GUNICORN_PRELOAD=1" in service["Service"]["Environment"]
    # The socket unit listens on the instance's port and the app server cannot start without it.
    assert socket["Socket"]["ListenStream"] == ["127.0.0.1:%i"]
    assert "upright@%i.socket" in service["Unit"]["Requires"]
    assert "upright@%i.socket" in service["Unit"]["After"]
    # Restarting the app server must not restart (close) the socket.
    assert "PartOf" not in socket["Unit"]
    assert "BindsTo" not in socket["Unit"]
    # The restart returns once gunicorn says it serves (it notifies systemd when ready).
    assert service["Service"]["Type"] == ["notify"]
