"""The English transcripts of ../shared/corpus, imported once per test module and indexed by every backend the
database allows; tests that use them skip, saying why, where the corpus is absent."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from speeches import search

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "kremlin-en-html" / "news"

MARKS = [
    pytest.mark.corpus,
    pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the English corpus is not at {CORPUS}"),
]


@pytest.fixture(scope="module")
def corpus_index(django_db_setup, django_db_blocker, tmp_path_factory):
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
def corpus_backend(request, corpus_index, settings):
    """Each search backend in turn over the corpus; the PostgreSQL one where the test database is PostgreSQL."""
    if request.param == "postgres" and connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL search backend needs a PostgreSQL test database (set DATABASE_URL)")
    settings.SEARCH_BACKEND = request.param
    settings.SEARCH_INDEX_DIR = corpus_index
    return request.param
