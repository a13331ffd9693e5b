"""Print the weight of speech pages: HTML beyond the transcript text, and the CSS and JS they load.

Run after `make setup` (the demo address is loaded): `.venv/bin/python bench/reading_weight.py`.
Longer speeches are built inside a transaction that is rolled back, so the database is left as it was.
"""

import datetime
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kremlin_archive.settings")
os.environ.setdefault("HTTPS", "0")
if not os.environ.get("SECRET_KEY"):
    key_file = Path(__file__).resolve().parents[1] / "var" / "secret_key"
    os.environ["SECRET_KEY"] = key_file.read_text().strip() if key_file.exists() else "bench"

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from speeches import page_weight  # noqa: E402
from speeches.models import Paragraph, Speaker, Speech  # noqa: E402

PLAIN_STATIC = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


class Rollback(Exception):
    pass


def weigh(client, speech):
    response = client.get(speech.get_absolute_url(), HTTP_HOST="localhost")
    assert response.status_code == 200, response.status_code
    return page_weight.measure(response.content.decode(), [p.text for p in speech.paragraphs.all()])


def line(label, paragraphs, weight):
    per_paragraph = weight.overhead_bytes / paragraphs if paragraphs else 0
    assets = ", ".join(f"{name} {size}" for name, size in sorted(weight.asset_bytes.items()))
    print(
        f"{label:<20} paragraphs {paragraphs:>4}  html {weight.html_bytes:>7} B"
        f"  transcript {weight.transcript_bytes:>7} B"
        f"  html beyond transcript {weight.overhead_bytes:>6} B (budget {page_weight.HTML_BUDGET})"
        f"  ~{per_paragraph:.0f} B/paragraph"
    )
    print(f"{'':<20} css+js {weight.total_asset_bytes} B (budget {page_weight.ASSET_BUDGET}): {assets}")


def main():
    client = Client()
    client.cookies["reading"] = "size:200|colours:white-black"
    with override_settings(STORAGES=PLAIN_STATIC, ALLOWED_HOSTS=["localhost"]):
        demo = Speech.objects.published().filter(source_id__startswith="text:").first()
        if demo is not None:
            line("demo address", demo.paragraphs.count(), weigh(client, demo))
        weights = {}
        try:
            with transaction.atomic():
                speaker = Speaker.objects.create(name="Bench Speaker", slug="bench-speaker-weight")
                for count in (100, 300, 500):
                    speech = Speech.objects.create(
                        title=f"Bench address of {count} paragraphs",
                        date=datetime.date(1999, 1, 1),
                        status=Speech.Status.PUBLISHED,
                        source_id=f"bench-weight-{count}",
                    )
                    Paragraph.objects.bulk_create(
                        Paragraph(
                            speech=speech,
                            position=n,
                            speaker=speaker,
                            speaker_label="Bench Speaker" if n % 6 == 1 else "",
                            text=f"Sentence {n} of a long answer about the economy and the regions. " * 4,
                        )
                        for n in range(1, count + 1)
                    )
                    weights[count] = weigh(client, speech)
                    line("synthetic address", count, weights[count])
                raise Rollback
        except Rollback:
            pass
        per_paragraph = (weights[500].overhead_bytes - weights[100].overhead_bytes) / 400
        fixed = weights[100].overhead_bytes - 100 * per_paragraph
        print(
            f"markup beyond transcript text: {fixed:.0f} B once per page + {per_paragraph:.0f} B per paragraph;"
            f" the {page_weight.HTML_BUDGET} B budget holds up to"
            f" {(page_weight.HTML_BUDGET - fixed) / per_paragraph:.0f} paragraphs"
        )


if __name__ == "__main__":
    main()
