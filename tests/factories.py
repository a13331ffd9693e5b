"""Small builders for test data: real model instances, saved through the ORM."""

import datetime
import itertools

from speeches.models import Paragraph, Speaker, Speech, Venue

_counter = itertools.count(1)


def make_speaker(name="Vladimir Putin", role="President of Russia", **fields):
    return Speaker.objects.create(name=name, role=role, **fields)


def make_venue(name="The Kremlin, Moscow", **fields):
    return Venue.objects.create(name=name, **fields)


def make_speech(
    title=None,
    date=datetime.date(2023, 6, 28),
    *,
    status=Speech.Status.PUBLISHED,
    paragraphs=(),
    speaker=None,
    **fields,
):
    """Create a speech; paragraphs are texts, or (label, text) pairs that start a turn of `speaker`."""
    n = next(_counter)
    speech = Speech.objects.create(
        title=title or f"Address number {n}",
        date=date,
        status=status,
        source_id=fields.pop("source_id", f"test-{n}"),
        source_url=fields.pop("source_url", f"http://en.kremlin.ru/events/president/news/{n}"),
        **fields,
    )
    rows = []
    for position, item in enumerate(paragraphs, start=1):
        label, text = item if isinstance(item, tuple) else ("", item)
        rows.append(Paragraph(speech=speech, position=position, speaker=speaker, speaker_label=label, text=text))
    Paragraph.objects.bulk_create(rows)
    if speaker:
        speech.speakers.add(speaker)
    return speech
