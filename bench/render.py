"""Time the whole request for the home page, a month archive and a 500-paragraph speech page.

Run with `make bench` or `.venv/bin/python bench/render.py [--repeat N]`. Uses a throwaway SQLite database
unless DATABASE_URL is set (then it writes benchmark rows into that database: use a scratch one).
"""

import argparse
import datetime
import time

from _setup import describe, setup_django


def build_archive(speeches_per_month=40, months=12):
    from speeches.models import Paragraph, Speaker, Speech, Venue

    putin = Speaker.objects.create(name="Vladimir Putin", role="President of Russia")
    venues = [Venue.objects.create(name=f"Venue {n}") for n in range(10)]
    speeches = []
    for month in range(1, months + 1):
        for n in range(speeches_per_month):
            speeches.append(
                Speech(
                    title=f"Meeting number {month}-{n}",
                    slug=f"meeting-{month}-{n}",
                    date=datetime.date(2023, month, 1 + n % 28),
                    time=datetime.time(10 + n % 8, 0),
                    venue=venues[n % 10],
                    status=Speech.Status.PUBLISHED,
                    source_id=f"{month}-{n}",
                )
            )
    Speech.objects.bulk_create(speeches)
    Speech.speakers.through.objects.bulk_create(
        Speech.speakers.through(speech_id=s.pk, speaker_id=putin.pk) for s in Speech.objects.all()
    )
    long = Speech.objects.create(
        title="Direct Line", date=datetime.date(2023, 6, 28), status=Speech.Status.PUBLISHED, source_id="long"
    )
    long.speakers.add(putin)
    sentence = "Russia and Belarus are doing their best to ensure the stable operation of their economies. " * 4
    Paragraph.objects.bulk_create(
        Paragraph(
            speech=long,
            position=n,
            speaker=putin,
            speaker_label="Vladimir Putin" if n % 5 == 1 else "",
            text=f"{n}. {sentence}",
        )
        for n in range(1, 501)
    )
    return long


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    setup_django()
    from django.test import Client

    long = build_archive()
    client = Client(HTTP_HOST="127.0.0.1")
    pages = [
        ("home page /", "/"),
        ("month archive /speeches/2023/06/", "/speeches/2023/06/"),
        ("500-paragraph speech page", long.get_absolute_url()),
    ]
    print(f"Rendering benchmark: {args.repeat} requests each, whole Django request through the test client")
    for name, url in pages:
        for _ in range(5):  # warm caches and connections
            assert client.get(url).status_code == 200, url
        timings = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - start)
            assert response.status_code == 200
        print(describe(name, timings))


if __name__ == "__main__":
    main()
