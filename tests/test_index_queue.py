"""The queue of index updates: written with each change, drained after commit, by imports and by check_index."""

import json
import threading

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from speeches import search
from speeches.importers import import_paths
from speeches.models import IndexUpdate, Paragraph, Speech
from speeches.search import SearchParams, parse_query
from tests.factories import make_speech

# Real transactions: what is queued, drained and indexed is what a committed change leaves behind.
pytestmark = pytest.mark.django_db(transaction=True)


def saved(*args, **kwargs):
    """A speech saved with its paragraphs in one transaction, as the writer and the admin save them."""
    with transaction.atomic():
        return make_speech(*args, **kwargs)


def titles(text):
    return sorted(hit.speech.title for hit in search.search(SearchParams(query=parse_query(text), text=text)).hits)


def queued():
    return sorted(IndexUpdate.objects.values_list("speech_id", flat=True))


def record_of(title, source_id):
    """A one-paragraph speech in the archive's JSON format."""
    return {"title": title, "date": "2021-10-13", "source_id": source_id, "paragraphs": [{"text": "Gas."}]}


def queue_inserts(queries):
    return [q["sql"] for q in queries if q["sql"].startswith('INSERT INTO "speeches_indexupdate"')]


def test_change_rolled_back_leaves_nothing_queued(backend):
    with pytest.raises(RuntimeError), transaction.atomic():
        make_speech("Abandoned", paragraphs=["Vanadium."])
        assert len(queued()) == 1
        raise RuntimeError
    assert queued() == []
    assert titles("vanadium") == []


def test_committed_change_is_indexed_and_leaves_nothing_queued(backend):
    speech = saved("Mining", paragraphs=["Lithium.", "Cobalt.", "Nickel."])
    assert titles("cobalt") == ["Mining"]
    assert queued() == []
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        speech.title = "Mining, revised"
        speech.save()
        for paragraph in Paragraph.objects.filter(speech=speech):
            paragraph.text = paragraph.text.replace(".", " deposits.")
            paragraph.save()
        assert queued() == [speech.pk]  # four changes, one row: the speech is indexed once
    assert len(queue_inserts(queries)) == 1
    assert queued() == []
    assert titles("deposits") == ["Mining, revised"]


def test_transaction_is_indexed_once_when_it_commits(backend):
    generation = search.get_backend()._index().latest_generation() if backend == "whoosh" else None
    with transaction.atomic():
        for n in range(3):
            make_speech(f"Smelter {n}", paragraphs=["Aluminium."])
        assert titles("aluminium") == []  # not before the COMMIT
    assert titles("aluminium") == ["Smelter 0", "Smelter 1", "Smelter 2"]
    if backend == "whoosh":
        assert search.get_backend()._index().latest_generation() == generation + 1  # one index commit


def test_change_after_a_rolled_back_transaction_is_indexed_when_the_next_one_commits(backend):
    with pytest.raises(RuntimeError), transaction.atomic():
        make_speech("Abandoned", paragraphs=["Vanadium."])
        raise RuntimeError
    with transaction.atomic():
        make_speech("Kept", paragraphs=["Vanadium too."])
        assert titles("vanadium") == []
    assert titles("vanadium") == ["Kept"]
    assert queued() == []


def test_import_block_ended_by_an_exception_still_indexes_what_it_committed(backend):
    with pytest.raises(RuntimeError), search.bulk_indexing():
        saved("Committed first", paragraphs=["Tantalum."])
        saved("Committed second", paragraphs=["Tantalum ore."])
        assert titles("tantalum") == []  # the block indexes once, at its end
        raise RuntimeError
    assert titles("tantalum") == ["Committed first", "Committed second"]
    assert queued() == []


def test_import_that_fails_on_a_file_indexes_the_files_before_it(backend, tmp_path):
    good = tmp_path / "a.json"
    good.write_text(json.dumps(record_of("Before the bad file", "80001")) + "\n", "utf-8")
    bad = tmp_path / "b.json"
    bad.write_text("{not json", "utf-8")
    report = import_paths([good, bad])
    assert (report.counts["created"], report.counts["failed"]) == (1, 1)
    assert titles("gas") == ["Before the bad file"]
    assert queued() == []


