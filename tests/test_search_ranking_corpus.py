"""Ranking on the real English transcripts: two words find first the addresses that say them together; a quoted
sentence of common words finds the address that says it."""

import re

import pytest

from speeches import search
from speeches.models import Paragraph, Speech
from speeches.search import SearchParams, parse_query
from tests.corpus import MARKS

pytestmark = MARKS

TWO_WORDS = ["Union State", "trade volume", "energy security", "nuclear weapons", "interest rate"]
# Sentences made mostly of common words: one that nobody said, and some that one address says.
SENTENCES = [
    "and it is pleasing to note and",
    "We will report on the results",
    "What do you make of it",
    "That is it, and nothing more",
    "This is what we will be doing",
]


def find(text):
    return search.search(SearchParams(query=parse_query(text), text=text))


def says(speech, pattern):
    return any(pattern.search(text) for text in Paragraph.objects.filter(speech=speech).values_list("text", flat=True))


def together(words):
    """The two words side by side, any case; the second may go on ("trade volumes")."""
    first, second = words.split()
    return re.compile(rf"\b{re.escape(first)}\s+{re.escape(second)}", re.IGNORECASE)


def in_order(sentence):
    """Every word of the sentence, in order, with only spaces and punctuation between them."""
    return re.compile(r"\b" + r"\W+".join(re.findall(r"\w+", sentence)) + r"\b", re.IGNORECASE)


@pytest.mark.django_db
@pytest.mark.parametrize("words", TWO_WORDS)
def test_two_words_find_first_the_addresses_that_say_them_side_by_side(corpus_backend, words):
    assert Speech.objects.published().count() == 1136
    first = find(words).hits[:5]
    saying = [hit.speech.title for hit in first if says(hit.speech, together(words))]
    assert len(saying) >= 4, f"{words}: only {saying} of {[hit.speech.title for hit in first]}"


@pytest.mark.django_db
@pytest.mark.parametrize("sentence", SENTENCES)
def test_quoted_sentence_of_common_words_finds_the_address_that_says_it(corpus_backend, sentence):
    speakers = [speech for speech in Speech.objects.published() if says(speech, in_order(sentence))]
    results = find(f'"{sentence}"')
    if not speakers:
        assert results.hits == [], f"nobody said {sentence!r}, yet it found {results.hits[0].speech.title}"
    else:
        assert results.hits[0].speech in speakers
