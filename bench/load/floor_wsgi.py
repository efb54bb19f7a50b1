"""WSGI entry point for the load test: the project's settings, with the root URLconf switched to
floor_urls (the app's URLs plus the framework floor). ``gunicorn bench.load.floor_wsgi:application``."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cscwg.settings")

from django.conf import settings  # noqa: E402

# Overriding before the application loads, like override_settings: settings.py is not touched.
settings.ROOT_URLCONF = "bench.load.floor_urls"

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
