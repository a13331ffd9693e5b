"""Load benchmark: the archive as production serves it (gunicorn, DEBUG off, WhiteNoise) under many clients at once.

    .venv/bin/python bench/load.py [--duration 60] [--clients 32] [--reuse] [--only cached|uncached]
    DATABASE_URL=postgres://root@127.0.0.1:5432/load_bench .venv/bin/python bench/load.py

The English corpus in ../shared/corpus/kremlin-en-html is imported with the archive's own commands (migrate,
import_speeches, rebuild_index) into a throwaway SQLite database in a temporary VAR_DIR, or into the PostgreSQL
database DATABASE_URL names (created when missing, emptied otherwise); `--reuse` keeps a database that already
holds speeches, and its index, so repeated runs start in seconds. The static files are collected into that
directory too, since with DEBUG off WhiteNoise serves them from the manifest.

Gunicorn then starts from gunicorn.conf.py on a free port, twice: with the page cache on, and with PAGE_CACHE=0
(settings that do not read PAGE_CACHE yet serve both runs alike, and the header says so). Each run loads the
archive with one `hey` process per client, all started together, each on one address for the whole run, drawn
from a mix of home, archive, short speech, long speech, search and speaker pages; then the longest speech page
alone at the same number of clients. Once per invocation, the same number of clients load a static file of the
same bytes as the longest speech page (compressed when the page is), served by WhiteNoise from the same gunicorn,
as the cost floor of an answer of that size. Last, one client alone asks for the longest page, then the static file:
what each costs to answer without waiting behind others. Every address is fetched once, untimed, before each phase;
what each worker caches for itself still fills during the phase, as it does in production after every worker
restart, and the restarts gunicorn made (max_requests) are counted per phase.

Printed per page type and for the whole mix: requests, requests per second, the 50th, 95th and 99th percentile
in ms, and errors (statuses other than 2xx/3xx, and requests that got no answer); then the cached long page's
requests per second over the static file's, and the uncached long page's median over the static file's.
The clients run on the same machine as the server and take their share of its cores.
"""

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

from _setup import percentile

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "kremlin-en-html" / "news"
BIN = ROOT / ".venv" / "bin" if (ROOT / ".venv" / "bin" / "gunicorn").exists() else Path(sys.executable).parent
PYTHON = BIN / "python"
GUNICORN = BIN / "gunicorn"
STATIC_NAME = "bench/long.html"

SEARCHES = [
    "sanctions",
    "energy",
    '"Union State"',
    "economy",
    "Ukraine",
    "healthcare",
    "education",
    "agriculture",
    "pensions",
    "security",
]
# Clients per page type out of 32, roughly how readers spread over the archive: mostly speeches and searches.
MIX = {"home": 4, "archive": 4, "speech-short": 10, "speech-long": 2, "search": 8, "speaker": 4}
SHORT_SPEECHES = 20
SHORT_PARAGRAPHS = 60

# hey's csv output leaves out the requests that got no answer at all (refused or reset connections, timeouts),
# the very failures a load test looks for. Its -o also takes a Go template of its report: this one writes each
# answer's time in seconds and its status, as the csv does, then how many requests failed with each error.
HEY_OUTPUT = (
    "response-time,status-code{{ $codes := .StatusCodes }}{{ range $i, $v := .Lats }}\n"
    "{{ formatNumber $v }},{{ index $codes $i }}{{ end }}{{ range $err, $num := .ErrorDist }}\n"
    "error,{{ $num }},{{ $err }}{{ end }}\n"
)

