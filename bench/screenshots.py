"""Write screenshots of the demo address in every colour scheme, at normal and at 200% text size.

Usage: `.venv/bin/python bench/screenshots.py [OUTPUT_DIR]` (default docs/screenshots). It runs the archive on a
scratch SQLite database holding fixtures/demo.json and drives Debian's Chromium.
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from speeches import reading  # noqa: E402
from tests.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

SPEECH = "/speeches/2023/06/28/video-address-to-the-final-session-of-the-10th-forum-of-russian-and-belarusian-regions/"
SIZES = ("100", "200")
VIEWPORT = {"width": 720, "height": 900}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve_demo(var_dir, port):
    env = {**os.environ, "VAR_DIR": str(var_dir), "DEBUG": "1", "HTTPS": "0", "SECRET_KEY": "screenshots"}
    env.pop("DATABASE_URL", None)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*manage, "loaddata", "fixtures/demo.json", "-v", "0"], env=env, check=True, cwd=ROOT)
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise RuntimeError("the archive did not start")


def main():
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as var_dir:
        server = serve_demo(var_dir, port)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for colours in reading.BY_NAME["colours"].values:
                    for size in SIZES:
                        context = browser.new_context(viewport=VIEWPORT)
                        value = reading.cookie_value({**reading.DEFAULTS, "colours": colours, "size": size})
                        if value:
                            context.add_cookies([{"name": reading.COOKIE_NAME, "value": value, "url": base}])
                        page = context.new_page()
                        page.goto(base + SPEECH)
                        path = out / f"speech-{colours}-{size}.png"
                        page.screenshot(path=path)
                        print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
                        context.close()
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
