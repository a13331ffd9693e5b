"""The research tools on the real English transcripts: counts that agree with each other and with the texts, and
garbled quotations found."""

import random
import re
from collections import Counter

import pytest

from speeches import research, search
from speeches.models import Paragraph, Speech
from speeches.search import SearchParams, parse_query
from tests.corpus import MARKS

pytestmark = [*MARKS, pytest.mark.django_db]
QUERIES = ["people", "sanctions", '"Russian Federation"', "econom*", "Ukraine OR Belarus", "energy security"]
# A word as the tests read it, on their own: a run of letters and digits, dots inside joining as in "U.S".
WORD = re.compile(r"[\w*]+(?:\.?[\w*]+)*")


def params(text, **options):
    return SearchParams(query=parse_query(text), text=text, **options)


def test_trends_per_year_equal_the_concordance_lines_of_each_year(corpus_backend):
    for text in QUERIES:
        (series,) = research.trends([(text, params(text))])
        assert series.total == research.concordance(params(text)).total
        assert series.total > 0, text
        for point in series.points:
            first, last = research.period_dates(point.period)
            lines = research.concordance(params(text, date_from=first, date_to=last), per_page=1)
            assert lines.total == point.count, (text, point.period)


def test_counts_and_words_agree_with_the_texts_read_independently(corpus_backend):
    texts = list(
        Paragraph.objects.filter(speech__status=Speech.Status.PUBLISHED)
        .exclude(kind=Paragraph.Kind.SEPARATOR)
        .values_list("text", flat=True)
    )
    words = Counter(word.lower() for text in texts for word in WORD.findall(text))

    for word in ["people", "sanctions", "belarus", "the"]:
        found = search.occurrences(params(f'"{word}"', exact=True))
        assert found.total == words[word], word
    (series,) = research.trends([("people", params("people"))])
    assert sum(point.words for point in series.points) == sum(words.values())


def garble(text, rng):
    """Two words dropped, two neighbours swapped, one word in another form."""
    words = text.split()
    for _ in range(2):
        del words[rng.randrange(len(words))]
    at = rng.randrange(len(words) - 1)
    words[at], words[at + 1] = words[at + 1], words[at]
    changeable = [i for i, word in enumerate(words) if word.isalpha() and len(word) > 4]
    if changeable:
        i = rng.choice(changeable)
        words[i] = words[i][:-1] if words[i].endswith("s") else words[i] + "s"
    return " ".join(words)


def test_quote_finder_finds_garbled_quotations_first(corpus_backend):
    rng = random.Random(2026)
    seen = Counter(Paragraph.objects.values_list("text", flat=True))
    # Paragraphs said once in the archive, long enough to quote 20 words of.
    candidates = [
        (speech, position, text)
        for speech, position, text in Paragraph.objects.filter(speech__status=Speech.Status.PUBLISHED)
        .order_by("speech__source_id", "position")
        .values_list("speech_id", "position", "text")
        if seen[text] == 1 and len(text.split()) >= 30
    ]
    found_first = []
    for speech, position, text in rng.sample(candidates, 10):
        words = text.split()
        start = rng.randrange(len(words) - 20)
        quotation = garble(" ".join(words[start : start + 20]), rng)
        best = research.find_quote(quotation, SearchParams(query=None))
        found_first.append(bool(best) and (best[0].speech.pk, best[0].paragraph.position) == (speech, position))
    assert sum(found_first) >= 9, found_first
