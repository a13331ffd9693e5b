"""What readers see when the search index cannot answer, on every backend."""

import datetime
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from speeches import search
from speeches.models import IndexUpdate
from speeches.search import SearchParams, parse_query
from tests.factories import make_speaker, make_speech, make_venue

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]
REBUILDING = "Search is being rebuilt"


@pytest.fixture(params=["whoosh", "postgres"])
def backend(request, settings, search_index):
    if request.param == "postgres" and connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL search backend needs a PostgreSQL test database (set DATABASE_URL)")
    settings.SEARCH_BACKEND = request.param
    return request.param


@pytest.fixture
def indexed(django_capture_on_commit_callbacks):
    """Run a block as one committed transaction would: the index is updated when it ends."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def archive(backend, indexed):
    with indexed():
        return {
            "union": make_speech(
                "Meeting with the President of Belarus",
                datetime.date(2019, 12, 20),
                speaker=make_speaker(),
                venue=make_venue("Sochi"),
                paragraphs=[("Vladimir Putin", "We discussed the Union State of Russia and Belarus at length.")],
            ),
            "address": make_speech(
                "Address to the Federal Assembly",
                datetime.date(2018, 3, 1),
                paragraphs=["The state of the union between our peoples is strong.", "Sanctions and the economy."],
            ),
        }


def find(text, **options):
    return search.search(SearchParams(query=parse_query(text), text=text, **options))


def titles(results):
    return sorted(hit.speech.title for hit in results.hits)


def page_titles(response):
    return [hit.speech.title for hit in response.context["results"].hits]


# Index health


@pytest.mark.parametrize("backend", ["whoosh"], indirect=True)
def test_search_answers_503_when_the_index_directory_is_removed(client, archive, settings):
    assert client.get("/search/", {"q": "union"}).status_code == 200
    shutil.rmtree(settings.SEARCH_INDEX_DIR)

    response = client.get("/search/", {"q": "union"})
    assert response.status_code == 503
    assert response["Retry-After"] == "120"
    html = response.content.decode()
    assert REBUILDING in html
    assert "No addresses match" not in html
    assert not settings.SEARCH_INDEX_DIR.exists()  # no empty index made in its place

    speech = client.get(archive["union"].get_absolute_url(), {"q": "union"})
    assert speech.status_code == 200
    assert "We discussed the Union State of Russia and Belarus at length." in speech.content.decode()
    assert client.get("/").status_code == 200
    assert client.get("/readyz").content == b"search index missing\n"


@pytest.mark.parametrize("backend", ["whoosh"], indirect=True)
def test_index_updates_never_create_a_missing_index(archive, settings, indexed):
    shutil.rmtree(settings.SEARCH_INDEX_DIR)
    with indexed():
        speech = make_speech("After the removal", paragraphs=["Tungsten."])
    assert list(IndexUpdate.objects.values_list("speech_id", flat=True)) == [speech.pk]  # kept for a rebuild
    assert not settings.SEARCH_INDEX_DIR.exists()
    call_command("rebuild_index")
    assert titles(find("tungsten")) == ["After the removal"]


def test_empty_index_while_speeches_are_published_answers_503(client, backend, settings):
    make_speech("Never indexed", paragraphs=["Gallium."])
    IndexUpdate.objects.all().delete()  # as if the index had been made empty after the speech was indexed
    response = client.get("/search/", {"q": "gallium"})
    assert response.status_code == 503
    assert REBUILDING in response.content.decode()
    readyz = client.get("/readyz")
    assert (readyz.status_code, readyz.content) == (503, b"search index empty\n")


def test_empty_index_of_an_empty_archive_answers_no_match(client, backend):
    response = client.get("/search/", {"q": "gallium"})
    assert response.status_code == 200
    assert "No addresses match “gallium”." in response.content.decode()


def segment_file(settings):
    (path,) = (settings.SEARCH_INDEX_DIR / "current").glob("*.seg")
    return path


@pytest.mark.parametrize("backend", ["whoosh"], indirect=True)
def test_truncated_index_file_answers_503_instead_of_crashing(client, archive, settings):
    assert client.get("/search/", {"q": "union"}).status_code == 200  # the index is open and loaded
    path = segment_file(settings)
    os.truncate(path, 64)  # under a memory map, the next read would kill the process

    response = client.get("/search/", {"q": "sanctions"})
    assert response.status_code == 503
    assert REBUILDING in response.content.decode()
    assert client.get("/readyz").content == b"search index unreadable\n"
    speech = client.get(archive["address"].get_absolute_url(), {"q": "sanctions"})
    assert speech.status_code == 200
    assert "<mark>" not in speech.content.decode()

    call_command("rebuild_index")
    assert page_titles(client.get("/search/", {"q": "sanctions"})) == ["Address to the Federal Assembly"]


def test_readyz_says_ready_when_database_and_index_answer(client, archive):
    response = client.get("/readyz")
    assert (response.status_code, response.content) == (200, b"ready\n")
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.parametrize("backend", ["whoosh"], indirect=True)
def test_check_index_says_the_index_is_missing(archive, settings):
    shutil.rmtree(settings.SEARCH_INDEX_DIR)
    with pytest.raises(CommandError) as raised:
        call_command("check_index")
    assert str(raised.value) == (
        "The search index is missing: there is no index directory at "
        f"{settings.SEARCH_INDEX_DIR / 'current'}. Run “python manage.py rebuild_index” to build it again."
    )


@pytest.mark.parametrize("backend", ["whoosh"], indirect=True)
def test_check_index_says_the_index_is_unreadable(archive, settings):
    path = segment_file(settings)
    os.truncate(path, 64)
    with pytest.raises(
        CommandError, match=r"^The search index is unreadable: .+\. Run “python manage.py rebuild_index”"
    ):
        call_command("check_index")


def check_index_process(tmp_path, index_dir):
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL"}}
    env.update(
        SECRET_KEY="x",
        HTTPS="0",
        VAR_DIR=str(tmp_path / "var"),
        SEARCH_INDEX_DIR=str(index_dir),
        DJANGO_SETTINGS_MODULE="kremlin_archive.settings",
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check_index"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize("backend", ["whoosh"], indirect=True)
def test_check_index_exits_non_zero_with_a_sentence_not_a_traceback(archive, settings, tmp_path):
    missing = check_index_process(tmp_path, tmp_path / "nowhere")
    assert missing.returncode == 1
    assert "CommandError: The search index is missing: there is no index directory at" in missing.stderr
    assert "Traceback" not in missing.stderr

    path = segment_file(settings)
    os.truncate(path, 64)
    truncated = check_index_process(tmp_path, settings.SEARCH_INDEX_DIR)
    assert truncated.returncode == 1
    assert "CommandError: The search index is unreadable: " in truncated.stderr
    assert "Traceback" not in truncated.stderr


# Warm start


@pytest.mark.django_db(transaction=True)
def test_other_worker_answers_throughout_a_rebuild_and_then_from_the_new_index(settings, search_index):
    from speeches.search.whoosh_backend import WhooshBackend

    other_worker = WhooshBackend(settings.SEARCH_INDEX_DIR)
    make_speech("Before", paragraphs=["Osmium."])
    search.rebuild()
    query = SearchParams(query=parse_query("osmium"))
    assert other_worker.search(query).total == 1
    make_speech("After", paragraphs=["Osmium too."])
    IndexUpdate.objects.all().delete()
    search.rebuild()

    # The first search after the swap does not wait for the new index to load: it answers from either.
    assert other_worker.search(query).total in {1, 2}
    deadline = time.monotonic() + 30
    while other_worker.search(query).total != 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert other_worker.search(query).total == 2


def test_worker_starting_without_an_index_says_so_and_starts(settings, tmp_path, caplog):
    settings.SEARCH_INDEX_DIR = tmp_path / "never-built"
    search.warm()
    assert "Search is not ready: The search index is missing" in caplog.text
