"""Start Django for a benchmark on a throwaway database unless DATABASE_URL names one."""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def setup_django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kremlin_archive.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark")
    os.environ.setdefault("HTTPS", "0")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    if "VAR_DIR" not in os.environ:
        os.environ["VAR_DIR"] = tempfile.mkdtemp(prefix="archive-bench-")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # Static files resolve without collectstatic, as in tests.
    settings.STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    call_command("migrate", verbosity=0, interactive=False)


def describe(name, seconds):
    """Return a line with the median and 95th percentile of timings in seconds, in milliseconds."""
    ordered = sorted(seconds)
    median = ordered[len(ordered) // 2]
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return f"{name:<40} n={len(ordered):>4}  median {median * 1000:8.2f} ms  p95 {p95 * 1000:8.2f} ms"
