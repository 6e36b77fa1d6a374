"""Gunicorn settings for one Upright app server (deploy/systemd/upright@.service runs several).

Each value can be changed through the environment file without editing this one.
"""

import multiprocessing
import os

# One app server per loopback port; the proxy in front spreads requests across them.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
# Sync workers: Upright's pages are short database-bound requests.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 2
# Recycle workers now and then so slow leaks never build up.
max_requests = 1000
max_requests_jitter = 100
# Preloading: the master loads the app once (config/wsgi.py builds the URL map, compiles every
# template and freezes the garbage collector's view of it) and forks each worker from it, so a
# worker that replaces a recycled one costs a fork instead of importing Django and the app again
# (1.3-1.6 s of CPU). But gunicorn loads a preloaded app before it listens on its port: a proxy
# that tried meanwhile would be refused and count the app server down (nginx: 502 for 10 s after
# every restart). So preloading is for an app server whose port is already held for it: the
# systemd unit turns it on (GUNICORN_PRELOAD=1) and its socket unit, upright@.socket, listens and
# hands the socket over, so that requests wait in the socket's queue while the app loads. Code
# changes then need a restart (install.sh restarts), not a reload: workers fork from the loaded app.
_preload = (os.environ.get("GUNICORN_PRELOAD") or "0").strip()
if _preload not in {"0", "1"}:
    raise SystemExit(f"GUNICORN_PRELOAD must be 1 or 0, not {_preload!r}")
preload_app = _preload == "1"
worker_tmp_dir = "/dev/shm"  # noqa: S108 (a heartbeat file, not data)
limit_request_line = 4094
limit_request_fields = 100

# Logs go to standard output (the journal under systemd). The access log records the path
# only (%(U)s), never the query string or the referrer: patient names arrive in search terms.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'

# Only the proxy on this host may say the request came over HTTPS.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# systemd starts, reloads and stops the app servers; several on one host would otherwise share
# one control socket in the service user's home.
control_socket_disable = True
