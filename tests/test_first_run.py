"""`make run` on a new checkout, twice, with an editor's change between: the sample arrives once, the change stays.

Each start is the real one: make, migrations, the sample, the index and gunicorn, in a directory of their own.
"""

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEMO = "Video address to"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read().decode()


class Start:
    """One `make run`, until the archive answers: what it printed."""

    def __init__(self, var_dir, port, log):
        # The embedded default, as on a new machine: none of the test run's own database or key.
        env = {name: value for name, value in os.environ.items() if name not in {"DATABASE_URL", "SECRET_KEY"}}
        env.update(VAR_DIR=str(var_dir), PORT=str(port), HTTPS="0")
        self.log = log
        with open(log, "w") as output:
            self.process = subprocess.Popen(
                ["make", "run"], cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
            )
        try:
            self._wait(f"http://127.0.0.1:{port}/healthz")
        except BaseException:
            self.stop()
            raise

    def _wait(self, url, limit=600):
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"make run stopped with {self.process.returncode}:\n{self.printed()[-3000:]}")
            try:
                fetch(url)
                return
            except OSError:
                time.sleep(0.5)
        pytest.fail(f"make run did not answer within {limit} s:\n{self.printed()[-3000:]}")

    def printed(self):
        return Path(self.log).read_text(errors="replace")

    def stop(self):
        # A start that failed may have ended already: its exit, not a missing process, is what the test reports.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=60)


def manage(var_dir, code):
    # From the checkout, with nothing exported: the settings find the local key themselves.
    env = {name: value for name, value in os.environ.items() if name not in {"DATABASE_URL", "SECRET_KEY", "HTTPS"}}
    env["VAR_DIR"] = str(var_dir)
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "manage.py", "shell", "--verbosity", "0", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_make_run_twice_keeps_an_editors_change_and_starts_quickly_the_second_time(tmp_path):
    var_dir, port = tmp_path / "var", free_port()
    first = Start(var_dir, port, tmp_path / "first.log")
    try:
        status, html = fetch(f"http://127.0.0.1:{port}/speeches/2013/04/")
        assert status == 200
        assert "Direct Line with" in html  # from the sample
    finally:
        first.stop()
    assert "The archive was empty: loaded the demo address and the sample transcripts." in first.printed()
    assert "Built the search index of 241 published speech(es)." in first.printed()

    moved = manage(
        var_dir,
        "from speeches.models import Speech, Venue\n"
        f"speech = Speech.objects.get(title__startswith={DEMO!r})\n"
        "speech.venue = Venue.objects.create(name='Sochi, Bocharov Ruchei')\n"
        "speech.save()\n"
        "print(speech.get_absolute_url())",
    )

    second = Start(var_dir, port, tmp_path / "second.log")
    try:
        status, html = fetch(f"http://127.0.0.1:{port}{moved}")
        assert status == 200
        assert "Sochi, Bocharov Ruchei" in html
        # The index followed the change, which it knows only from the drain after the edit, not from a rebuild.
        status, html = fetch(f"http://127.0.0.1:{port}/search/?q=forum&venue=Sochi%2C+Bocharov+Ruchei")
        assert status == 200
        assert DEMO in html
    finally:
        second.stop()
    printed = second.printed()
    assert "The archive holds speeches already: nothing loaded." in printed
    # What makes the second start quick: nothing imported, nothing rebuilt, the index found up to date.
    assert "Building it." not in printed
    assert "Drained 0 queued index update(s).\nThe search index is up to date." in printed
    assert manage(var_dir, "from speeches.models import Speech; print(Speech.objects.count())") == "241"
