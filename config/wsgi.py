"""WSGI entry point for gunicorn."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Marks this process as serving web requests: settings then add the statement timeout.
os.environ.setdefault("UPRIGHT_WEB_PROCESS", "1")

application = get_wsgi_application()

# Build now what the first requests would otherwise build (the URL map, every template), before
# any worker takes a request: in gunicorn's master when it preloads, else in each worker
# (config/warmup.py).
from config.warmup import warm_up  # noqa: E402 (needs the settings set up above)

warm_up()

# What start-up loaded (Django, the apps, the URL map, the templates) lives as long as the
# process: move it out of the garbage collector's sight, so the collections a large response
# triggers (a FHIR $everything builds thousands of small objects) stop rescanning it.
# Measured on $everything with 100,000 patients: app CPU p95 98 ms -> 54 ms, p50 37 -> 33 ms.
gc.collect()
gc.freeze()
