"""Read plain-text transcripts, such as a kremlin.ru page copied from a browser.

Site chrome at the top ("View settings", "Font size:", "Official website of the President of Russia",
"News /") is dropped; the title is the line before the first line that is only a date ("June 28, 2023"),
the paragraphs follow it, and a closing repeat of the date line is dropped. Paragraphs are separated by blank
lines (or by line breaks when the text has no blank line). A paragraph opening with "Name: " starts a turn when
the name has the shape of a speaker label (short, capitalised, name-like) or is a speaker the archive knows.

The same form holds a transcript's body for editing (`transcript_text`, `read_transcript`): a paragraph per
block, "## " before a heading, "(…)" for a stage direction, "* * *" for a separator, and a backslash before a
paragraph that would otherwise read as one of these or as the start of a turn.
"""

import re

from speeches.models import Paragraph, label_key, normalize_label

from .base import (
    ParsedParagraph,
    ParsedSpeech,
    ParseError,
    decode,
    find_date,
    guess_kind,
    guess_language,
    is_separator,
    is_stage_direction,
    parse_time,
)
from .speakers import ANONYMOUS_WORDS, NAME_CONNECTORS

_CHROME = {
    label_key(line)
    for line in [
        "View settings",
        "Font size",
        "Site colours",
        "Site colors",
        "Image display",
        "Official website of the President of Russia",
        "President of Russia",
        "Text version",
        "Normal version",
        "Events",
        "News",
        "Transcripts",
        "Президент России",
        "Официальный сайт Президента России",
        "Настройки отображения",
        "Размер шрифта",
        "Цвета сайта",
        "Текстовая версия",
        "События",
        "Новости",
        "Стенограммы",
    ]
}
_DATE_LINE = re.compile(
    r"^(?:[A-Z][a-z]+\s+\d{1,2},\s*\d{4}|\d{1,2}\s+[а-яё]+\s+\d{4}(?:\s+года)?)(?:,?\s+\d{1,2}:\d{2})?$",
    re.IGNORECASE,
)
_TIME_LINE = re.compile(r"^\d{1,2}:\d{2}$")
_TURN = re.compile(r"^(?P<label>[^:\n]{1,300}?)[ \u00a0]*:[ \u00a0\t]+(?P<text>\S.*)$", re.DOTALL)
_BLANK_LINE = re.compile(r"\n[ \t\u00a0]*\n")
_LABEL_PUNCTUATION = re.compile(r"[!?;\"«»“”„]|\w{4,}\.\s")
_MAX_LABEL_WORDS = 16


def read(data, *, name="", known_label=None):
    """Turn a plain-text transcript into a ParsedSpeech; `known_label(label)` says whether a speaker is known."""
    text = decode(data).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ParseError("The file is empty.")
    lines = text.split("\n")
    blocks = _blocks(lines)
    if not blocks:
        raise ParseError("The file is empty.")

    date, time, title, body = None, None, "", blocks
    for index, block in enumerate(blocks):
        if _DATE_LINE.match(normalize_label(block)):
            date = find_date(block)
            if date is None:
                continue
            time = parse_time(block)
            heading = [b for b in blocks[:index] if not _is_chrome(b)]
            title = heading[-1] if heading else ""
            body = blocks[index + 1 :]
            break
    else:
        heading = [b for b in blocks if not _is_chrome(b)]
        if heading:
            title, body = heading[0], blocks[blocks.index(heading[0]) + 1 :]

    if body and time is None and _TIME_LINE.match(body[0].strip()):
        time, body = parse_time(body[0]), body[1:]
    while body and (_DATE_LINE.match(normalize_label(body[-1])) or _is_chrome(body[-1])):
        body = body[:-1]
    if not title:
        raise ParseError("No title found: the transcript should start with its title.")

    paragraphs = [_paragraph(block, known_label) for block in body]
    return ParsedSpeech(
        title=title,
        date=date,
        time=time,
        kind=guess_kind(title),
        language=guess_language(text),
        paragraphs=[p for p in paragraphs if p.text or p.speaker_label],
    )


def _blocks(lines):
    text = "\n".join(line.rstrip() for line in lines)
    if _BLANK_LINE.search(text.strip()):
        parts = _BLANK_LINE.split(text)
        # Lines within a block are wrapping.
        return [" ".join(line.strip() for line in part.split("\n") if line.strip()) for part in parts if part.strip()]
    return [line.strip() for line in lines if line.strip()]


def _is_chrome(block):
    key = label_key(block)
    return key in _CHROME or key.endswith(" /") or key == "/" or key.startswith("news /")


HEADING_MARK = "## "
LITERAL_MARK = "\\"


def transcript_text(paragraphs, known_label=None):
    """Write paragraphs in the plain-text form that `read_transcript` reads back as the same paragraphs."""
    blocks = []
    for paragraph in paragraphs:
        if paragraph.kind == Paragraph.Kind.SEPARATOR:
            blocks.append("* * *")
            continue
        if paragraph.kind == Paragraph.Kind.HEADING:
            blocks.append(HEADING_MARK + paragraph.text)
            continue
        block = f"{paragraph.speaker_label}: {paragraph.text}" if paragraph.speaker_label else paragraph.text
        read_back = _paragraph(block, known_label)
        if (read_back.kind, read_back.speaker_label, read_back.text) != (
            paragraph.kind,
            paragraph.speaker_label,
            paragraph.text,
        ):
            block = LITERAL_MARK + block
        blocks.append(block)
    return "\n\n".join(blocks) + "\n"


def read_transcript(text, known_label=None):
    """Read a transcript body written by `transcript_text` (or typed in its form) into ParsedParagraphs."""
    text = decode(text).replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = [_paragraph(block, known_label) for block in _blocks(text.split("\n"))]
    return [p for p in paragraphs if p.text or p.speaker_label]


def _paragraph(block, known_label):
    if block.startswith(LITERAL_MARK):
        return ParsedParagraph(text=block[len(LITERAL_MARK) :].lstrip())
    if block.startswith(HEADING_MARK):
        return ParsedParagraph(text=block[len(HEADING_MARK) :].strip(), kind=Paragraph.Kind.HEADING)
    if is_separator(block):
        return ParsedParagraph(text="* * *", kind=Paragraph.Kind.SEPARATOR)
    if is_stage_direction(block):
        return ParsedParagraph(text=block, kind=Paragraph.Kind.STAGE)
    match = _TURN.match(block)
    if match:
        label = match["label"].strip(" \t")
        if looks_like_label(label) or (known_label is not None and known_label(label)):
            return ParsedParagraph(text=match["text"].strip(" \t"), speaker_label=label)
    return ParsedParagraph(text=block)


def looks_like_label(label):
    """Whether text before a colon has the shape of a speaker label: short, capitalised and name-like."""
    label = normalize_label(label)
    words = label.split(" ")
    if not label or len(label) > 150 or len(words) > _MAX_LABEL_WORDS or not label[0].isupper():
        return False
    if _LABEL_PUNCTUATION.search(label):
        return False
    if label_key(words[0]).strip("()") in ANONYMOUS_WORDS:
        return True
    cyrillic = bool(re.search(r"[а-яё]", label, re.IGNORECASE))
    last = words[-1].strip("()")
    if not last[:1].isupper():
        return False
    for word in words:
        bare = word.strip("(),–—-")
        if not bare or bare[:1].isupper() or bare[:1].isdigit() or bare.casefold() in NAME_CONNECTORS:
            continue
        if cyrillic:
            # Russian roles are written in lower case ("Министр иностранных дел Сергей Лавров").
            continue
        return False
    return True