# Run inside the archive (manage.py shell -c): pick the addresses, save the longest speech page as the static
# file, and describe the database. A fixed seed loads the same pages on every run over the same database.
PICK = """
import gzip, json, random, sqlite3
from pathlib import Path
from django.db import connection
from django.db.models import Count, Q
from django.test import Client
from django.urls import reverse
from speeches.models import Paragraph, Speaker, Speech

rng = random.Random(1)
published = Speech.objects.filter(status=Speech.Status.PUBLISHED)
years = [d.year for d in published.dates("date", "year")]
months = list(published.dates("date", "month"))
archive = [reverse("speech_archive")]
archive += [reverse("speech_archive_year", kwargs={"year": y}) for y in sorted(rng.sample(years, min(3, len(years))))]
archive += [
    reverse("speech_archive_month", kwargs={"year": m.year, "month": m.month})
    for m in sorted(rng.sample(months, min(3, len(months))))
]
counted = published.annotate(n=Count("paragraphs"))
short_ids = list(counted.filter(n__lt=SHORT_PARAGRAPHS).order_by("id").values_list("id", flat=True))
short_ids = rng.sample(short_ids, min(SHORT_SPEECHES, len(short_ids)))
longest = counted.order_by("-n", "id").first()
speakers = Speaker.objects.annotate(
    n=Count("speeches", filter=Q(speeches__status=Speech.Status.PUBLISHED))
).order_by("-n", "id")[:10]
response = Client(SERVER_NAME="127.0.0.1").get(longest.get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip")
assert response.status_code == 200, (longest.get_absolute_url(), response.status_code)
static_file = Path(STATIC_FILE)
static_file.parent.mkdir(parents=True, exist_ok=True)
static_file.with_name(static_file.name + ".gz").unlink(missing_ok=True)
if response.get("Content-Encoding") == "gzip":
    # WhiteNoise sends the .gz beside a file to clients that accept gzip: the same bytes the page went out as.
    static_file.with_name(static_file.name + ".gz").write_bytes(response.content)
    static_file.write_bytes(gzip.decompress(response.content))
else:
    static_file.write_bytes(response.content)
if connection.vendor == "postgresql":
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version')")
        version = cursor.fetchone()[0]
else:
    version = sqlite3.sqlite_version
print(json.dumps({
    "database": f"{connection.display_name} {version}",
    "speeches": published.count(),
    "paragraphs": Paragraph.objects.filter(speech__in=published).count(),
    "urls": {
        "home": [reverse("home")],
        "archive": archive,
        "speech-short": [s.get_absolute_url() for s in Speech.objects.filter(id__in=short_ids).order_by("id")],
        "speech-long": [longest.get_absolute_url()],
        "search": [reverse("search") + "?" + urlencode({"q": q}) for q in SEARCHES],
        "speaker": [s.get_absolute_url() for s in speakers],
    },
    "long_paragraphs": longest.n,
}))
"""


def fail(message):
    sys.exit(f"load benchmark: {message}")


