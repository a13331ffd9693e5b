"""How heavy a reading page is on a phone: its HTML beyond the transcript text, and the CSS and JS it loads."""

import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils.html import escape

_ASSETS = re.compile(r'<(?:link rel="stylesheet"[^>]*? href|script[^>]*? src)="([^"]+)"')

# The budget a speech page keeps whatever the transcript: markup, panel and citations, then the static files.
HTML_BUDGET = 30 * 1024
ASSET_BUDGET = 50 * 1024


@dataclass(frozen=True)
class PageWeight:
    html_bytes: int
    transcript_bytes: int
    asset_bytes: dict

    @property
    def overhead_bytes(self):
        return self.html_bytes - self.transcript_bytes

    @property
    def total_asset_bytes(self):
        return sum(self.asset_bytes.values())


def measure(html, paragraphs):
    """Weigh a rendered speech page; `paragraphs` are the texts it shows, as they appear escaped in the HTML."""
    transcript = sum(len(escape(text).encode()) for text in paragraphs)
    assets = {}
    for url in _ASSETS.findall(html):
        name = url.removeprefix("/" + settings.STATIC_URL.lstrip("/")).split("?")[0]
        path = finders.find(name)
        if path is None:
            raise FileNotFoundError(f"{url} is linked from the page but is not a static file")
        assets[name] = Path(path).stat().st_size
    return PageWeight(len(html.encode()), transcript, assets)
