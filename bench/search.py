"""Search benchmark: index build time and whole /search/ request times, per backend, at 1x and 10x the corpus.

    DATABASE_URL=postgres://root@127.0.0.1:5432/search_bench .venv/bin/python bench/search.py [--scales 1 10]

Works on a throwaway database (it is emptied and migrated) and a temporary index directory. The English
corpus in ../shared/corpus/kremlin-en-html is imported once; the 10x archive adds nine copies of every
speech and paragraph with dates shifted back by 11-year steps and new source ids, written with bulk_create.
With SQLite only the Whoosh backend runs; with PostgreSQL both do.
"""

import argparse
import datetime
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "kremlin-en-html" / "news"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kremlin_archive.settings")
os.environ.setdefault("SECRET_KEY", "bench")
os.environ.setdefault("HTTPS", "0")
os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="search-bench-"))
os.environ.setdefault("SEARCH_INDEX_DIR", tempfile.mkdtemp(prefix="search-bench-index-"))

import django  # noqa: E402

django.setup()

from _setup import percentile  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

from speeches import search  # noqa: E402
from speeches.models import Paragraph, Speech  # noqa: E402

QUERIES = [
    ("single word", {"q": "sanctions"}),
    ("two words", {"q": "energy security"}),
    ("phrase", {"q": '"Union State"'}),
    ("filtered", {"q": "economy", "kind": "meeting", "date_from": "2016-01-01", "date_to": "2018-12-31"}),
    ("date-sorted", {"q": "Ukraine", "sort": "newest"}),
]
ROUNDS = 20


def load_corpus():
    if not CORPUS.is_dir():
        sys.exit(f"The corpus is not at {CORPUS}.")
    call_command("flush", interactive=False, verbosity=0)
    started = time.perf_counter()
    call_command("import_speeches", str(CORPUS), verbosity=0)
    print(
        f"imported {Speech.objects.count()} speeches, {Paragraph.objects.count()} paragraphs "
        f"in {time.perf_counter() - started:.1f} s"
    )


def enlarge(copies=9):
    """Add copies of every speech and paragraph, dated 11 years earlier per copy, in the database directly."""
    started = time.perf_counter()
    originals = list(Speech.objects.filter(source_id__regex=r"^[0-9]+$").order_by("id"))
    through = Speech.speakers.through
    speakers = {}
    for row in through.objects.filter(speech__in=originals).values_list("speech_id", "speaker_id"):
        speakers.setdefault(row[0], []).append(row[1])
    fields = [f.name for f in Paragraph._meta.concrete_fields if f.name not in {"id", "speech"}]
    for copy in range(1, copies + 1):
        with transaction.atomic():
            new = Speech.objects.bulk_create(
                Speech(
                    **{f.attname: getattr(s, f.attname) for f in Speech._meta.concrete_fields if f.name != "id"}
                    | {
                        "date": s.date.replace(year=s.date.year - 11 * copy)
                        if not (s.date.month == 2 and s.date.day == 29)
                        else s.date - datetime.timedelta(days=4018 * copy),
                        "source_id": f"{s.source_id}-copy{copy}",
                        "translation_id": None,
                    }
                )
                for s in originals
            )
            mapping = {old.id: fresh.id for old, fresh in zip(originals, new, strict=True)}
            through.objects.bulk_create(
                through(speech_id=mapping[sid], speaker_id=pk) for sid, pks in speakers.items() for pk in pks
            )
            batch = []
            for paragraph in (
                Paragraph.objects.filter(speech__in=originals)
                .values("speech_id", *[f + "_id" if f == "speaker" else f for f in fields])
                .iterator(chunk_size=5000)
            ):
                paragraph["speech_id"] = mapping[paragraph["speech_id"]]
                batch.append(Paragraph(**paragraph))
                if len(batch) >= 5000:
                    Paragraph.objects.bulk_create(batch)
                    batch = []
            Paragraph.objects.bulk_create(batch)
    print(
        f"enlarged to {Speech.objects.count()} speeches, {Paragraph.objects.count()} paragraphs "
        f"in {time.perf_counter() - started:.1f} s"
    )


def measure(backend, scale, reuse=False):
    settings.SEARCH_BACKEND = backend
    started = time.perf_counter()
    if reuse and search.check() == ([], [], []):
        build = None
    else:
        search.rebuild()
        build = time.perf_counter() - started
    client = Client(SERVER_NAME="localhost")
    for _, params in QUERIES:  # warm caches: the process's first search reads the index's columns
        assert client.get("/search/", params).status_code == 200
    times = {name: [] for name, _ in QUERIES}
    for _ in range(ROUNDS):
        for name, params in QUERIES:
            started = time.perf_counter()
            response = client.get("/search/", params)
            times[name].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.content[:500]
    every = [t for values in times.values() for t in values]
    print(f"\n{backend} at {scale}x: index build " + (f"{build:.1f} s" if build is not None else "(index reused)"))
    for name, params in QUERIES:
        found = re.search(r"(\d+) address", client.get("/search/", params).content.decode())
        hits = found.group(1) if found else 0
        print(
            f"  {name:12} {statistics.median(times[name]):7.1f} ms median {percentile(times[name], 0.95):7.1f} ms p95"
            f"  ({hits} speeches)"
        )
    print(f"  {'all':12} {statistics.median(every):7.1f} ms median {percentile(every, 0.95):7.1f} ms p95")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", nargs="+", type=int, default=[1, 10], choices=[1, 10])
    parser.add_argument("--backends", nargs="+", default=None, choices=["whoosh", "postgres"])
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="Keep the database of a previous run at this scale, and an up-to-date index (SEARCH_INDEX_DIR).",
    )
    args = parser.parse_args()
    backends = args.backends or (["whoosh", "postgres"] if connection.vendor == "postgresql" else ["whoosh"])
    # Pages render without a prior collectstatic.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    call_command("migrate", verbosity=0)
    originals = 0 if not args.reuse else Speech.objects.filter(source_id__regex=r"^[0-9]+$").count()
    if not originals:
        load_corpus()
    for scale in args.scales:
        if scale == 10 and Speech.objects.count() < 10 * Speech.objects.filter(source_id__regex=r"^[0-9]+$").count():
            enlarge()
        for backend in backends:
            measure(backend, scale, reuse=args.reuse)


if __name__ == "__main__":
    main()
