"""WSGI entry point for gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kremlin_archive.settings")

application = get_wsgi_application()

# Each gunicorn worker imports this module as it starts: it loads the search index then, so that its first search
# answers as fast as the others.
from speeches import search  # noqa: E402

search.warm()
