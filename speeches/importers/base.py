"""The plain structure every reader produces and the writer saves."""

import datetime
import hashlib
import re
from dataclasses import dataclass, field

from speeches.models import CYRILLIC, Paragraph, Speech, normalize_label

# Collapse the whitespace a browser collapses; non-breaking spaces are kept as printed.
_COLLAPSIBLE = re.compile(r"[ \t\r\n\f\v]+")


class ParseError(Exception):
    """The source cannot be read as a transcript; the message says why, for the editor."""


@dataclass
class ParsedParagraph:
    text: str
    speaker_label: str = ""
    kind: str = Paragraph.Kind.SPEECH
    # Only the archive's own JSON names the speaker outright; other formats are attributed from their labels.
    speaker: str | None = None


@dataclass
class ParsedTag:
    """A topic, place or person the source files an address under, with its entry in the source's catalogue."""

    name: str
    catalogue: str = ""  # the source's kind of entry: "keywords", "countries", "regions" or "persons"
    catalogue_id: str = ""  # "82", "AM", "CR", "110": the entry's address in that catalogue
    # Several names the source printed run together, without a mark between them: split against the known names.
    joined: bool = False
    slug: str = ""  # the archive's own JSON names a tagged person's speaker by slug
    # The archive's own JSON gives a topic's or a place's name in each language it knows: {"en": …, "ru": …}.
    names: dict[str, str] = field(default_factory=dict)

    def __str__(self):
        return self.name


@dataclass
class ParsedSpeaker:
    name: str
    role: str = ""
    slug: str = ""
    aliases: list[str] = field(default_factory=list)


@dataclass
class ParsedSpeech:
    title: str
    date: datetime.date | None
    time: datetime.time | None = None
    kind: str = ""
    venue: str = ""
    venue_city: str = ""
    venue_region: str = ""
    language: str = ""
    lead: str = ""
    source_url: str = ""
    source_id: str = ""
    slug: str = ""
    status: str = ""
    translation_url: str = ""
    translation_id: str = ""
    sections: list[str] = field(default_factory=list)
    # The source's tag lists by their heading as printed ("Geography", "Topics", "Persons").
    # None where the source says nothing of tags (a plain text); {} where it files the address under none.
    tags: dict[str, list[ParsedTag]] | None = None
    paragraphs: list[ParsedParagraph] = field(default_factory=list)
    # Filled by the archive's own JSON: paragraphs then carry `speaker` and are attributed as given.
    speakers: list[ParsedSpeaker] | None = None
    # Where in the file the speech came from ("row 12", "line 3"), for reports.
    where: str = ""

    @property
    def explicitly_attributed(self):
        return self.speakers is not None


@dataclass
class Rejected:
    """A record of a file that was not imported, and why."""

    reason: str
    where: str = ""
    failed: bool = False


def collapse(text):
    return _COLLAPSIBLE.sub(" ", text or "").strip()


_SEPARATOR = re.compile(r"^(?:\*[\s\u00a0]*){2,}$")
_STAGE_DIRECTION = re.compile(r"^\(.*\)$", re.DOTALL)


def is_separator(text):
    """Whether a paragraph is a "* * *" separator."""
    return bool(_SEPARATOR.match(text.strip()))


def is_stage_direction(text):
    """Whether a paragraph is only a parenthesis, such as "(Applause.)"."""
    return bool(_STAGE_DIRECTION.match(text.strip()))


def text_source_id(date, title):
    """Identify a transcript that has no source address by its day and title."""
    digest = hashlib.sha256(f"{date.isoformat()} {normalize_label(title).casefold()}".encode()).hexdigest()
    return f"text:{digest[:16]}"


_KINDS = [
    (Speech.Kind.NEWS_CONFERENCE, r"news conference|press conference|direct line|пресс-конференц|прямая линия"),
    (Speech.Kind.INTERVIEW, r"interview|интервью"),
    (Speech.Kind.ADDRESS, r"\baddress|обращени|послание"),
    (Speech.Kind.MESSAGE, r"\bmessage|greeting|congratulat|condolence|telegram|поздравлени|приветстви|соболезновани"),
    (Speech.Kind.STATEMENT, r"statement|заявлени"),
    (Speech.Kind.SPEECH, r"\bspeech|remarks|\blecture|выступлени|речь"),
    (
        Speech.Kind.MEETING,
        r"\bmeet|talks|conversation|session|conference|forum|summit|visit|council|ceremony|discussion|"
        r"встреча|совещани|переговоры|заседани|беседа|визит|форум|саммит|совет",
    ),
]
_KIND_PATTERNS = [(kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in _KINDS]


def guess_kind(title):
    """Guess what sort of address a title announces; the first matching word wins, in the order above."""
    for kind, pattern in _KIND_PATTERNS:
        if pattern.search(title or ""):
            return kind
    return Speech.Kind.OTHER


_LATIN = re.compile(r"[a-z]", re.IGNORECASE)


def guess_language(text):
    sample = text[:5000]
    return Speech.Language.RUSSIAN if len(CYRILLIC.findall(sample)) > len(_LATIN.findall(sample)) else "en"


def decode(data):
    """Decode bytes as UTF-8, replacing invalid bytes rather than failing on them."""
    if isinstance(data, str):
        return data.lstrip("\ufeff")
    return data.decode("utf-8", errors="replace").lstrip("\ufeff")


def _numbered(names):
    return {name: number for number, name in enumerate(names.split(), start=1)}


_MONTHS_EN = _numbered("january february march april may june july august september october november december")
_DATE_EN = re.compile(r"\b(" + "|".join(_MONTHS_EN) + r")\s+(\d{1,2}),\s*(\d{4})\b", re.IGNORECASE)
_MONTHS_RU = _numbered("января февраля марта апреля мая июня июля августа сентября октября ноября декабря")
_DATE_RU = re.compile(r"\b(\d{1,2})\s+(" + "|".join(_MONTHS_RU) + r")\s+(\d{4})(?:\s+года)?", re.IGNORECASE)


def find_date(text):
    """Return the first date written out in English ("June 28, 2023") or Russian ("8 мая 2025 года")."""
    text = (text or "").replace("\xa0", " ")
    for match in _DATE_EN.finditer(text):
        try:
            return datetime.date(int(match[3]), _MONTHS_EN[match[1].lower()], int(match[2]))
        except ValueError:
            continue
    for match in _DATE_RU.finditer(text):
        try:
            return datetime.date(int(match[3]), _MONTHS_RU[match[2].lower()], int(match[1]))
        except ValueError:
            continue
    return None


def parse_time(text):
    match = re.search(r"\b([01]?\d|2[0-3]):([0-5]\d)\b", text or "")
    return datetime.time(int(match[1]), int(match[2])) if match else None
