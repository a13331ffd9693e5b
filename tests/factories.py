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


def add_paragraph(speech, position, text, speaker=None, label="", kind=Paragraph.Kind.SPEECH):
    return Paragraph.objects.create(
        speech=speech, position=position, text=text, speaker=speaker, speaker_label=label, kind=kind
    )


def make_direct_line(putin, date=datetime.date(2023, 6, 28), **fields):
    """A question-and-answer session of 60 paragraphs: `putin` answers two moderators and six callers.

    The questions open paragraphs 1, 4, …, 58; the moderators ask the first 14, the callers (no Speaker) the rest.
    """
    speech = make_speech("Direct Line", date, speaker=putin, **fields)
    moderators = [Speaker.objects.create(name=name) for name in ("Kirill Kleimenov", "Maria Sittel")]
    callers = [f"Caller {n}" for n in range(1, 7)]
    position = 0
    for n in range(20):
        who = moderators[n % 2] if n < 14 else None
        label = who.name if who else callers[n - 14]
        add_paragraph(
            speech, position := position + 1, f"Question number {n} about the harvest and the roads.", who, label
        )
        add_paragraph(speech, position := position + 1, f"Answer {n}.", putin, "Vladimir Putin")
        add_paragraph(speech, position := position + 1, f"More of answer {n}.", putin)
    return speech
