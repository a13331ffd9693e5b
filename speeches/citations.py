"""
Citations of a speech or of one paragraph in APA (7th), Chicago (17th, bibliography), MLA (9th) and BibTeX.

A transcript with a source is cited as its original publisher put it out (site, date, address), and the archive's
permanent link, down to the paragraph, as where it was read; one without a source is cited from the archive.
Month names are spelled out here rather than taken from the active locale: a citation style fixes them.
"""

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.utils import translation
from django.utils.html import format_html

ARCHIVE_NAME = "Speech archive"
# The names the source sites publish under, as their pages' titles give them; any other site goes by its host.
SOURCE_SITES = {"en.kremlin.ru": "President of Russia", "kremlin.ru": "Президент России"}

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
# MLA abbreviates months longer than four letters.
MLA_MONTHS = ["Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]
BIBTEX_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

_SPACES = re.compile(r"\s+")
_BIBTEX_SPECIAL = re.compile(r"([&%$#_{}])")


@dataclass(frozen=True)
class Name:
    given: str
    family: str

    @classmethod
    def parse(cls, full_name):
        parts = plain(full_name).split(" ")
        return cls(" ".join(parts[:-1]), parts[-1])

    @property
    def inverted(self):
        return f"{self.family}, {self.given}" if self.given else self.family

    @property
    def natural(self):
        return f"{self.given} {self.family}".strip()

    @property
    def initials(self):
        initials = " ".join(f"{part[0]}." for part in re.split(r"[\s]+", self.given) if part)
        return f"{self.family}, {initials}" if initials else self.family


@dataclass(frozen=True)
class Citation:
    style: str
    text: str


def plain(text):
    """Fold non-breaking spaces and runs of whitespace to single spaces, as a reference list needs."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text or "")).strip()


def _sentence(text):
    return text if text.endswith((".", "?", "!")) else f"{text}."


def _apa_authors(names):
    if not names:
        return ""
    if len(names) == 1:
        return names[0].initials
    return ", ".join(name.initials for name in names[:-1]) + f", & {names[-1].initials}"


def _chicago_authors(names):
    if not names:
        return ""
    if len(names) > 3:
        return f"{names[0].inverted}, et al"
    rest = [name.natural for name in names[1:]]
    if not rest:
        return names[0].inverted
    if len(rest) == 1:
        return f"{names[0].inverted}, and {rest[0]}"
    return f"{names[0].inverted}, " + ", ".join(rest[:-1]) + f", and {rest[-1]}"


def _mla_authors(names):
    if not names:
        return ""
    if len(names) == 1:
        return names[0].inverted
    if len(names) == 2:
        return f"{names[0].inverted}, and {names[1].natural}"
    return f"{names[0].inverted}, et al"


def _bibtex_escape(text):
    return _BIBTEX_SPECIAL.sub(r"\\\1", text)


def _bibtex_key(names, speech, paragraph):
    first_word = next((w for w in re.findall(r"[a-z0-9]+", _ascii(plain(speech.title)).lower()) if len(w) > 3), "")
    who = re.sub(r"[^a-z0-9]", "", _ascii(names[0].family).lower()) if names else ""
    key = f"{who or 'speech'}{speech.date.year}{first_word}"
    return f"{key}_p{paragraph.position}" if paragraph else key


def source_site(url):
    """The name of the site that published a source address, or "" when there is none."""
    host = (urlsplit(url).hostname or "").removeprefix("www.") if url else ""
    return SOURCE_SITES.get(host, host)


def _ascii(text):
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def cite(speech, speakers, url, accessed, paragraph=None):
    """Return the citations of `speech` (or of one of its paragraphs) as read at `url`, the archive's address.

    `speakers` are the people the citation names as authors; `accessed` is the date the reader consulted it.
    """
    names = [Name.parse(speaker.name) for speaker in speakers]
    title = plain(speech.title)
    # A reference is written in the style's own language, whatever language the page around it speaks.
    with translation.override("en"):
        kind = speech.get_kind_display()
    date = speech.date
    venue = plain(speech.venue.name) if speech.venue else ""
    if paragraph:
        url = f"{url}#{paragraph.anchor}"
    site = source_site(speech.source_url)
    source = speech.source_url if site else ""

    apa_date = f"{date.year}, {MONTHS[date.month - 1]} {date.day}"
    apa_bracket = f"Transcript of {kind.lower()}" + (f", paragraph {paragraph.position}" if paragraph else "")
    apa_accessed = f"{MONTHS[accessed.month - 1]} {accessed.day}, {accessed.year}"
    if source:
        apa_where = format_html("{}. {}. Retrieved {}, from {}: {}", site, source, apa_accessed, ARCHIVE_NAME, url)
    else:
        apa_where = format_html("{}. Retrieved {}, from {}", ARCHIVE_NAME, apa_accessed, url)
    if names:
        apa = format_html(
            "{} ({}). <i>{}</i> [{}]. {}", _sentence(_apa_authors(names)), apa_date, title, apa_bracket, apa_where
        )
    else:
        apa = format_html("<i>{}</i> [{}]. ({}). {}", title, apa_bracket, apa_date, apa_where)

    chicago_date = f"{MONTHS[date.month - 1]} {date.day}, {date.year}"
    chicago_accessed = f"{MONTHS[accessed.month - 1]} {accessed.day}, {accessed.year}"
    chicago_part = f"par. {paragraph.position}" if paragraph else ""
    chicago_event = ", ".join(part for part in (kind, venue, chicago_date, chicago_part) if part)
    if source:
        chicago_where = format_html(
            "{}. {}. Accessed {}, via {}, {}.", site, source, chicago_accessed, ARCHIVE_NAME, url
        )
    else:
        chicago_where = format_html("{}. Accessed {}. {}.", ARCHIVE_NAME, chicago_accessed, url)
    chicago = format_html(
        "{}“{}.” {}. {}",
        f"{_sentence(_chicago_authors(names))} " if names else "",
        title.rstrip("."),
        chicago_event,
        chicago_where,
    )

    mla_date = f"{date.day} {MLA_MONTHS[date.month - 1]} {date.year}"
    mla_accessed = f"{accessed.day} {MLA_MONTHS[accessed.month - 1]} {accessed.year}"
    mla_part = f", par. {paragraph.position}" if paragraph else ""
    # The source site is the first container, the archive the second, as MLA has a work found in two places.
    first, first_url = (site, source) if source else (ARCHIVE_NAME, url)
    second = format_html(" <i>{}</i>, {}.", ARCHIVE_NAME, url) if source else ""
    mla = format_html(
        "{}“{}.” <i>{}</i>, {}{}, {}.{} Accessed {}.",
        f"{_sentence(_mla_authors(names))} " if names else "",
        title.rstrip("."),
        first,
        mla_date,
        mla_part,
        first_url,
        second,
        mla_accessed,
    )

    fields = []
    if names:
        fields.append(("author", " and ".join(name.inverted for name in names)))
    fields += [
        ("title", title),
        ("year", str(date.year)),
        ("month", None),
        ("howpublished", f"{kind}, {venue}" if venue else kind),
        ("organization", site if source else ARCHIVE_NAME),
        ("url", source or url),
        ("urldate", accessed.isoformat()),
    ]
    notes = [f"Paragraph {paragraph.position}"] if paragraph else []
    if source:
        notes.append(f"Read in {ARCHIVE_NAME}: {url}")
    if notes:
        fields.append(("note", ". ".join(notes)))
    lines = [f"@misc{{{_bibtex_key(names, speech, paragraph)},"]
    for field, value in fields:
        if field == "month":
            lines.append(f"  month = {BIBTEX_MONTHS[date.month - 1]},")
        elif field == "url":
            lines.append(f"  url = {{{value}}},")
        else:
            lines.append(f"  {field} = {{{_bibtex_escape(value)}}},")
    lines[-1] = lines[-1].rstrip(",")
    lines.append("}")
    bibtex = "\n".join(lines)

    return [
        Citation("APA", apa),
        Citation("Chicago", chicago),
        Citation("MLA", mla),
        Citation("BibTeX", bibtex),
    ]
