"""Start-up benchmark: how long `make run` takes until the archive answers, on a new directory and then again.

    .venv/bin/python bench/first_run.py [--restarts 5]

`make run` starts in a throwaway VAR_DIR (SQLite, a local index, the sample archive) on a free port; the time is
taken from the start of `make` until /healthz answers. The first start imports the sample and builds the index;
each later start, the figure a returning user sees, finds the archive and index as they were left. Printed: the
first start, then the median and p95 of the later ones.
"""

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(var_dir, port, log):
    """Run `make run` until it answers; return the seconds that took, the server still running."""
    env = {name: value for name, value in os.environ.items() if name not in {"DATABASE_URL", "SECRET_KEY"}}
    env.update(VAR_DIR=str(var_dir), PORT=str(port), HTTPS="0", ACCESS_LOG="/dev/null")
    started = time.perf_counter()
    process = subprocess.Popen(
        ["make", "run"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    while True:
        if process.poll() is not None:
            sys.exit(f"make run stopped with {process.returncode}; see {log.name}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5):
                return time.perf_counter() - started, process
        except OSError:
            time.sleep(0.1)


def stop(process):
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=60)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--restarts", type=int, default=5, help="Later starts to time (default 5).")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="archive-first-run-"))
    try:
        port = free_port()
        with open(workdir / "make.log", "w") as log:
            first, process = start(workdir / "var", port, log)
            stop(process)
            later = []
            for _ in range(args.restarts):
                seconds, process = start(workdir / "var", port, log)
                stop(process)
                later.append(seconds)
        later.sort()
        p95 = later[min(len(later) - 1, round(0.95 * (len(later) - 1)))]
        print(f"first start (import the sample, build the index): {first:.1f} s")
        print(f"later starts ({len(later)}): median {statistics.median(later):.1f} s, p95 {p95:.1f} s")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
