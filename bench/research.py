"""Research tools benchmark: the first concordance page and a five-term trends chart for common words, at 1x and 10x.

    .venv/bin/python bench/research.py [--rounds 30] [--scales 1 10]
    DATABASE_URL=postgres://root@127.0.0.1:5432/research_bench .venv/bin/python bench/research.py --backend postgres

The English corpus in ../shared/corpus/kremlin-en-html is imported into a throwaway SQLite database (or the
PostgreSQL database DATABASE_URL names, which is emptied) and indexed; the 10x archive adds nine copies of every
speech and paragraph (see _corpus.enlarge). Each page is requested in process through Django's test client, which
runs the whole middleware stack, with the page cache off: every answer is counted and rendered. The first request
after each (re)build is timed apart: it loads the index. Printed per page: the median and 95th percentile in ms.
"""

import argparse
import os
import tempfile
import time

from _setup import describe, percentile, setup_django, timed

COMMON = ["people", "development", "Russia", "economy", "cooperation"]
PAGES = [
    ("concordance, first page", "/concordance/?q=people"),
    ("concordance, by speaker", "/concordance/?q=people&order=speaker"),
    ("trends, five terms", "/trends/?" + "&".join(f"q={word}" for word in COMMON)),
    ("trends, five terms by month", "/trends/?by=month&" + "&".join(f"q={word}" for word in COMMON)),
    ("who says it most", "/who-says/?q=people"),
    ("quote finder", "/quote/?quote=we+must+protect+the+interests+of+our+people+and+our+country"),
]
TARGET = 1.0  # seconds, p95 at 10x


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30, help="Requests per page (default 30).")
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10], help="Archive sizes (default 1 10).")
    parser.add_argument("--backend", choices=["whoosh", "postgres"], default="whoosh")
    args = parser.parse_args()
    os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="research-bench-"))
    os.environ.setdefault("SEARCH_INDEX_DIR", tempfile.mkdtemp(prefix="research-bench-index-"))
    setup_django()
    from _corpus import enlarge, load_corpus
    from django.conf import settings
    from django.test import Client
    from django.test.utils import setup_test_environment

    from speeches import search
    from speeches.models import Paragraph

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.PAGE_CACHE = False
    settings.SEARCH_BACKEND = args.backend
    load_corpus()
    client = Client()
    for scale in sorted(args.scales):
        if scale > 1:
            enlarge(scale - 1)
        started = time.perf_counter()
        # The index alone: the suggestions under each speech ("more like this") play no part here.
        search.get_backend().rebuild()
        print(f"\n{scale}x: {Paragraph.objects.count()} paragraphs, indexed in {time.perf_counter() - started:.1f} s")
        for what, url in PAGES:
            started = time.perf_counter()
            client.get(url)
            first = time.perf_counter() - started
            seconds = timed(client, url, args.rounds)
            mark = ""
            if scale == 10 and what.startswith(("concordance, first", "trends, five terms")) and what != PAGES[3][0]:
                mark = "  (target p95 < 1 s: " + ("met" if percentile(seconds, 0.95) < TARGET else "MISSED") + ")"
            print(describe(f"{what}"[:40], seconds) + f"  first {first * 1000:8.1f} ms{mark}")


if __name__ == "__main__":
    main()
