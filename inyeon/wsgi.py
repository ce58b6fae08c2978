"""WSGI entry point: `gunicorn inyeon.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "inyeon.settings")
application = get_wsgi_application()
