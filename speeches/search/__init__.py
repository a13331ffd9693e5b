"""Full-text search over the published speeches, behind one small interface.

The backend is chosen by ``settings.SEARCH_BACKEND``: ``whoosh`` keeps an index directory on
disk, ``postgres`` keeps search vectors in the shared database. Both index one document per
paragraph (and one for the title and lead) and group hits by speech.

The index is disposable: ``rebuild()`` recreates it from the database at any time, and only a rebuild
creates one. Every search runs within ``settings.SEARCH_TIME_BUDGET`` seconds (see ``limits``).
"""

import contextlib
import logging
import os
import threading

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from speeches import page_cache
from speeches.models import IndexUpdate, Place, SimilarSpeech, Speaker, Speech, Topic, Venue

from .documents import compare_with_database, load_paragraphs, speeches_for_index, stamp  # noqa: F401
from .health import IndexUnavailable, require_documents
from .limits import MAX_PREFIX_WORDS, Budget, SearchTimeout, check_prefixes  # noqa: F401  (part of the interface)
from .occurrences import find as find_occurrences  # noqa: F401  (part of the interface)
from .query import QueryError, as_phrase, only_common_words, parse_query, replace_words  # noqa: F401  (the interface)
from .types import (  # noqa: F401  (part of the interface)
    PARAGRAPHS_PER_SPEECH,
    RESULTS_PER_PAGE,
    SORTS,
    FacetValue,
    Found,
    Matches,
    Occurrences,
    ParagraphHit,
    SearchParams,
    SearchResults,
    SpeechHit,
)

logger = logging.getLogger(__name__)

SIMILAR = 5  # speeches suggested under a speech
BATCH = 500  # ids per statement, well below any database's limit on parameters

BACKENDS = {
    "whoosh": "speeches.search.whoosh_backend.WhooshBackend",
    "postgres": "speeches.search.postgres_backend.PostgresBackend",
}
_backends = {}
_backends_lock = threading.Lock()


def _forget_backends():
    # A forked child must not share the parent's open index files: reads through one file offset would interleave.
    global _backends_lock
    _backends_lock = threading.Lock()
    _backends.clear()


os.register_at_fork(after_in_child=_forget_backends)


def get_backend():
    key = (settings.SEARCH_BACKEND, str(settings.SEARCH_INDEX_DIR))
    with _backends_lock:
        if key not in _backends:
            # Imported by name: a PostgreSQL deployment never loads Whoosh, and the backends import only the
            # package's modules (types, documents, query), never the package itself.
            _backends[key] = import_string(BACKENDS[settings.SEARCH_BACKEND])(settings.SEARCH_INDEX_DIR)
        return _backends[key]


def search(params):
    """Run a search within the time budget.

    Raise QueryError for a query that cannot be searched, SearchTimeout when nothing usable was found in time,
    and IndexUnavailable when the index is missing, empty or unreadable.
    """
    check_prefixes(params.query, params.text)
    budget = Budget()
    matches = get_backend().search(params, budget)
    return _results(matches, params)


def occurrences(params):
    """Where the query's words occur in the paragraphs the filters keep (an Occurrences), counted exactly.

    Raise as search() does; SearchTimeout too when the count could not be finished in time.
    """
    check_prefixes(params.query, params.text)
    return get_backend().occurrences(params, Budget())


def best_paragraphs(params, limit):
    """The (speech id, position) of the paragraphs that rank highest for the query under the filters, best first.

    What is found within the time budget: a ranking, not a count.
    """
    check_prefixes(params.query, params.text)
    return get_backend().best_paragraphs(params, limit, Budget())


def word_counts(params):
    """The words of the published paragraphs the filters keep (the query aside): a Counter by (year, month, speaker).

    Speaker 0 is nobody named. The measure of rates "per 10,000 words".
    """
    return get_backend().word_counts(params)


def unavailable():
    """Return why search cannot answer (an IndexUnavailable), or None when it can."""
    try:
        require_documents(get_backend().status())
    except IndexUnavailable as error:
        return error
    return None


def warm():
    """Open and load the index in this process now, before its first search asks for it."""
    try:
        get_backend().warm()
    except IndexUnavailable as error:
        logger.warning("Search is not ready: %s", error)


def index_speeches(ids):
    """Bring the index up to date for these speeches: index the published ones, drop the others.

    Then find again what their pages suggest, and what the pages they resemble suggest (see find_similar).
    """
    ids = sorted(set(ids))
    if ids:
        get_backend().update(ids)
        find_similar(ids, with_neighbours=True)


def remove_speeches(ids):
    ids = sorted(set(ids))
    if ids:
        get_backend().remove(ids)


