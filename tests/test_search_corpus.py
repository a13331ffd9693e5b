"""Search on the real English transcripts: a distinctive sentence of a speech, quoted, finds that speech first."""

import re

import pytest
from django.core.management import call_command
from django.test import override_settings

from speeches import search
from speeches.models import Paragraph, Speech
from speeches.search import SearchParams, parse_query
from tests.corpus import CORPUS, MARKS

pytestmark = MARKS


@pytest.fixture(scope="module")
def corpus(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock(), override_settings(SEARCH_INDEX_DIR=tmp_path_factory.mktemp("corpus-index")):
        call_command("import_speeches", str(CORPUS), verbosity=0)
        yield
        call_command("flush", interactive=False, verbosity=0)


def distinctive_sentence(speech):
    """The longest sentence of 10-40 words in the speech that no other speech contains."""
    sentences = []
    for text in speech.paragraphs.values_list("text", flat=True):
        sentences += [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if 10 <= len(s.split()) <= 40]
    for sentence in sorted(sentences, key=len, reverse=True):
        sentence = sentence.replace('"', " ")
        if Paragraph.objects.filter(text__contains=sentence).values("speech").distinct().count() == 1:
            return sentence
    return None


@pytest.mark.django_db
@pytest.mark.parametrize("backend", ["whoosh", "postgres"])
def test_quoted_sentence_of_a_speech_finds_it_first(corpus, settings, backend, tmp_path):
    from django.db import connection

    if backend == "postgres" and connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL search backend needs a PostgreSQL test database (set DATABASE_URL)")
    settings.SEARCH_BACKEND = backend
    search.rebuild()
    speeches = list(Speech.objects.published().order_by("source_id"))
    assert len(speeches) == 1136
    sample = speeches[:: len(speeches) // 30][:30]
    checked = 0
    for speech in sample:
        sentence = distinctive_sentence(speech)
        if sentence is None:
            continue
        text = f'"{sentence}"'
        results = search.search(SearchParams(query=parse_query(text), text=text))
        assert results.hits, f"nothing found for {text} ({speech.source_id})"
        assert results.hits[0].speech == speech, f"{text}: expected {speech.source_id}"
        checked += 1
    assert checked >= 25
