"""Start Django for a benchmark on a throwaway database unless DATABASE_URL names one."""

import os
import statistics
import sys
import tempfile
import time
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


def percentile(values, fraction):
    """The value below which `fraction` of values lie (nearest rank); every benchmark reports p95 this way."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def describe(name, seconds):
    """Return a line with the median and 95th percentile of timings in seconds, in milliseconds."""
    median, p95 = statistics.median(seconds), percentile(seconds, 0.95)
    return f"{name:<40} n={len(seconds):>4}  median {median * 1000:8.2f} ms  p95 {p95 * 1000:8.2f} ms"


def timed(client, url, rounds):
    """Request url rounds times through a test client; return the seconds each took. Stop on any answer but 200."""
    seconds = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get(url)
        seconds.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    return seconds