def rebuild(progress=None):
    """Build a fresh index of every published speech aside and swap it in; return the number indexed.

    The updates queued before it began are done with: a later drain would index those speeches again for nothing.
    """
    # Only rows already committed are read here, and the rebuild reads the speeches after them; a row committed
    # meanwhile stays queued.
    covered = list(IndexUpdate.objects.values_list("id", flat=True))
    count = get_backend().rebuild(progress=progress)
    find_similar(Speech.objects.published().values_list("pk", flat=True))
    _delete_queued(covered)
    return count


def check():
    """Compare the index with the database: return (missing, stale, unpublished) lists of speech ids."""
    return compare_with_database(get_backend().indexed_stamps())


def highlight_speech(speech, paragraphs, params):
    """Return {position: highlighted html} for the paragraphs of speech that match the query."""
    return get_backend().highlight(speech, paragraphs, params)


def more_like(speech):
    """The published speeches on subjects like this one's, most similar first, as found when it was indexed."""
    return list(
        Speech.objects.published()
        .for_listing()
        .filter(suggested_with__speech=speech)
        .order_by("suggested_with__rank")[:SIMILAR]
    )


def find_similar(ids, with_neighbours=True):
    """Find the speeches to suggest under each of these published speeches, and keep them; return how many have some.

    With neighbours, the speeches these suggest find theirs again too: likeness goes both ways, so an address
    just indexed belongs under the ones it resembles, which were indexed before it existed. A speech that is not
    published keeps no suggestions.
    """
    ids = sorted(set(ids))
    found, late = _similar_to(ids)
    if with_neighbours:
        neighbours = {pk for similar in found.values() for pk in similar} - set(ids)
        more, _ = _similar_to(sorted(neighbours))
        found |= more
        # Their pages show the new suggestions from now on.
        page_cache.changed(*map(page_cache.speech_tag, more))
    for batch in _batches([pk for pk in ids if pk not in found and pk not in late]):
        SimilarSpeech.objects.filter(speech__in=batch).delete()
    for batch in _batches(sorted(found)):
        with transaction.atomic():
            SimilarSpeech.objects.filter(speech__in=batch).delete()
            SimilarSpeech.objects.bulk_create(
                SimilarSpeech(speech_id=pk, similar_id=other, rank=rank)
                for pk in batch
                for rank, other in enumerate(found[pk], 1)
            )
    return sum(1 for similar in found.values() if similar)


def without_suggestions():
    """Published speeches that keep no suggestions: none was found, or none was looked for yet."""
    return list(Speech.objects.published().filter(similar_speeches__isnull=True).values_list("pk", flat=True))


def _similar_to(ids):
    """({speech id: ids of the speeches most like it}, {ids whose search ran out of time}) for the published ones.

    A speech whose search runs out of time keeps what it had.
    """
    backend = get_backend()
    found, late = {}, set()
    for batch in _batches(ids):
        for speech in Speech.objects.published().filter(pk__in=batch).only("language"):
            try:
                found[speech.pk] = backend.more_like(speech, SIMILAR)
            except SearchTimeout:
                late.add(speech.pk)
                logger.warning("Finding the speeches like %s took too long; it keeps its earlier ones", speech.pk)
    return found, late


def _batches(ids):
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]


def _results(matches, params):
    # Published only, whatever the index says: a speech unpublished a moment ago never shows.
    speeches = Speech.objects.published().for_listing().in_bulk(matches.speech_ids)
    hits = []
    for sid in matches.speech_ids:
        speech = speeches.get(sid)
        if speech is None:
            continue
        url = speech.get_absolute_url()
        rows = [
            ParagraphHit(paragraph, html, f"{url}#p{pos}" if pos else url)
            for pos, html, paragraph in matches.best.get(sid, [])
        ]
        hits.append(SpeechHit(speech, rows))
    return SearchResults(
        total=matches.total,
        paragraph_total=matches.paragraph_total,
        hits=hits,
        speakers=_top(matches.speakers, Speaker.objects.only("name", "slug"), "speaker"),
        years=[
            FacetValue(year, str(year), n, {"date_from": f"{year}-01-01", "date_to": f"{year}-12-31"})
            for year, n in sorted(matches.years.items())
        ],
        venues=_top(matches.venues, Venue.objects.only("name", "slug"), "venue"),
        topics=_top(matches.topics, Topic.objects.only("name", "name_ru", "slug"), "topic"),
        places=_top(matches.places, Place.objects.only("name", "name_ru", "slug"), "place"),
        kinds=[
            FacetValue(value, Speech.Kind(value).label, n, {"kind": value})
            for value, n in sorted(matches.kinds.items(), key=lambda item: (-item[1], item[0]))
            if value in Speech.Kind.values
        ],
        suggestion=_suggestion(params.text, matches.suggestion),
        page=matches.page,
        cut_prefixes=matches.cut_prefixes,
        timed_out=matches.timed_out,
    )


