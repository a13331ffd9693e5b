"""The types the search package shares: what to look for, what a backend found, and what a search page shows.

Backends import these; nothing here imports a backend.
"""

import datetime
from dataclasses import dataclass, field
from typing import NamedTuple

from speeches.models import Paragraph, Speech

RESULTS_PER_PAGE = 10
PARAGRAPHS_PER_SPEECH = 3
SORTS = ("relevance", "newest", "oldest")


@dataclass
class SearchParams:
    """What to look for: the parsed query, the filters, the order and the page (from 1)."""

    query: object
    text: str = ""  # as typed, for "did you mean"
    exact: bool = False
    speaker: int | None = None
    venue: int | None = None
    topic: int | None = None
    place: int | None = None
    kind: str = ""
    language: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = RESULTS_PER_PAGE

    @property
    def offset(self):
        return (self.page - 1) * self.per_page


@dataclass
class Matches:
    """What a backend found, by id; shared code turns it into SearchResults."""

    total: int = 0
    paragraph_total: int = 0
    speech_ids: list = field(default_factory=list)  # the requested page, in order
    best: dict = field(default_factory=dict)  # speech id -> [(position, snippet html, Paragraph or None)]
    speakers: dict = field(default_factory=dict)  # speaker id -> speeches
    years: dict = field(default_factory=dict)
    venues: dict = field(default_factory=dict)
    kinds: dict = field(default_factory=dict)
    topics: dict = field(default_factory=dict)  # topic id -> speeches
    places: dict = field(default_factory=dict)
    suggestion: dict = field(default_factory=dict)  # misspelt word -> the indexed word it is closest to
    page: int = 1  # the page found: the last one when the one asked for is past it
    cut_prefixes: list = field(default_factory=list)  # prefixes that matched more than MAX_PREFIX_WORDS words
    timed_out: bool = False  # time ran out: what was found by then, counts included


class Found(NamedTuple):
    """A paragraph where a query's words occur, and how many times (see occurrences)."""

    speech: int
    position: int
    speaker: int  # 0: nobody named
    day: int  # the speech's date, as an ordinal
    count: int


@dataclass
class Occurrences:
    """Where a query's words occur, paragraph by paragraph, and the patterns they were found by."""

    paragraphs: list = field(default_factory=list)  # Found, in no particular order: counting needs none
    patterns: list = field(default_factory=list)

    @property
    def total(self):
        return sum(found.count for found in self.paragraphs)

    def by_date(self):
        """The paragraphs by date, then speech and position."""
        # One whole number per paragraph: tens of thousands of tuples compared field by field took a tenth of a second.
        return sorted(self.paragraphs, key=lambda found: found[3] << 64 | found[0] << 32 | found[1])


@dataclass
class ParagraphHit:
    paragraph: Paragraph | None
    snippet: str
    url: str


@dataclass
class SpeechHit:
    speech: Speech
    paragraphs: list


@dataclass
class FacetValue:
    """One value a search can be narrowed to and how many addresses have it: the one shape of every facet.

    `selects` holds the search parameters that choose it; the page sets `url` and `selected` from them.
    """

    value: object  # a speaker, venue, topic or place id, a year, a kind
    label: str
    count: int
    selects: dict
    record: object = None  # the Speaker, Venue, Topic or Place, where there is one
    url: str = ""
    selected: bool = False


@dataclass
class SearchResults:
    total: int
    paragraph_total: int
    hits: list
    # Lists of FacetValue: speakers, venues and kinds most first, years in order.
    speakers: list
    years: list
    venues: list
    kinds: list
    suggestion: str
    topics: list = field(default_factory=list)
    places: list = field(default_factory=list)
    page: int = 1
    cut_prefixes: list = field(default_factory=list)
    timed_out: bool = False