def manage(env, *args):
    """Run a management command of the archive; return what it printed, or stop with its output when it fails."""
    result = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode:
        fail(f"`manage.py {args[0]}` failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    return result.stdout


def create_database(url):
    """Create the PostgreSQL database the URL names unless it exists, connecting to the server's `postgres` one."""
    import psycopg
    from psycopg import sql

    parts = urllib.parse.urlsplit(url)
    name = urllib.parse.unquote(parts.path.lstrip("/"))
    try:
        with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as server:
            if not server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                print(f"created database {name}")
    except psycopg.OperationalError as error:
        fail(f"cannot reach the PostgreSQL server of DATABASE_URL: {error}")


def prepare(env, reuse, database_url):
    """Migrate and import the English corpus unless `reuse` finds speeches already; collect the static files."""
    if database_url:
        create_database(database_url)
    manage(env, "migrate", "--noinput")
    count = "from speeches.models import Speech; print(Speech.objects.count())"
    speeches = int(manage(env, "shell", "-c", count).split()[-1])
    if speeches and reuse:
        print(f"reusing the {speeches} speeches already in the database")
        # A killed earlier run may have left the index behind the database.
        if subprocess.run([PYTHON, "manage.py", "check_index"], cwd=ROOT, env=env, capture_output=True).returncode:
            print("the search index is out of date: rebuilding it")
            manage(env, "rebuild_index")
    else:
        if speeches:
            manage(env, "flush", "--noinput")
        started = time.perf_counter()
        printed = manage(env, "import_speeches", "--format", "kremlin-html", str(CORPUS))
        print(f"{printed.strip().splitlines()[-1]} ({time.perf_counter() - started:.0f} s)")
        print(manage(env, "rebuild_index").strip())
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url, timeout=60):
    """GET a URL as hey does (it accepts gzip); return the status, the Content-Encoding and the bytes on the wire."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers.get("Content-Encoding", ""), len(response.read())
    except urllib.error.HTTPError as error:
        return error.code, "", 0


@contextmanager
def gunicorn(env, log_path):
    """Serve the archive as production does, on a free local port; stop it as systemd would.

    Yield the base URL, the process and the seconds it took to answer: about what a worker restart costs.
    """
    env = env | {"HOST": "127.0.0.1", "PORT": str(free_port())}
    base = f"http://127.0.0.1:{env['PORT']}"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [GUNICORN, "-c", "gunicorn.conf.py", "kremlin_archive.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        started = time.monotonic()
        deadline = started + 60
        while True:
            if process.poll() is not None:
                fail(f"gunicorn exited with status {process.returncode}:\n{log_path.read_text()[-3000:]}")
            try:
                if fetch(base + "/healthz", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                fail(f"gunicorn did not answer /healthz within 60 s:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.2)
        yield base, process, time.monotonic() - started
    finally:
        # SIGTERM is a graceful stop: workers finish their requests (within graceful_timeout) and exit.
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def warm(base, urls):
    """Fetch each address once, untimed, so the phase starts on warm caches; stop if one does not answer 200."""
    for url in dict.fromkeys(urls):
        status = fetch(base + url)[0]
        if status != 200:
            fail(f"{url} answered {status} before the load started; the archive is not serving it")


def hey(urls, duration, workdir):
    """Load each URL with its own single-connection hey client, all at once; return per-client results, seconds."""
    clients = []
    workdir = workdir / "hey"
    workdir.mkdir(exist_ok=True)
    try:
        started = time.perf_counter()
        for i, url in enumerate(urls):
            out, err = workdir / f"client-{i}.out", workdir / f"client-{i}.err"
            with open(out, "wb") as stdout, open(err, "wb") as stderr:
                command = ["hey", "-c", "1", "-z", f"{duration}s", "-o", HEY_OUTPUT, url]
                clients.append((subprocess.Popen(command, stdout=stdout, stderr=stderr), out, err))
        for process, _, _ in clients:
            process.wait()
        elapsed = time.perf_counter() - started
    finally:
        for process, _, _ in clients:
            if process.poll() is None:
                process.terminate()
                process.wait()
    results = []
    for process, out, err in clients:
        lines = out.read_text().splitlines()
        if process.returncode or not lines or lines[0] != "response-time,status-code":
            fail(f"hey did not report (status {process.returncode}):\n{err.read_text()[-2000:]}")
        answers, failures = [], Counter()
        for line in lines[1:]:
            if line.startswith("error,"):
                _, count, message = line.split(",", 2)
                failures[message] += int(count)
            elif line:
                seconds, status = line.split(",")
                answers.append((float(seconds), int(status)))
        results.append((answers, failures))
    return results, elapsed


class Row:
    """Requests, rate, latency percentiles and errors of one page type (or of several, added together)."""

    def __init__(self, label, results, elapsed):
        self.label = label
        self.times = [seconds for answers, _ in results for seconds, _ in answers]
        statuses = Counter(status for answers, _ in results for _, status in answers)
        self.failures = sum((failures for _, failures in results), Counter())
        self.bad = sum(n for status, n in statuses.items() if not 200 <= status < 400)
        self.errors = self.bad + sum(self.failures.values())
        self.requests = len(self.times) + sum(self.failures.values())
        self.rate = self.requests / elapsed
        self.statuses = statuses

    def ms(self, fraction):
        return percentile(self.times, fraction) * 1000 if self.times else float("nan")

    def __str__(self):
        return (
            f"  {self.label:<14} {self.requests:>9} {self.rate:>9.1f} {self.ms(0.50):>9.1f} {self.ms(0.95):>9.1f}"
            f" {self.ms(0.99):>9.1f} {self.errors:>7}"
        )


HEADING = f"  {'page type':<14} {'requests':>9} {'req/s':>9} {'p50 ms':>9} {'p95 ms':>9} {'p99 ms':>9} {'errors':>7}"


def print_rows(rows, total=None):
    print(HEADING)
    for row in rows + ([total] if total else []):
        print(row)
    for row in rows:
        # What went wrong, so a non-zero error count can be read without rerunning.
        odd = {status: n for status, n in row.statuses.items() if not 200 <= status < 400}
        if odd:
            print(f"    {row.label}: statuses {dict(sorted(odd.items()))}")
        for message, n in row.failures.most_common(3):
            print(f"    {row.label}: {n} x {message}")


def assign(urls, clients):
    """Give each client one address: clients per page type in MIX's proportions, addresses drawn without bias."""
    total = sum(MIX.values())
    shares = {kind: clients * weight / total for kind, weight in MIX.items()}
    counts = {kind: int(share) for kind, share in shares.items()}
    # Largest remainders get the clients rounding left over.
    for kind in sorted(MIX, key=lambda kind: counts[kind] - shares[kind])[: clients - sum(counts.values())]:
        counts[kind] += 1
    rng = random.Random(2)
    plan = []
    for kind, count in counts.items():
        drawn = rng.sample(urls[kind], len(urls[kind]))
        plan += [(kind, drawn[i % len(drawn)]) for i in range(count)]
    return plan