def _suggestion(text, corrections):
    """The reader's query with each misspelt word replaced, or "" when nothing is misspelt."""
    if not corrections:
        return ""
    return replace_words(text, corrections)


def _top(counts, queryset, parameter, limit=10):
    """The `limit` records with most addresses, as FacetValues selected by their slug."""
    objects = queryset.in_bulk(list(counts))
    found = [
        FacetValue(pk, str(objects[pk]), n, {parameter: objects[pk].slug}, objects[pk])
        for pk, n in counts.items()
        if pk in objects
    ]
    return sorted(found, key=lambda value: (-value.count, value.label))[:limit]


# Index upkeep. A change that needs the index queues its speech as an IndexUpdate row in the change's own
# transaction, so the work outlives a process that dies once the change is committed. The queue is drained when
# the transaction commits, at the end of a bulk_indexing() block (one index commit for a whole import), when an
# import starts and by check_index: whoever drains next does what a killed process left undone.

_local = threading.local()


class _Transaction:
    """The speeches one transaction queued; called once when it commits, to index them."""

    def __init__(self):
        # Speech id -> the savepoints open when its row was inserted: while they all stand, the row does too.
        self.queued = {}
        self.done = False

    def __call__(self):
        self.done = True
        if not getattr(_local, "bulk", 0):  # the block's end drains the whole queue in one index commit
            _drain_logged(list(self.queued))


def queue_speech(speech_id):
    """Queue a speech for (re)indexing or removal once the current transaction commits."""
    connection = transaction.get_connection()
    current = getattr(_local, "transaction", None)
    # A rollback drops the callback from the connection's list without calling it: the transaction is a new one.
    fresh = current is None or current.done or not any(entry[1] is current for entry in connection.run_on_commit)
    if fresh:
        current = _local.transaction = _Transaction()
    # Blocks without a savepoint (None) are rolled back only with the savepoint or transaction around them.
    savepoints = {sid for sid in connection.savepoint_ids if sid}
    queued_under = current.queued.get(speech_id)
    shown = (page_cache.speech_tag(speech_id), page_cache.LISTINGS)
    if queued_under is not None and queued_under <= savepoints:
        # An earlier change in this transaction queued it, and that row still stands; its pages are stamped again
        # when it commits. A page rendered since that change within this transaction must not be kept either.
        page_cache.changed(*shown, when_committed=False)
        return
    IndexUpdate.objects.create(speech_id=speech_id)
    page_cache.changed(*shown)
    current.queued[speech_id] = savepoints
    if fresh:
        # Once per transaction; outside one, this runs at once, after the row is in.
        transaction.on_commit(current)


def drain(speech_ids=None):
    """Index the queued speeches (all of them, or these) and delete their rows; return how many rows were drained.

    Only the rows read are deleted, by id: a row another transaction commits meanwhile stays for the next drain.
    """
    rows = IndexUpdate.objects.order_by("id")
    if speech_ids is not None:
        rows = rows.filter(speech_id__in=speech_ids)
    rows = list(rows.values_list("id", "speech_id"))
    if not rows:
        return 0
    drained = {speech_id for _, speech_id in rows}
    index_speeches(drained)
    # Search results and highlights follow the index, which changes only now.
    page_cache.changed(page_cache.LISTINGS, *map(page_cache.speech_tag, drained))
    _delete_queued([pk for pk, _ in rows])
    current = getattr(_local, "transaction", None)
    if current is not None:
        # Drained inside the transaction that queued them: a later change to these speeches must queue them again.
        for speech_id in drained:
            current.queued.pop(speech_id, None)
    return len(rows)


def _delete_queued(ids):
    for batch in _batches(ids):
        IndexUpdate.objects.filter(id__in=batch).delete()


def drain_when_committed():
    """Drain the whole queue once the current transaction commits, or now outside a transaction."""
    transaction.on_commit(_drain_logged)


def _drain_logged(speech_ids=None):
    try:
        drain(speech_ids)
    except IndexUnavailable as error:
        logger.warning("%s The queued updates are kept for the next drain.", error)
    except Exception:  # the page that saved the speech must not fail; the rows stay queued for the next drain
        logger.exception("Could not update the search index; the queued updates are kept for the next drain")


@contextlib.contextmanager
def bulk_indexing():
    """Leave the speeches changed inside the block queued, and drain the queue in one index commit at its end."""
    _local.bulk = getattr(_local, "bulk", 0) + 1
    try:
        yield
    finally:
        _local.bulk -= 1
        if not _local.bulk:
            drain_when_committed()
