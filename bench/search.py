"""Search benchmark: index build time and whole /search/ request times, per backend, at 1x and 10x the corpus.

    DATABASE_URL=postgres://root@127.0.0.1:5432/search_bench .venv/bin/python bench/search.py [--scales 1 10]

Beside each backend it times, in the same run and over the same paragraphs, a bare index query that does nothing
but find and rank ten paragraphs: SQLite FTS5 (bm25) always, and PostgreSQL `ts_rank` over the search vectors when
the database is PostgreSQL; the ratio of the whole request's p95 to the bare query's p95 is printed. An adversarial
set (short prefixes, many ORs, a long quoted phrase of common words, a 40-term query) is timed separately, whatever
its answer (results, a message, or "search busy"), and so is the first search after the index is rebuilt.

Works on a throwaway database (it is emptied and migrated) and a temporary index directory. The English
corpus in ../shared/corpus/kremlin-en-html is imported once; the 10x archive adds nine copies of every
speech and paragraph with dates shifted back by 11-year steps and new source ids, written with bulk_create.
With SQLite only the Whoosh backend runs; with PostgreSQL both do.
"""

import argparse
import os
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kremlin_archive.settings")
os.environ.setdefault("SECRET_KEY", "bench")
os.environ.setdefault("HTTPS", "0")
os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="search-bench-"))
os.environ.setdefault("SEARCH_INDEX_DIR", tempfile.mkdtemp(prefix="search-bench-index-"))

import django  # noqa: E402

django.setup()

from _corpus import enlarge, load_corpus  # noqa: E402
from _setup import percentile  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
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
# The same searches as bare index queries: FTS5 MATCH syntax, and PostgreSQL websearch syntax.
BARE = {
    "single word": ("sanctions", "sanctions"),
    "two words": ("energy security", "energy security"),
    "phrase": ('"Union State"', '"Union State"'),
    "filtered": ("economy", "economy"),
    "date-sorted": ("Ukraine", "Ukraine"),
}
ADVERSARIAL = [
    ("short prefix", {"q": "co*"}),
    ("three-letter prefix", {"q": "con*"}),
    ("many prefixes", {"q": "con* OR pro* OR rep* OR sta* OR dev*"}),
    ("many ORs", {"q": "the OR and OR of OR to OR in OR a OR is OR that OR for OR it OR as OR with OR was OR on"}),
    ("common-word phrase", {"q": '"and it is pleasing to note and that it is the"'}),
    (
        "40 terms",
        {
            "q": "russia president economy development cooperation security region government budget investment "
            "energy trade industry agriculture education health culture science technology transport defence "
            "army navy border treaty union state sanctions inflation growth export import oil gas nuclear "
            "space arctic pension family youth"
        },
    ),
]
ROUNDS = 20
ADVERSARIAL_ROUNDS = 5


def bare_fts5():
    """An in-memory SQLite FTS5 table of every paragraph; return a function timing one bare query in ms."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE p USING fts5(text, tokenize='porter unicode61')")
    rows = Paragraph.objects.filter(speech__status="published").values_list("text").iterator(chunk_size=5000)
    db.executemany("INSERT INTO p(text) VALUES (?)", rows)
    db.commit()

    def query(name):
        started = time.perf_counter()
        db.execute("SELECT rowid FROM p WHERE p MATCH ? ORDER BY bm25(p) LIMIT 10", [BARE[name][0]]).fetchall()
        return (time.perf_counter() - started) * 1000

    return query


def bare_ts_rank():
    """A function timing one bare PostgreSQL ts_rank query over the search vectors, in ms."""

    def query(name):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT speech_id, position FROM speeches_paragraphsearch "
                "WHERE vector @@ websearch_to_tsquery('english', %s) "
                "ORDER BY ts_rank(vector, websearch_to_tsquery('english', %s)) DESC LIMIT 10",
                [BARE[name][1]] * 2,
            )
            cursor.fetchall()
        return (time.perf_counter() - started) * 1000

    return query


def time_bare(label, query):
    times = {name: [] for name in BARE}
    for name in BARE:
        query(name)  # warm
    for _ in range(ROUNDS):
        for name in BARE:
            times[name].append(query(name))
    every = [t for values in times.values() for t in values]
    print(f"  bare {label:20} {statistics.median(every):7.1f} ms median {percentile(every, 0.95):7.1f} ms p95")
    return percentile(every, 0.95)


def measure(backend, scale, reuse=False, bare=None):
    settings.SEARCH_BACKEND = backend
    started = time.perf_counter()
    if reuse and search.check() == ([], [], []):
        build = None
    else:
        search.rebuild()
        build = time.perf_counter() - started
    client = Client(SERVER_NAME="localhost")
    # The first search after a rebuild, which loads what the index reads lazily.
    started = time.perf_counter()
    assert client.get("/search/", QUERIES[0][1]).status_code == 200
    first = (time.perf_counter() - started) * 1000
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
    warm_p95 = percentile(every, 0.95)
    print(f"  {'all':12} {statistics.median(every):7.1f} ms median {warm_p95:7.1f} ms p95")
    print(f"  first search after the rebuild {first:7.1f} ms ({first / warm_p95:.1f}x the warm p95)")
    for label, bare_p95 in (bare or {}).items():
        print(f"  whole request p95 / bare {label} p95: {warm_p95 / bare_p95:.1f}x")
    adversarial = {name: [] for name, _ in ADVERSARIAL}
    answers = {}
    for _ in range(ADVERSARIAL_ROUNDS):
        for name, params in ADVERSARIAL:
            started = time.perf_counter()
            response = client.get("/search/", params)
            adversarial[name].append((time.perf_counter() - started) * 1000)
            assert response.status_code in (200, 400, 503), (name, response.status_code)
            answers[name] = response.status_code
    print("  adversarial (whatever the answer):")
    for name, _ in ADVERSARIAL:
        print(
            f"    {name:20} {statistics.median(adversarial[name]):7.1f} ms median "
            f"{percentile(adversarial[name], 0.95):7.1f} ms p95  (HTTP {answers[name]})"
        )
    worst = max(max(values) for values in adversarial.values())
    print(f"    {'worst':20} {worst:7.1f} ms")


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
        print(f"\nbare index queries at {scale}x (the same five searches, ten paragraphs each):")
        bare = {"SQLite FTS5": time_bare("SQLite FTS5", bare_fts5())}
        if connection.vendor == "postgresql":
            settings.SEARCH_BACKEND = "postgres"
            if search.check() != ([], [], []):
                search.rebuild()
            bare["PostgreSQL ts_rank"] = time_bare("PostgreSQL ts_rank", bare_ts_rank())
        for backend in backends:
            measure(backend, scale, reuse=args.reuse, bare=bare)


if __name__ == "__main__":
    main()
