"""WSGI entry point for gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Marks this process as serving web requests: settings then add the statement timeout.
os.environ.setdefault("UPRIGHT_WEB_PROCESS", "1")

application = get_wsgi_application()