def run(label, env, picked, args, workdir, static):
    """Serve the archive once and load it: the mix, the long page alone and, if `static`, the static file alone."""
    long_url = picked["urls"]["speech-long"][0]
    static_url = "/static/" + STATIC_NAME
    log_path = workdir / f"gunicorn-{label}.log"
    measured = {}
    with gunicorn(env, log_path) as (base, process, startup):
        page, static_copy = fetch(base + long_url), fetch(base + static_url)
        on_disk = workdir / "static" / (STATIC_NAME + (".gz" if static_copy[1] == "gzip" else ""))
        if static_copy[0] != 200 or static_copy[2] != on_disk.stat().st_size:
            fail(f"WhiteNoise did not serve {static_url} whole: {static_copy}")
        workers, threads, worker_class = gunicorn_config(env)
        print(
            f"\n== page cache {label} ==\n"
            f"database: {picked['database']}, {picked['speeches']} speeches, {picked['paragraphs']} paragraphs\n"
            f"gunicorn: {workers} workers x {threads} threads ({worker_class}); {args.clients} clients,"
            f" {args.duration} s per phase; /healthz answered {startup:.1f} s after the start\n"
            f"page cache: {'on' if label == 'cached' else 'off (PAGE_CACHE=0)'}{page_cache_note()}\n"
            f"longest speech page: {picked['long_paragraphs']} paragraphs, {page[2]} bytes {page[1] or 'plain'};"
            f" static copy: {static_copy[2]} bytes {static_copy[1] or 'plain'}"
        )

        phases = [("mix", assign(picked["urls"], args.clients))]
        phases.append(("speech-long", [("speech-long", long_url)] * args.clients))
        if static:
            phases.append(("static", [("static", static_url)] * args.clients))
        # One client alone: the time to answer without waiting behind others, what a page costs to make.
        phases.append(("speech-long alone", [("speech-long", long_url)]))
        if static:
            phases.append(("static alone", [("static", static_url)]))
        for name, targets in phases:
            warm(base, [url for _, url in targets])
            since = log_path.stat().st_size
            results, elapsed = hey([base + url for _, url in targets], args.duration, workdir)
            rows = [
                Row(kind, [result for (k, _), result in zip(targets, results, strict=True) if k == kind], elapsed)
                for kind in dict.fromkeys(kind for kind, _ in targets)
            ]
            if name != "mix":
                measured[name] = rows[0]
            # Gunicorn replaces a worker after max_requests: the new one starts with empty caches, and a request
            # sent on a connection the old one kept open waits for it to exit. The count explains a slow phase.
            with open(log_path, "rb") as log:
                log.seek(since)
                restarts = len(set(re.findall(rb"\[(\d+)\] \[INFO\] Autorestarting worker", log.read())))
            print(f"\n{name}, {len(targets)} clients ({elapsed:.1f} s, {restarts} worker restarts):")
            print_rows(rows, Row("all", results, elapsed) if name == "mix" else None)
        if process.poll() is not None:
            fail(f"gunicorn died during the run:\n{log_path.read_text()[-3000:]}")
    return measured


