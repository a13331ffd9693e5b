"""API benchmark: the JSON API's list and search beside the HTML pages that show the same, in one run.

    .venv/bin/python bench/api.py [--rounds 50]
    DATABASE_URL=postgres://root@127.0.0.1:5432/api_bench .venv/bin/python bench/api.py

The English corpus in ../shared/corpus/kremlin-en-html is imported into a throwaway SQLite database (or the
PostgreSQL database DATABASE_URL names, which is emptied) with its search index. Each address is then requested in
process through Django's test client, which runs the whole middleware stack, first with the page cache off
(every answer rendered) and then with it on (after one untimed request fills it). Printed per address: the median
and 95th percentile in ms, and the API's p95 over the HTML page's.
"""

import argparse
import os
import tempfile

from _setup import describe, percentile, setup_django, timed

# (what, the HTML page, the API address showing the same)
PAIRS = [
    ("list", "/speeches/2019/", "/api/speeches/?date_from=2019-01-01&date_to=2019-12-31"),
    ("filtered list", "/speakers/vladimir-putin/?kind=meeting", "/api/speeches/?speaker=vladimir-putin&kind=meeting"),
    ("search", "/search/?q=sanctions", "/api/search/?q=sanctions"),
    ("phrase search", '/search/?q="Union+State"', '/api/search/?q="Union+State"'),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=50, help="Requests per address and cache setting (default 50).")
    args = parser.parse_args()
    os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="api-bench-"))
    os.environ.setdefault("SEARCH_INDEX_DIR", tempfile.mkdtemp(prefix="api-bench-index-"))
    setup_django()
    from _corpus import load_corpus
    from django.conf import settings
    from django.test import Client
    from django.test.utils import setup_test_environment

    from speeches import search

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    load_corpus()
    search.rebuild()
    client = Client()
    for cached in (False, True):
        settings.PAGE_CACHE = cached
        print(f"\npage cache {'on' if cached else 'off'}:")
        for what, page, api in PAIRS:
            client.get(page), client.get(api)
            pages, answers = timed(client, page, args.rounds), timed(client, api, args.rounds)
            print(describe(f"{what}: HTML {page}"[:40], pages))
            print(describe(f"{what}: API"[:40], answers))
            print(f"{'':40} API p95 / HTML p95 = {percentile(answers, 0.95) / percentile(pages, 0.95):.2f}")


if __name__ == "__main__":
    main()
