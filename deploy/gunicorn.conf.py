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
# Each worker loads the app itself, and config/wsgi.py then builds the URL map and compiles every
# template before the worker takes its first request: a worker that replaces a recycled one
# serves its first requests as fast as its later ones. Not preload_app: gunicorn would then load
# the app (about 2 s) before it listens on its port, and nginx, refused meanwhile, would count
# both app servers as down for 10 s after a restart (502 to every request).
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
