"""Imports as separate processes on a shared database: killed half-way, and started twice at once.

Each test runs `manage.py` in subprocesses against a database of its own (a temporary SQLite file, or a temporary
PostgreSQL database when the suite runs on PostgreSQL) and a temporary search index directory.
"""

import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from contextlib import closing
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings

MANAGE = Path(settings.BASE_DIR) / "manage.py"
SPEECHES_PER_FILE = 10
PARAGRAPHS = 12
ON_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
SUMMARY = re.compile(r"(\d+) created, (\d+) updated, (\d+) unchanged, (\d+) skipped, (\d+) failed\.")

PEOPLE = ["Vladimir Putin", "Sergei Lavrov", "Dmitry Peskov", "Elvira Nabiullina", "Anton Siluanov"]
VENUES = ["The Kremlin, Moscow", "Novo-Ogaryovo, Moscow Region", "Bocharov Ruchei, Sochi", "Konstantinovsky Palace"]
TITLES = ["Meeting with Government members", "Security Council meeting", "Telephone conversation"]


@pytest.fixture(params=["whoosh", "postgres"])
def search_backend(request):
    if request.param == "postgres" and not ON_POSTGRES:
        pytest.skip("the PostgreSQL search backend needs a PostgreSQL test database (set DATABASE_URL)")
    return request.param


def write_transcripts(folder, first, files):
    """Write `files` JSON Lines files of SPEECHES_PER_FILE speeches each, numbered from file `first`; return paths.

    Speeches share people, venues and, on a few days, titles, so that two imports meet on every kind of key:
    sources, speakers' aliases, venues and slugs per day. Every speech says "reservoir" once.
    """
    paths = []
    for file_number in range(first, first + files):
        lines = []
        for n in range(file_number * SPEECHES_PER_FILE, (file_number + 1) * SPEECHES_PER_FILE):
            # A person and a venue new with every tenth speech, so both imports keep creating some.
            people = [PEOPLE[n % len(PEOPLE)], PEOPLE[(n + 1) % len(PEOPLE)], f"Governor Ivan Petrov{n // 10}"]
            paragraphs = [
                {"speaker_label": people[p % 3] if p % 4 == 0 else "", "text": f"Paragraph {p} of speech {n}."}
                for p in range(PARAGRAPHS)
            ]
            paragraphs[-1]["text"] += " The reservoir is full."
            lines.append(
                {
                    "title": TITLES[n % len(TITLES)],
                    "date": f"2020-{1 + n % 12:02d}-{1 + n % 5:02d}",
                    "kind": "meeting",
                    "source_url": f"http://en.kremlin.ru/events/president/news/{90000 + n}",
                    "source_id": str(90000 + n),
                    "venue": {"name": VENUES[n % len(VENUES)] if n % 10 else f"Regional centre {n // 10}"},
                    "paragraphs": paragraphs,
                }
            )
        path = folder / f"transcripts-{file_number:03d}.jsonl"
        path.write_text("".join(json.dumps(line) + "\n" for line in lines), "utf-8")
        paths.append(path)
    return paths


class SharedDatabase:
    """A database the subprocesses share: a SQLite file, or a PostgreSQL database, made from a migrated template."""

    def __init__(self, name, folder):
        self.name = name
        self.folder = folder
        self.index_dir = folder / "search-index"

    @property
    def url(self):
        if not ON_POSTGRES:
            return f"sqlite:///{self.folder / 'archive.sqlite3'}"
        db = settings.DATABASES["default"]
        credentials = quote(db["USER"] or "") + (":" + quote(db["PASSWORD"]) if db["PASSWORD"] else "")
        return f"postgres://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{self.name}"

    def env(self, search_backend="whoosh"):
        return {
            **os.environ,
            "DATABASE_URL": self.url,
            "SEARCH_INDEX_DIR": str(self.index_dir),
            "SEARCH_BACKEND": search_backend,
            "SECRET_KEY": "x",
            "HTTPS": "0",
            "DB_CONN_MAX_AGE": "0",
        }

    def count(self, table):
        if ON_POSTGRES:
            with _postgres(self.name) as conn:
                return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        with closing(sqlite3.connect(self.folder / "archive.sqlite3", timeout=30)) as conn:
            return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def _postgres(dbname):
    db = settings.DATABASES["default"]
    return psycopg.connect(
        dbname=dbname,
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        autocommit=True,
    )


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """A migrated database to copy for each test."""
    template = SharedDatabase(f"archive_template_{uuid.uuid4().hex[:12]}", tmp_path_factory.mktemp("template"))
    if ON_POSTGRES:
        with _postgres("postgres") as conn:
            conn.execute(f'CREATE DATABASE "{template.name}"')
    try:
        manage(template, "migrate", "--no-input").check_returncode()
        yield template
    finally:
        if ON_POSTGRES:
            with _postgres("postgres") as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{template.name}" WITH (FORCE)')


