"""Corpus export benchmark: speeches per second and peak memory of `export_corpus`, per format, at 1x and 10x.

    .venv/bin/python bench/export.py [--rounds 3]
    DATABASE_URL=postgres://root@127.0.0.1:5432/export_bench .venv/bin/python bench/export.py

The English corpus in ../shared/corpus/kremlin-en-html is imported into a throwaway SQLite database (or the
PostgreSQL database DATABASE_URL names, which is emptied), then enlarged to ten times its size with nine shifted
copies of every speech (as bench/search.py does). Each export runs as its own `manage.py export_corpus` process
writing to a temporary file, inside a small Python parent that reports the child's peak resident memory; the rate
is the speeches written over the wall time, median and p95 over the rounds. Memory that stays flat from 1x to 10x
is what streaming promises: the last line prints the ratio of the peaks.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

from _setup import ROOT, percentile, setup_django

FORMATS = ["jsonl", "csv", "tei"]
# The child's peak resident set, as the kernel counts it (kilobytes on Linux), printed by a parent of its own:
# RUSAGE_CHILDREN in this process would be the largest of all the exports so far.
MEASURE = (
    "import resource, subprocess, sys\n"
    "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)


def export(file_format, output):
    command = [sys.executable, str(ROOT / "manage.py"), "export_corpus", "--format", file_format, "--output", output]
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, cwd=ROOT, env=os.environ
    )
    elapsed = time.perf_counter() - started
    if result.returncode:
        sys.exit(f"export_corpus --format {file_format} failed:\n{result.stderr[-2000:]}")
    return elapsed, int(result.stdout.strip()) / 1024


def measure(label, rounds, count):
    print(f"\n{label}: {count} speeches")
    print(f"  {'format':8} {'speeches/s median':>18} {'p95 time s':>11} {'peak MB':>8} {'file MB':>8}")
    peaks = {}
    with tempfile.TemporaryDirectory() as scratch:
        for file_format in FORMATS:
            output = os.path.join(scratch, f"corpus.{file_format}")
            runs = [export(file_format, output) for _ in range(rounds)]
            times = [elapsed for elapsed, _ in runs]
            peaks[file_format] = max(peak for _, peak in runs)
            size = os.path.getsize(output) / 1024 / 1024
            print(
                f"  {file_format:8} {count / statistics.median(times):18.1f} {percentile(times, 0.95):11.2f}"
                f" {peaks[file_format]:8.1f} {size:8.1f}"
            )
    return peaks


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="Exports per format and size (default 3).")
    args = parser.parse_args()
    os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="export-bench-"))
    setup_django()
    from _corpus import enlarge, load_corpus

    from speeches.models import Speech

    load_corpus()
    one = measure("1x", args.rounds, Speech.objects.published().count())
    enlarge()
    ten = measure("10x", args.rounds, Speech.objects.published().count())
    print("\npeak memory 10x / 1x: " + ", ".join(f"{f} {ten[f] / one[f]:.2f}" for f in FORMATS))


if __name__ == "__main__":
    main()
