"""Write the README's screenshots: the demo address in every colour scheme, at normal and at 200% text size, then
the home page, a Russian address in the Russian interface, the longest address with its contents open, a search
with its chart, and the header on a small screen.

Usage: `.venv/bin/python bench/screenshots.py [OUTPUT_DIR]` (default docs/screenshots). It runs the archive on a
scratch SQLite database holding the sample archive (as `make run` prepares it) and drives Debian's Chromium.
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
LONGEST = "/speeches/2013/04/25/direct-line-with-vladimir-putin/"
SIZES = ("100", "200")
VIEWPORT = {"width": 720, "height": 900}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve_sample(var_dir, port):
    env = {**os.environ, "VAR_DIR": str(var_dir), "DEBUG": "1", "HTTPS": "0", "SECRET_KEY": "screenshots"}
    env.pop("DATABASE_URL", None)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "prepare_archive", "-v", "0"], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
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


def home(page, base):
    page.goto(base + "/")


def russian_address(page, base):
    # A meeting of the sample's Russian addresses, with its speakers and their turns.
    page.goto(base + "/speeches/2025/03/06/")
    page.locator(".speech-item__title a").first.click()
    page.wait_for_load_state()


def long_address_contents(page, base):
    page.goto(base + LONGEST)
    page.locator(".contents__list > summary").click()
    page.locator("nav.contents").scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, -80)")


def search_chart(page, base):
    page.goto(base + "/search/?q=Union+State")


def small_screen_header(page, base):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(base + "/")
    page.get_by_role("button", name="Menu").click()


TOURS = [
    ("home", home),
    ("russian-address", russian_address),
    ("long-address-contents", long_address_contents),
    ("search-chart", search_chart),
    ("small-screen-menu", small_screen_header),
]


def main():
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as var_dir:
        server = serve_sample(var_dir, port)
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
                for name, shoot in TOURS:
                    context = browser.new_context(viewport=VIEWPORT)
                    page = context.new_page()
                    shoot(page, base)
                    path = out / f"{name}.png"
                    page.screenshot(path=path)
                    print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
                    context.close()
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
