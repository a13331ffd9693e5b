"""The research tools: a concordance of a query's occurrences, how often it is said over time, who says it most, and
the paragraphs a half-remembered quotation comes from.

Every count comes from one place, `search.occurrences`, and every rate from `search.word_counts` under the same
filters, so the tools agree: the occurrences of a year in the trends are the lines of that year in the concordance.
"""

import bisect
import datetime
import re
from collections import Counter
from dataclasses import dataclass, field, replace

from django.utils.translation import gettext, ngettext

from . import search
from .models import Paragraph, Speaker, Speech
from .search.documents import load_paragraphs
from .search.query import MAX_QUERY_TERMS, Or, Word
from .search.text import is_common, stem, tokens

PER_WORDS = 10_000  # rates are per this many words
LINES_PER_PAGE = 50
CONTEXT = 80  # characters of context on each side of a keyword, cut back to a whole word
# Sorting by the words beside the keyword reads every line's paragraph: bounded, as a search's cost is.
MAX_CONTEXT_SORT = 5_000
MAX_TRENDS = 5
# "Highest rate" leaves out speakers with fewer words than this: two words said once are not a habit.
MIN_SPEAKER_WORDS = 1_000
SPEAKERS_SHOWN = 20
CONCORDANCE_SORTS = ("date", "newest", "speaker", "left", "right")


class ResearchError(ValueError):
    """A request the tools cannot answer as asked; str(error) is a message for the reader."""


# The concordance


@dataclass
class Line:
    """One occurrence in its context: the words left of it, the keyword, the words right of it."""

    speech: Speech
    paragraph: Paragraph
    left: str
    keyword: str
    right: str

    @property
    def url(self):
        return f"{self.speech.get_absolute_url()}#{self.paragraph.anchor}"

    @property
    def speaker_name(self):
        return self.paragraph.speaker.name if self.paragraph.speaker else self.paragraph.speaker_label


@dataclass
class Concordance:
    total: int
    lines: list
    page: int
    pages: int
    occurrences: object = None


def concordance(params, sort="date", page=1, per_page=LINES_PER_PAGE):
    """One page of the concordance of a search: the lines of its occurrences in the order asked for.

    Raise ResearchError when the lines are too many to sort by their context, and what search.occurrences raises.
    """
    found = search.occurrences(params)
    total = found.total
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    start = (page - 1) * per_page
    if sort in ("left", "right"):
        if total > MAX_CONTEXT_SORT:
            raise ResearchError(
                gettext(
                    "Sorting by the words beside the keyword works for up to %(limit)s lines, and this search has "
                    "%(count)s: narrow it with the filters (a speaker, a period), or sort by date."
                )
                % {"limit": f"{MAX_CONTEXT_SORT:,}", "count": f"{total:,}"}
            )
        lines = list(_lines(found.by_date(), found.patterns))
        lines.sort(key=_context_key(sort))
        return Concordance(total, lines[start : start + per_page], page, pages, found)
    paragraphs = _in_order(found.by_date(), sort)
    chosen, skip = _covering(paragraphs, start, per_page)
    lines = list(_lines(chosen, found.patterns))[skip : skip + per_page]
    return Concordance(total, lines, page, pages, found)


def all_lines(params):
    """Every line of the concordance of a search, in date order, read a batch of paragraphs at a time."""
    found = search.occurrences(params)
    paragraphs = found.by_date()
    batch = 500
    for start in range(0, len(paragraphs), batch):
        yield from _lines(paragraphs[start : start + batch], found.patterns)


def _in_order(paragraphs, sort):
    """Paragraphs given by date, in the order asked for."""
    if sort == "newest":
        # Reversed by day and speech; a stable sort keeps each speech's paragraphs in order.
        return sorted(paragraphs, key=lambda f: f.day << 32 | f.speech, reverse=True)
    if sort == "speaker":
        names = dict(Speaker.objects.filter(pk__in={f.speaker for f in paragraphs}).values_list("pk", "name"))
        # Paragraphs of nobody named come last.
        return sorted(paragraphs, key=lambda f: (f.speaker not in names, names.get(f.speaker, "").casefold(), f))
    return paragraphs  # by date already


def _covering(paragraphs, start, size):
    """The paragraphs holding lines start to start + size, and how many lines of the first come before start."""
    ends, total = [], 0
    for found in paragraphs:
        total += found.count
        ends.append(total)
    first = bisect.bisect_right(ends, start)
    last = bisect.bisect_left(ends, start + size)
    before = ends[first - 1] if first else 0
    return paragraphs[first : last + 1], start - before