def test_change_after_a_rolled_back_savepoint_is_queued_again(backend):
    speech = saved("Shipping", paragraphs=["Old routes."])
    paragraph = Paragraph.objects.get(speech=speech)
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            speech.title = "Shipping, abandoned"
            speech.save()
            raise RuntimeError
        paragraph.text = "Northern sea routes."
        paragraph.save()
    assert queued() == []
    assert titles("northern") == ["Shipping"]


def test_change_drained_inside_its_transaction_is_queued_again_when_changed_again(backend):
    with transaction.atomic():
        speech = make_speech("Ports", paragraphs=["Murmansk."])
        assert search.drain() == 1
        speech.title = "Arctic ports"
        speech.save()
        assert queued() == [speech.pk]
    assert queued() == []
    assert titles("murmansk") == ["Arctic ports"]


def test_deleted_speech_leaves_the_index_with_one_queued_row(backend):
    speech = saved("Withdrawn", paragraphs=[f"Tungsten {n}." for n in range(20)])
    assert titles("tungsten") == ["Withdrawn"]
    with CaptureQueriesContext(connection) as queries:
        speech.delete()
    assert len(queue_inserts(queries)) == 1  # not one per deleted paragraph
    assert queued() == []
    assert titles("tungsten") == []


def test_failed_index_update_keeps_the_queue_and_the_save(search_index, settings, tmp_path, caplog):
    built = settings.SEARCH_INDEX_DIR
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("")
    settings.SEARCH_INDEX_DIR = blocked / "index"
    speech = saved("Saved anyway", paragraphs=["Molybdenum."])
    assert Speech.objects.get().title == "Saved anyway"
    assert queued() == [speech.pk]
    assert "The search index is missing" in caplog.text
    assert "The queued updates are kept for the next drain." in caplog.text

    settings.SEARCH_INDEX_DIR = built
    assert search.drain() == 1
    assert queued() == []
    assert titles("molybdenum") == ["Saved anyway"]


def test_drain_deletes_only_the_rows_it_read(settings, search_index):
    from speeches.search.whoosh_backend import WhooshBackend

    first, second, third = (saved(f"Mine {n}", paragraphs=["Gold."]) for n in range(3))
    # Rows as other processes commit them; the one committed during the drain has an id between the others'.
    IndexUpdate.objects.bulk_create([IndexUpdate(id=10, speech_id=first.pk), IndexUpdate(id=30, speech_id=second.pk)])
    held = WhooshBackend(settings.SEARCH_INDEX_DIR)._index().writer()  # another process writing the index
    drained = []
    drainer = threading.Thread(target=lambda: (drained.append(search.drain()), connection.close()))
    drainer.start()
    drainer.join(1)
    assert drainer.is_alive()  # read the queue, waiting for the index
    IndexUpdate.objects.create(id=20, speech_id=third.pk)
    held.cancel()
    drainer.join(30)
    assert drained == [2]
    assert list(IndexUpdate.objects.values_list("id", "speech_id")) == [(20, third.pk)]
    assert search.drain() == 1
    assert titles("gold") == ["Mine 0", "Mine 1", "Mine 2"]


@pytest.fixture
def crashed_import(tmp_path, backend):
    """An imported speech whose index update a killed process left queued: committed, queued, not indexed."""
    path = tmp_path / "speeches.jsonl"
    path.write_text(json.dumps(record_of("Energy week", "66916")) + "\n", "utf-8")
    assert import_paths([path]).summary() == "1 created, 0 updated, 0 unchanged, 0 skipped, 0 failed"
    speech = Speech.objects.get()
    search.remove_speeches([speech.pk])
    IndexUpdate.objects.create(speech_id=speech.pk)
    assert titles("gas") == []
    return path


def test_next_import_drains_what_a_crashed_import_left_queued(crashed_import):
    report = import_paths([crashed_import])
    assert report.summary() == "0 created, 0 updated, 1 unchanged, 0 skipped, 0 failed"
    assert queued() == []
    assert titles("gas") == ["Energy week"]


def test_check_index_drains_what_a_crashed_import_left_queued(crashed_import, capsys):
    call_command("check_index")
    out = capsys.readouterr().out
    assert out.splitlines() == ["Drained 1 queued index update(s).", "The search index is up to date."]
    assert queued() == []
    assert titles("gas") == ["Energy week"]


def test_dry_run_leaves_the_queue_alone(crashed_import):
    report = import_paths([crashed_import], dry_run=True)
    assert report.summary() == "0 created, 0 updated, 1 unchanged, 0 skipped, 0 failed"
    assert len(queued()) == 1