def gunicorn_config(env):
    """Workers, threads and worker class as gunicorn.conf.py computes them in the server's environment."""
    code = (
        "import runpy, json; c = runpy.run_path('gunicorn.conf.py');"
        "print(json.dumps([c['workers'], c['threads'], c['worker_class']]))"
    )
    result = subprocess.run([PYTHON, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def page_cache_note():
    """Say so when the archive's code does not read PAGE_CACHE, so that both runs serve alike."""
    code = [*ROOT.glob("kremlin_archive/**/*.py"), *ROOT.glob("speeches/**/*.py")]
    if any("PAGE_CACHE" in path.read_text() for path in code):
        return ""
    return " (the archive does not read PAGE_CACHE yet: both runs serve alike)"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=60, help="Seconds of load per phase (default 60).")
    parser.add_argument("--clients", type=int, default=32, help="Concurrent clients (default 32).")
    parser.add_argument("--reuse", action="store_true", help="Keep a database that already holds speeches.")
    parser.add_argument("--only", choices=["cached", "uncached"], help="Serve with the page cache on, or off, only.")
    args = parser.parse_args()
    if args.clients < 1 or args.duration < 1:
        parser.error("--clients and --duration must be at least 1")
    if shutil.which("hey") is None:
        fail("the `hey` load generator is not installed; on Debian: apt-get install -y hey")
    if not CORPUS.is_dir():
        fail(f"the corpus is not at {CORPUS}; it is the folder of saved kremlin.ru pages beside the clone.")

    database_url = os.environ.get("DATABASE_URL", "")
    # One directory per database, kept between runs so that --reuse finds the index and static files again.
    key = hashlib.sha256(database_url.encode()).hexdigest()[:8] if database_url else "sqlite"
    workdir = Path(tempfile.gettempdir()) / f"archive-load-bench-{key}"
    if not args.reuse and workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(exist_ok=True)
    print(f"working directory: {workdir}")

    # The server's environment: production settings (DEBUG off) over plain HTTP on the loopback address.
    # Paths and switches this benchmark sets itself are dropped from the caller's environment; the worker
    # counts (WEB_CONCURRENCY, WEB_THREADS), SEARCH_BACKEND and DATABASE_URL pass through.
    ours = {"DEBUG", "VAR_DIR", "SEARCH_INDEX_DIR", "STATIC_ROOT", "PAGE_CACHE", "ALLOWED_HOSTS", "HOST", "PORT"}
    env = {name: value for name, value in os.environ.items() if name not in ours}
    env |= {
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "load-bench",
        "HTTPS": "0",
        "LOG_LEVEL": "ERROR",
        "VAR_DIR": str(workdir),
        "STATIC_ROOT": str(workdir / "static"),
    }
    prepare(env, args.reuse, database_url)
    static_file = workdir / "static" / STATIC_NAME
    picked = json.loads(
        manage(
            env,
            "shell",
            "-c",
            "from urllib.parse import urlencode\n"
            f"SEARCHES = {SEARCHES!r}\nSHORT_SPEECHES = {SHORT_SPEECHES}\nSHORT_PARAGRAPHS = {SHORT_PARAGRAPHS}\n"
            f"STATIC_FILE = {str(static_file)!r}\n" + PICK,
        ).splitlines()[-1]
    )

    measured, static, alone = {}, None, {}
    for label, run_env in [("cached", env), ("uncached", env | {"PAGE_CACHE": "0"})]:
        if args.only in (None, label):
            rows = run(label, run_env, picked, args, workdir, static=static is None)
            measured[label], static = rows["speech-long"], rows.get("static", static)
            alone[label] = rows["speech-long alone"]
            alone.setdefault("static", rows.get("static alone"))

    print()
    if "cached" in measured:
        cached = measured["cached"]
        print(
            f"cached long speech page req/s / static file req/s: {cached.rate:.1f} / {static.rate:.1f}"
            f" = {cached.rate / static.rate:.2f}"
        )
    if "uncached" in measured:
        uncached = measured["uncached"]
        print(
            f"uncached long speech page p50 / static file p50: {uncached.ms(0.5):.1f} ms / {static.ms(0.5):.1f} ms"
            f" = {uncached.ms(0.5) / static.ms(0.5):.1f}"
        )
        one, static_one = alone["uncached"], alone["static"]
        print(
            f"one client: uncached long speech page p50 / static file p50: {one.ms(0.5):.1f} ms"
            f" / {static_one.ms(0.5):.1f} ms = {one.ms(0.5) / static_one.ms(0.5):.1f}"
        )


if __name__ == "__main__":
    main()