def _lines(found_paragraphs, patterns):
    """The lines of these paragraphs, in their order, each paragraph's in the order they stand."""
    found_paragraphs = list(found_paragraphs)
    rows = load_paragraphs({(f.speech, f.position) for f in found_paragraphs})
    speeches = Speech.objects.in_bulk({f.speech for f in found_paragraphs})
    for found in found_paragraphs:
        paragraph = rows.get((found.speech, found.position))
        speech = speeches.get(found.speech)
        if paragraph is None or speech is None:
            continue  # changed since the index was read
        text = paragraph.text
        for start, end in search.find_occurrences(text, patterns):
            yield Line(speech, paragraph, _left(text[:start]), text[start:end], _right(text[end:]))


def _left(text):
    text = " ".join(text.split())
    if len(text) <= CONTEXT:
        return text
    cut = text[-CONTEXT:]
    space = cut.find(" ")
    return "… " + (cut[space + 1 :] if 0 <= space < CONTEXT // 2 else cut)


def _right(text):
    text = " ".join(text.split())
    if len(text) <= CONTEXT:
        return text
    cut = text[:CONTEXT]
    space = cut.rfind(" ")
    return (cut[:space] if space > CONTEXT // 2 else cut) + " …"


def _context_key(sort):
    def words_of(text):
        return [word for word, _, _ in tokens(text)]

    if sort == "left":
        # The word just left of the keyword first, then the one before it: how a concordance sorts to the left.
        return lambda line: (words_of(line.left)[::-1], line.keyword.casefold(), line.speech.date)
    return lambda line: (words_of(line.right), line.keyword.casefold(), line.speech.date)


# Frequency over time


@dataclass
class Point:
    period: tuple  # (year,) or (year, month)
    count: int
    words: int

    @property
    def rate(self):
        return self.count * PER_WORDS / self.words if self.words else None


@dataclass
class Series:
    query: str
    total: int
    points: list = field(default_factory=list)


def period_of(day, by):
    date = datetime.date.fromordinal(day)
    return (date.year,) if by == "year" else (date.year, date.month)


def period_dates(period):
    """The first and last day of a period."""
    if len(period) == 1:
        return datetime.date(period[0], 1, 1), datetime.date(period[0], 12, 31)
    year, month = period
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return datetime.date(year, month, 1), following - datetime.timedelta(days=1)


def trends(queries, by="year"):
    """For each (text, SearchParams), its occurrences per period and the words said in each period.

    Every period from the first to the last in which the filtered archive holds words is a point, each query
    on the same periods; a period without words has no rate.
    """
    if not queries:
        return []
    words = Counter()
    for (year, month, _), count in search.word_counts(queries[0][1]).items():
        words[(year,) if by == "year" else (year, month)] += count
    periods = _every_period(words, by)
    result = []
    for text, params in queries:
        found = search.occurrences(params)
        by_day = Counter()
        for paragraph in found.paragraphs:
            by_day[paragraph.day] += paragraph.count
        counts = Counter()
        for day, count in by_day.items():
            counts[period_of(day, by)] += count
        result.append(Series(text, found.total, [Point(p, counts.get(p, 0), words.get(p, 0)) for p in periods]))
    return result


def _every_period(words, by):
    held = sorted(period for period, count in words.items() if count)
    if not held:
        return []
    first, last = held[0], held[-1]
    if by == "year":
        return [(year,) for year in range(first[0], last[0] + 1)]
    periods, (year, month) = [], first
    while (year, month) <= last:
        periods.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return periods


# Who says it most


@dataclass
class SpeakerRate:
    speaker: Speaker
    count: int
    words: int

    @property
    def rate(self):
        return self.count * PER_WORDS / self.words if self.words else 0.0


def speakers(params):
    """(by occurrences, by rate) for a search: named speakers ranked by how often they say it, and how often for
    every 10,000 of their own words (only those with at least MIN_SPEAKER_WORDS words)."""
    found = search.occurrences(params)
    counts = Counter()
    for paragraph in found.paragraphs:
        if paragraph.speaker:
            counts[paragraph.speaker] += paragraph.count
    words = Counter()
    for (_, _, speaker), count in search.word_counts(params).items():
        if speaker in counts:
            words[speaker] += count
    records = Speaker.objects.in_bulk(list(counts))
    rows = [SpeakerRate(records[pk], n, words[pk]) for pk, n in counts.items() if pk in records]
    by_count = sorted(rows, key=lambda row: (-row.count, row.speaker.name))[:SPEAKERS_SHOWN]
    by_rate = sorted(
        (row for row in rows if row.words >= MIN_SPEAKER_WORDS), key=lambda row: (-row.rate, row.speaker.name)
    )[:SPEAKERS_SHOWN]
    return found, by_count, by_rate


# The quote finder

MAX_QUOTE_LENGTH = 1_000
QUOTE_CANDIDATES = 200
QUOTES_SHOWN = 10


@dataclass
class QuoteMatch:
    speech: Speech
    paragraph: Paragraph
    score: float  # from 0 to 1: 1 holds every word of the quotation, in the order given
    citation: str = ""


def quote_query(text):
    """The search for a remembered quotation: any of its words that say something, in any form."""
    text = " ".join(text.split())
    if len(text) > MAX_QUOTE_LENGTH:
        raise ResearchError(
            ngettext(
                "A quotation is at most %(limit)s character long here: paste the part you remember best.",
                "A quotation is at most %(limit)s characters long here: paste the part you remember best.",
                MAX_QUOTE_LENGTH,
            )
            % {"limit": MAX_QUOTE_LENGTH}
        )
    words = [word for word, _, _ in tokens(text)]
    wanted = list(dict.fromkeys(word for word in words if not is_common(word) and not re.fullmatch(r"[\d*]+", word)))
    if not wanted:
        raise ResearchError(gettext("Give a few of the quotation's words, not only words as common as “the” or “and”."))
    # The rarest words decide: the parser's limit on terms keeps the longest words of a long quotation.
    wanted = sorted(wanted, key=len, reverse=True)[:MAX_QUERY_TERMS]
    return words, Or(tuple(Word(word) for word in wanted)) if len(wanted) > 1 else Word(wanted[0])


def find_quote(text, params):
    """The paragraphs most likely meant by a remembered quotation, best first.

    Candidates are the paragraphs the search ranks highest for any of its words; each is then scored by how many
    of the quotation's words (in any form) stand in one stretch of it no longer than the quotation and a half, and
    how many of those stand in the quotation's order. Words left out, added, swapped or changed in form cost a
    little each; a paragraph that is about the same subject but says something else costs much more.
    """
    words, tree = quote_query(text)
    params = replace(params, query=tree, text=text, exact=False, page=1, per_page=QUOTE_CANDIDATES)
    candidates = search.best_paragraphs(params, QUOTE_CANDIDATES)
    quote = [stem(word) for word in words]
    weights = {s: (0.25 if is_common(w) else 1.0) for w, s in zip(words, quote, strict=True)}
    rows = load_paragraphs(set(candidates))
    speeches = Speech.objects.for_listing().in_bulk({sid for sid, _ in candidates})
    scored = []
    for rank, key in enumerate(candidates):
        paragraph, speech = rows.get(key), speeches.get(key[0])
        if paragraph is None or speech is None:
            continue
        scored.append((-_likeness(quote, weights, paragraph.text), rank, QuoteMatch(speech, paragraph, 0.0)))
    scored.sort(key=lambda item: item[:2])
    found = []
    for score, _, match in scored[:QUOTES_SHOWN]:
        match.score = round(-score, 3)
        found.append(match)
    return found


def _likeness(quote, weights, text):
    """How well a paragraph holds a quotation (its stems in order): from 0 to 1."""
    stems = [stem(word) for word, _, _ in tokens(text)]
    wanted = set(quote)
    total = sum(weights[s] for s in wanted)
    window = max(len(quote) * 3 // 2, len(quote) + 2)
    best_cover, best_at = 0.0, 0
    inside = Counter()
    cover = 0.0
    for at, word in enumerate(stems):
        if word in wanted:
            if not inside[word]:
                cover += weights[word]
            inside[word] += 1
        gone = at - window
        if gone >= 0 and stems[gone] in wanted:
            inside[stems[gone]] -= 1
            if not inside[stems[gone]]:
                cover -= weights[stems[gone]]
        if cover > best_cover:
            best_cover, best_at = cover, at
    if not best_cover:
        return 0.0
    stretch = stems[max(0, best_at - window + 1) : best_at + 1]
    order = _in_order_share(quote, stretch)
    return 0.75 * best_cover / total + 0.25 * order


def _in_order_share(quote, stretch):
    """The share of the quotation's words found in the stretch in the quotation's order (a longest common
    subsequence), from 0 to 1."""
    previous = [0] * (len(stretch) + 1)
    for word in quote:
        current = [0]
        for j, other in enumerate(stretch, 1):
            current.append(previous[j - 1] + 1 if word == other else max(previous[j], current[j - 1]))
        previous = current
    return previous[-1] / len(quote) if quote else 0.0
