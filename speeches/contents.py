"""Finding one's way in a long transcript: its contents, and who speaks in it and how much.

The contents come from the transcript's headings; a transcript without headings (a press conference, a "Direct
Line") is a string of questions and answers, and its contents are then the turns of everyone but the main speaker,
each named by its speaker and first words.
"""

import collections
from dataclasses import dataclass

from .models import Paragraph

# From this many paragraphs a transcript gets contents and a way to go to a paragraph by its number.
LONG = 40
# A contents entry quotes the first words of a turn.
OPENING_WORDS = 12
# The speakers named at once in the summary; the others are one click away.
NAMED_SPEAKERS = 5


@dataclass(frozen=True)
class Entry:
    position: int
    label: str
    text: str


@dataclass(frozen=True)
class Voice:
    key: tuple  # who speaks, as _who gives it
    speaker: object  # the Speaker, or None for a turn known only by its label
    name: str
    turns: int


def turns(paragraphs):
    """The paragraphs that start a turn: the first of each run by one speaker, stage directions aside."""
    starts, previous = [], None
    for paragraph in paragraphs:
        if paragraph.kind != Paragraph.Kind.SPEECH or not paragraph.speaker_label:
            continue
        who = _who(paragraph)
        if who != previous:
            starts.append(paragraph)
            previous = who
    return starts


def voices(paragraphs):
    """Who speaks, by number of turns, most first: the main speaker leads."""
    counted = collections.Counter()
    first = {}
    for paragraph in turns(paragraphs):
        who = _who(paragraph)
        counted[who] += 1
        first.setdefault(who, paragraph)
    order = sorted(counted, key=lambda who: (-counted[who], first[who].position))
    return [
        Voice(who, first[who].speaker if first[who].speaker_id else None, _name(first[who]), counted[who])
        for who in order
    ]


def contents(paragraphs, speaking):
    """The entries of a long transcript's contents, `speaking` being its voices; none for a short one."""
    if len(paragraphs) < LONG:
        return []
    headings = [paragraph for paragraph in paragraphs if paragraph.kind == Paragraph.Kind.HEADING]
    if headings:
        return [Entry(paragraph.position, "", paragraph.text) for paragraph in headings]
    if len(speaking) < 2:
        return []
    main = speaking[0].key
    return [
        Entry(paragraph.position, _name(paragraph), _opening(paragraph.text))
        for paragraph in turns(paragraphs)
        if _who(paragraph) != main
    ]


def _who(paragraph):
    # A speaker known to the archive is one voice under any label; an unknown one is known by the label alone.
    return (paragraph.speaker_id, "") if paragraph.speaker_id else (None, paragraph.speaker_label)


def _name(paragraph):
    return paragraph.speaker.name if paragraph.speaker_id else paragraph.speaker_label


def _opening(text):
    words = text.split()
    return " ".join(words[:OPENING_WORDS]) + ("…" if len(words) > OPENING_WORDS else "")
