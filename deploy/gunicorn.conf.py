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
# Load the app once, in the master, and fork the workers from it (config/wsgi.py builds the URL
# map and compiles every template there, touching no database). A worker that replaces a recycled
# one then starts ready, instead of importing Django and the app again (1.3-2 s of CPU) and
# building the rest on its first requests (README, "Speed at clinic-network scale"). The master
# reads the code and the settings once: after an upgrade or a change to the environment file,
# restart the app servers (`systemctl restart upright.target`, as install.sh does); a reload
# only replaces the workers.
preload_app = True
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