@pytest.fixture
def database(migrated, tmp_path):
    shared = SharedDatabase(f"archive_faults_{uuid.uuid4().hex[:12]}", tmp_path)
    if ON_POSTGRES:
        with _postgres("postgres") as conn:
            conn.execute(f'CREATE DATABASE "{shared.name}" TEMPLATE "{migrated.name}"')
    else:
        for name in ("archive.sqlite3", "archive.sqlite3-wal"):  # the log holds what is not yet checkpointed
            if (migrated.folder / name).exists():
                shutil.copyfile(migrated.folder / name, tmp_path / name)
    try:
        manage(shared, "rebuild_index").check_returncode()  # as a new installation is set up
        yield shared
    finally:
        if ON_POSTGRES:
            with _postgres("postgres") as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{shared.name}" WITH (FORCE)')


def start(database, *args, search_backend="whoosh"):
    return subprocess.Popen(
        [sys.executable, str(MANAGE), *args],
        cwd=MANAGE.parent,
        env=database.env(search_backend),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def manage(database, *args, search_backend="whoosh"):
    process = start(database, *args, search_backend=search_backend)
    out, err = process.communicate(timeout=120)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def counts(result):
    """The import's closing line as {outcome: count}."""
    found = SUMMARY.search(result.stdout)
    assert found, (result.stdout, result.stderr)
    return dict(zip(["created", "updated", "unchanged", "skipped", "failed"], map(int, found.groups()), strict=True))


def searchable(database, search_backend):
    """The ids of the published speeches, and of those a search for "reservoir" finds."""
    code = (
        "import json; from speeches import search; from speeches.models import Speech;"
        "r = search.search(search.SearchParams(query=search.parse_query('reservoir'), per_page=10000));"
        "print(json.dumps([sorted(Speech.objects.published().values_list('pk', flat=True)),"
        " sorted(h.speech.pk for h in r.hits), r.total]))"
    )
    result = manage(database, "shell", "-c", code, search_backend=search_backend)
    assert result.returncode == 0, result.stderr
    published, found, total = json.loads(result.stdout.splitlines()[-1])  # after the shell's own notice
    return published, found, total


def test_import_killed_midway_is_repaired_by_importing_again(database, tmp_path, search_backend):
    files = write_transcripts(tmp_path, 0, 60)
    total = len(files) * SPEECHES_PER_FILE
    # A seeded random moment in the import, counted in committed speeches rather than seconds so that it falls
    # inside the import however fast this machine writes.
    kill_at = random.Random(20240607).randint(total // 10, total // 2)

    importer = start(database, "import_speeches", *map(str, files), search_backend=search_backend)
    try:
        while importer.poll() is None and database.count("speeches_speech") < kill_at:
            time.sleep(0.01)
    finally:
        importer.send_signal(signal.SIGKILL)
        importer.communicate()
    committed = database.count("speeches_speech")
    assert importer.returncode == -signal.SIGKILL
    assert kill_at <= committed < total  # killed mid-import, not after it
    assert database.count("speeches_indexupdate") > 0  # the work the killed run left for the next one

    again = manage(database, "import_speeches", *map(str, files), search_backend=search_backend)
    assert again.returncode == 0, again.stderr
    assert counts(again) == {
        "created": total - committed,
        "updated": 0,
        "unchanged": committed,
        "skipped": 0,
        "failed": 0,
    }

    check = manage(database, "check_index", search_backend=search_backend)
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.splitlines() == ["Drained 0 queued index update(s).", "The search index is up to date."]
    published, found, hits = searchable(database, search_backend)
    assert len(published) == total
    assert (found, hits) == (published, total)


def test_two_imports_of_overlapping_files_at_once_both_succeed(database, tmp_path, search_backend):
    shared = write_transcripts(tmp_path, 0, 60)
    only_first, only_second = write_transcripts(tmp_path, 60, 10), write_transcripts(tmp_path, 70, 10)
    distinct = (len(shared) + len(only_first) + len(only_second)) * SPEECHES_PER_FILE

    # Both begin with the shared files, from opposite ends: wherever they cross, each meets sources, speakers,
    # venues and slugs the other stored after it had looked.
    importers = [
        start(database, "import_speeches", *map(str, files), search_backend=search_backend)
        for files in (shared + only_first, shared[::-1] + only_second)
    ]
    results = []
    for importer in importers:
        out, err = importer.communicate(timeout=120)
        results.append(subprocess.CompletedProcess(importer.args, importer.returncode, out, err))

    for result in results:
        assert result.returncode == 0, result.stdout + result.stderr
    first, second = map(counts, results)
    assert first["failed"] == second["failed"] == 0
    assert first["updated"] == second["updated"] == 0
    assert first["created"] + second["created"] == distinct
    assert first["unchanged"] + second["unchanged"] == len(shared) * SPEECHES_PER_FILE
    assert database.count("speeches_speech") == distinct

    check = manage(database, "check_index", search_backend=search_backend)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "The search index is up to date." in check.stdout
    published, found, hits = searchable(database, search_backend)
    assert (found, hits) == (published, distinct)
