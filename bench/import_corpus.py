"""Measure how fast the saved kremlin.ru pages import into an empty archive.

    python bench/import_corpus.py [--corpus DIR]

Uses a throwaway database: a temporary SQLite file, or, when DATABASE_URL names a PostgreSQL server, a new
database on that server that is dropped afterwards. Prints pages per second for parsing alone, for the first
import (parse and write), for the same import with the search index kept current (as `import_speeches` runs it:
one index commit for the whole import) and for a second, unchanged run, with the median and p95 time per page.
The search backend is the one SEARCH_BACKEND names, on a throwaway index directory.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from _setup import percentile

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "kremlin-en-html" / "news"


def throwaway_database():
    """Point DATABASE_URL at a fresh database; return a function that removes it."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import dj_database_url
        import psycopg

        config = dj_database_url.parse(url)
        name = f"import_bench_{uuid.uuid4().hex[:8]}"
        server = dict(
            host=config["HOST"], port=config["PORT"] or 5432, user=config["USER"], password=config["PASSWORD"]
        )
        with psycopg.connect(dbname=config["NAME"], autocommit=True, **server) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + name

        def drop():
            from django.db import connections

            connections.close_all()
            with psycopg.connect(dbname=config["NAME"], autocommit=True, **server) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}"')

        return "PostgreSQL", drop
    folder = tempfile.mkdtemp(prefix="import-bench-")
    path = Path(folder) / "archive.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"

    def remove():
        for leftover in Path(folder).iterdir():
            leftover.unlink()
        os.rmdir(folder)

    return "SQLite", remove


def ms(seconds):
    return f"{seconds * 1000:.1f} ms"


def summary(label, wall, count, per_page=()):
    line = f"{label:<28} {count / wall:8.1f} pages/s  ({count} pages in {wall:.2f} s)"
    for name, values in per_page:
        line += f"\n{'':<30}{name}: median {ms(statistics.median(values))}, p95 {ms(percentile(values, 0.95))}"
    print(line)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args()
    if not args.corpus.is_dir():
        sys.exit(f"No corpus at {args.corpus}.")

    engine, cleanup = throwaway_database()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kremlin_archive.settings")
    os.environ.setdefault("SECRET_KEY", "bench")
    os.environ["SEARCH_INDEX_DIR"] = tempfile.mkdtemp(prefix="import-bench-index-")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from speeches import search
    from speeches.importers import collect_files, read_source
    from speeches.importers.writer import Writer
    from speeches.models import Paragraph, Speech

    try:
        call_command("migrate", verbosity=0)
        files = collect_files([args.corpus])
        contents = [(path, path.read_bytes()) for path in files]
        print(f"{engine}: {len(files)} pages from {args.corpus}")

        parse_times = []
        start = time.perf_counter()
        for path, data in contents:
            t0 = time.perf_counter()
            read_source(data, name=str(path))
            parse_times.append(time.perf_counter() - t0)
        summary("parse only", time.perf_counter() - start, len(contents), [("parse", parse_times)])

        def import_all(label):
            writer = Writer()
            parse_times, write_times, outcomes = [], [], {}
            start = time.perf_counter()
            for path, data in contents:
                t0 = time.perf_counter()
                (record,) = read_source(data, name=str(path), known_label=writer.speakers.known)
                t1 = time.perf_counter()
                outcome, _ = writer.write(record)
                write_times.append(time.perf_counter() - t1)
                parse_times.append(t1 - t0)
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
            wall = time.perf_counter() - start
            summary(label, wall, len(contents), [("parse", parse_times), ("write", write_times)])
            print(f"{'':<30}outcomes: {outcomes}")
            return wall

        with search.bulk_indexing():
            database = import_all("first import (empty archive)")
            indexing = time.perf_counter()
        # The block's end wrote the whole import to the search index in one commit.
        indexed = time.perf_counter() - indexing
        total = database + indexed
        print(
            f"{'with the search index':<28} {len(contents) / total:8.1f} pages/s  "
            f"({database:.2f} s database + {indexed:.2f} s index, {settings.SEARCH_BACKEND})"
        )
        with search.bulk_indexing():
            import_all("second import (unchanged)")
        print(f"{'':<30}{Speech.objects.count()} speeches, {Paragraph.objects.count()} paragraphs stored")
    finally:
        cleanup()


if __name__ == "__main__":
    main()
