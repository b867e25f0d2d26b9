"""WSGI entry point used by `communa serve` (gunicorn)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "communa.settings")
application = get_wsgi_application()
