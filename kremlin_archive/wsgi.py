"""WSGI entry point for gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kremlin_archive.settings")

application = get_wsgi_application()

# Each gunicorn worker imports this module as it starts: it loads the search index then, so that its first search
# answers as fast as the others. In the background: the loading takes seconds, and the worker answers every other
# page meanwhile; a search that comes sooner waits for it.
import threading  # noqa: E402

from speeches import search  # noqa: E402

threading.Thread(target=search.warm, name="search-index-warm", daemon=True).start()
