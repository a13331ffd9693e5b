"""Ranking on the real English transcripts: two words find first the addresses that say them together; a quoted
sentence of common words finds the address that says it."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from speeches import search
from speeches.models import Paragraph, Speech
from speeches.search import SearchParams, parse_query

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "kremlin-en-html" / "news"

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the English corpus is not at {CORPUS}"),
]

TWO_WORDS = ["Union State", "trade volume", "energy security", "nuclear weapons", "interest rate"]
# Sentences made mostly of common words: one that nobody said, and some that one address says.
SENTENCES = [
    "and it is pleasing to note and",
    "We will report on the results",
    "What do you make of it",
    "That is it, and nothing more",
    "This is what we will be doing",
]


@pytest.fixture(scope="module")
def corpus(django_db_setup, django_db_blocker, tmp_path_factory):
    """Import the corpus once, indexed by Whoosh (and by PostgreSQL where the database is PostgreSQL)."""
    index_dir = tmp_path_factory.mktemp("corpus-index")
    with django_db_blocker.unblock(), override_settings(SEARCH_INDEX_DIR=index_dir, SEARCH_BACKEND="whoosh"):
        search.rebuild()  # the empty index the import then fills: serving code never creates one
        call_command("import_speeches", str(CORPUS), verbosity=0)
        assert search.check() == ([], [], [])
        if connection.vendor == "postgresql":
            with override_settings(SEARCH_BACKEND="postgres"):
                search.rebuild()
        yield index_dir
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(params=["whoosh", "postgres"])
def backend(request, corpus, settings):
    if request.param == "postgres" and connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL search backend needs a PostgreSQL test database (set DATABASE_URL)")
    settings.SEARCH_BACKEND = request.param
    settings.SEARCH_INDEX_DIR = corpus
    return request.param


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
def test_two_words_find_first_the_addresses_that_say_them_side_by_side(backend, words):
    assert Speech.objects.published().count() == 1136
    first = find(words).hits[:5]
    saying = [hit.speech.title for hit in first if says(hit.speech, together(words))]
    assert len(saying) >= 4, f"{words}: only {saying} of {[hit.speech.title for hit in first]}"


@pytest.mark.django_db
@pytest.mark.parametrize("sentence", SENTENCES)
def test_quoted_sentence_of_common_words_finds_the_address_that_says_it(backend, sentence):
    speakers = [speech for speech in Speech.objects.published() if says(speech, in_order(sentence))]
    results = find(f'"{sentence}"')
    if not speakers:
        assert results.hits == [], f"nobody said {sentence!r}, yet it found {results.hits[0].speech.title}"
    else:
        assert results.hits[0].speech in speakers
