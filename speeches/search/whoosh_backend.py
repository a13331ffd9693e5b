"""Whoosh backend: an index directory on local disk, one document per paragraph.

Layout: ``<SEARCH_INDEX_DIR>/current`` is a symlink to the live index directory. A rebuild writes a new
directory beside it and replaces the symlink with ``os.replace``, so readers never see a half-built
index and a rebuild killed midway leaves the old one serving.

Speed: texts are indexed but not stored (snippets come from the database, for the few paragraphs shown);
filters, facets and grouping read one small per-document column (``meta``) that is decoded once per
segment and kept in memory, so a query costs one scored pass over its matches.
"""

import collections
import datetime
import fcntl
import logging
import math
import os
import shutil
import sys
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager, suppress
from pathlib import Path

from whoosh import columns, fields, index
from whoosh import query as wq
from whoosh.analysis import LowercaseFilter, RegexTokenizer, StopFilter
from whoosh.collectors import TimeLimitCollector
from whoosh.filedb.filestore import FileStorage
from whoosh.matching import ListMatcher, NullMatcher
from whoosh.query.spans import SpanNear
from whoosh.reading import TermNotFound
from whoosh.searching import TimeLimit

from speeches.models import Paragraph, Speech

from .documents import compare_with_database, load_paragraphs, speeches_for_index, stamp, tag_counts
from .health import MISSING, OUTDATED, IndexUnavailable, require_documents, unreadable
from .highlight import mark_spans, snippet
from .limits import MAX_PREFIX_WORDS, Budget, SearchTimeout, prefixes
from .occurrences import patterns, stretches_at
from .query import And, Not, Or, Phrase, Prefix, Word, correctable_words, positive_terms, proximity_runs
from .ranking import APART, closeness, paragraph_key, speech_order, squeeze
from .text import COMMON_WORDS, TOKEN_PATTERN, is_common, stem, word_count
from .types import PARAGRAPHS_PER_SPEECH, Found, Matches, Occurrences

logger = logging.getLogger(__name__)

# One field of unstemmed words, with positions. Stemmed search expands a query word to every indexed word
# with the same stem (read from the lexicon, cached per segment), so "exact words" needs no second field
# and indexing costs half as much. Every word is indexed, common ones too, so that a quoted phrase matches
# each of its words in place ("to be or not to be"); words outside quotes leave the common ones out.
WORDS = RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter()
SEARCHED_WORDS = WORDS | StopFilter(stoplist=COMMON_WORDS, minsize=1)
TYPICAL_SCORE = 8.0  # about the median BM25F score of a paragraph matching two words, on the English transcripts

SCHEMA = fields.Schema(
    speech=fields.ID(),
    head=fields.ID(),  # "1" on the one document per speech that holds its title and lead
    stamp=fields.STORED(),  # "<speech id> <updated>" on head documents, to find stale speeches
    words=fields.TEXT(analyzer=WORDS),
    # "speech position speaker date-ordinal venue kind language words": everything filters, facets and the
    # research tools' rates need.
    meta=fields.COLUMN(columns.VarBytesColumn()),
)
# Written in each index directory: an index of another format is rebuilt, not misread.
FORMAT = "2"  # 2: a paragraph's meta ends with its number of words
FORMAT_FILE = "archive-format"


WRITER_TIMEOUT = 120  # seconds to wait for another process's writer instead of failing
WRITER_LIMIT_MB = 64
UPDATE_SLICE = 500
# One process: with a single indexed field, worker processes (procs=2) measured no faster here.
REBUILD_LIMIT_MB = 256


def documents(speech):
    """Yield the index documents of one speech: its title and lead, then each paragraph."""
    common = f"{speech.date.toordinal()} {speech.venue_id or 0} {speech.kind} {speech.language}"
    sid = str(speech.id)
    head = "\n".join(part for part in (speech.title, speech.lead) if part)
    yield {
        "speech": sid,
        "head": "1",
        "stamp": f"{sid} {stamp(speech)}",
        "words": head,
        "meta": f"{sid} 0 0 {common} 0".encode(),
    }
    for paragraph in speech.paragraphs.all():
        if paragraph.kind == Paragraph.Kind.SEPARATOR or not paragraph.text:
            continue
        words = word_count(paragraph.text)
        yield {
            "speech": sid,
            "words": paragraph.text,
            "meta": f"{sid} {paragraph.position} {paragraph.speaker_id or 0} {common} {words}".encode(),
        }


def _meta(raw, intern=sys.intern):
    sid, position, speaker, day, venue, kind, language, words = raw.split()
    return (
        int(sid),
        int(position),
        int(speaker),
        int(day),
        int(venue),
        intern(kind.decode()),
        intern(language.decode()),
        int(words),
    )


def open_index(path):
    """Open the index in a directory, reading its files with plain reads."""
    # Not through mmap, Whoosh's default: a segment file truncated under a mapping kills the process with SIGBUS,
    # where a plain read raises an error the search page can answer. Measured no slower here.
    return FileStorage(str(path), supports_mmap=False).open_index()


def _file_sizes(directory):
    sizes = {}
    for path in directory.iterdir():
        with suppress(FileNotFoundError):  # a writer's leftovers, deleted as we look
            sizes[path] = path.stat().st_size
    return sizes


def _leaves(searcher):
    return list(searcher.reader().leaf_readers()) if searcher.doc_count_all() else []


class _Reader:
    """One open index directory, and what searches read from it once: each document's meta and the words."""

    def __init__(self, path):
        self.path = path
        self.ix = open_index(path)
        self.searcher = self.ix.searcher()
        self._sizes = _file_sizes(path)
        self._segment_metas = {}
        self._metas = (None, None)
        self._segment_forms = {}
        self._forms = (None, None)
        self._word_counts = (None, {})

    def current_searcher(self):
        # Not Searcher.refresh(): it reuses segment readers whose deletions have since changed,
        # so removed speeches would stay visible.
        if not self.searcher.up_to_date():
            self.searcher.close()
            self.searcher = self.ix.searcher()
            self._sizes = _file_sizes(self.path)
        # A file cut short under an open reader may still answer from its read buffer, then fail anywhere: stop
        # at once. A file gone is a segment a writer merged away, still readable through the open handle.
        for path, size in self._sizes.items():
            with suppress(FileNotFoundError):
                if path.stat().st_size < size:
                    raise EOFError(f"{path.name} was cut short")
        return self.searcher

    def load(self):
        """Read now what the first search would otherwise read: the meta column, the words, the field lengths."""
        searcher = self.current_searcher()
        self.metas(searcher)
        self.forms(searcher)
        for leaf, _ in _leaves(searcher):
            if leaf.doc_count_all():
                leaf.doc_field_length(0, "words")
        return searcher

    def metas(self, searcher):
        """The decoded meta column of every document, by document number."""
        leaves = _leaves(searcher)
        keys = tuple(leaf.segment().segment_id() for leaf, _ in leaves)
        if self._metas[0] == keys:
            return self._metas[1]
        metas, cache = [], {}
        for (leaf, _), key in zip(leaves, keys, strict=True):
            if key not in self._segment_metas:
                self._segment_metas[key] = [_meta(raw) if raw else None for raw in leaf.column_reader("meta")]
            cache[key] = self._segment_metas[key]
            metas.extend(cache[key])
        self._segment_metas = cache
        self._metas = (keys, metas)
        return metas

    def forms(self, searcher):
        """{stem: indexed words with that stem}, for expanding stemmed queries."""
        leaves = _leaves(searcher)
        keys = tuple(leaf.segment().segment_id() for leaf, _ in leaves)
        if self._forms[0] == keys:
            return self._forms[1]
        cache, forms = {}, {}
        for (leaf, _), key in zip(leaves, keys, strict=True):
            if key not in self._segment_forms:
                by_stem = {}
                for raw in leaf.lexicon("words"):
                    word = raw.decode("utf-8")
                    by_stem.setdefault(stem(word), set()).add(word)
                self._segment_forms[key] = by_stem
            cache[key] = self._segment_forms[key]
            for root, words in cache[key].items():
                forms.setdefault(root, set()).update(words)
        self._segment_forms = cache
        self._forms = (keys, forms)
        return forms

    def word_counts(self, searcher, params):
        """Words of the paragraphs the filters keep: a Counter by (year, month, speaker id)."""
        metas = self.metas(searcher)
        # Per searcher: a new one comes with every commit, and a commit may only delete documents.
        if self._word_counts[0] is not searcher:
            self._word_counts = (searcher, {})
        cache = self._word_counts[1]
        filters = (
            params.speaker,
            params.venue,
            params.topic,
            params.place,
            params.kind,
            params.language,
            params.date_from,
            params.date_to,
        )
        if filters not in cache:
            keep = _meta_filter(params)
            deleted = set()
            for leaf, offset in _leaves(searcher):
                if leaf.has_deletions():
                    deleted.update(offset + doc for doc in leaf.deleted_docs_set)
            by_day = collections.Counter()
            for doc, meta in enumerate(metas):
                if meta is not None and meta[1] and keep(meta) and doc not in deleted:
                    by_day[meta[3], meta[2]] += meta[7]
            counts = collections.Counter()
            for (day, speaker), words in by_day.items():
                date = datetime.date.fromordinal(day)
                counts[date.year, date.month, speaker] += words
            cache[filters] = counts
        return cache[filters]

    def close(self):
        # Closing only lets go of file handles: a file that vanished or broke meanwhile must not hide why.
        with suppress(Exception):
            self.searcher.close()


class WhooshBackend:
    def __init__(self, root):
        self.root = Path(root)
        self._lock = threading.RLock()
        self._reader = None
        self._loading = None  # the index directory a background thread is loading

    # Where the live index is

    def _current(self):
        try:
            return self.root / os.readlink(self.root / "current")
        except (FileNotFoundError, OSError):
            return None

    @contextmanager
    def _directory_lock(self):
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _new_directory(self):
        self.root.mkdir(parents=True, exist_ok=True)
        path = Path(tempfile.mkdtemp(prefix="index-", dir=self.root))
        index.create_in(path, SCHEMA)
        (path / FORMAT_FILE).write_text(FORMAT)
        return path

    def _swap(self, path):
        link = self.root / f".current-{uuid.uuid4().hex}"
        os.symlink(path.name, link)
        os.replace(link, self.root / "current")

    def _live(self):
        """The live index directory; raise IndexUnavailable when there is none."""
        # Only a rebuild creates an index: an empty one made here would answer every search "no match".
        path = self._current()
        if path is None or not path.is_dir():
            raise IndexUnavailable(MISSING, f"there is no index directory at {self.root / 'current'}")
        try:
            built = (path / FORMAT_FILE).read_text()
        except FileNotFoundError:
            built = "1"
        if built != FORMAT:
            raise IndexUnavailable(OUTDATED, f"{path} holds format {built}, and this version reads format {FORMAT}")
        return path

    def _index(self):
        """Open the live index, for writing."""
        path = self._live()
        try:
            return open_index(path)
        except Exception as error:
            raise unreadable(error) from error

    # Keeping the live index open and loaded

    @contextmanager
    def _reading(self):
        """Yield the live index's searcher under the lock; any failure to read the index makes it unavailable."""
        with self._lock:
            try:
                yield self._get_searcher()
            except (IndexUnavailable, SearchTimeout):
                raise
            except Exception as error:
                # The index is disposable: whatever breaks in reading it (a truncated or damaged file) a rebuild
                # cures, and the next search opens it afresh.
                logger.exception("Could not read the search index")
                self._close_reader()
                raise unreadable(error) from error

    def _get_searcher(self):
        try:
            path = self._live()
        except IndexUnavailable:
            self._close_reader()  # let go of the files of an index that was removed
            raise
        reader = self._reader
        if reader is not None and reader.path != path and reader.path.is_dir():
            # Another process swapped in a rebuilt index, and the previous one stays on disk a while: answer from
            # it while the new one loads in the background, rather than make this search wait for the loading.
            self._load_in_background(path)
            return reader.current_searcher()
        if reader is None or reader.path != path:
            self._install(self._open_reader(path))
        return self._reader.current_searcher()

    def _open_reader(self, path):
        reader = _Reader(path)
        try:
            reader.load()
        except BaseException:
            reader.close()
            raise
        return reader

    def _install(self, reader):
        with self._lock:
            self._close_reader()
            self._reader = reader

    def _close_reader(self):
        if self._reader is not None:
            self._reader.close()
            self._reader = None

    def _load_in_background(self, path):
        if self._loading != path:
            self._loading = path
            threading.Thread(target=self._load, args=(path,), name="search-index-load", daemon=True).start()

    def _load(self, path):
        try:
            reader = self._open_reader(path)
        except Exception:
            logger.exception("Could not load the search index at %s", path)
            reader = None
        with self._lock:
            self._loading = None
            if reader is None:
                self._close_reader()  # the next search opens the live index itself, and says why it cannot
            elif self._current() == path:
                self._install(reader)
            else:
                reader.close()

    def warm(self):
        """Open the live index and load it now, so that the first search need not."""
        with self._reading():
            pass

    def status(self):
        """Return how many documents the live index holds; raise IndexUnavailable when it cannot answer."""
        # Opened afresh, not the loaded reader: files broken since it was loaded show here. Opening reads each
        # segment's directory, which a truncated file has lost.
        path = self._live()
        try:
            reader = _Reader(path)
        except Exception as error:
            raise unreadable(error) from error
        try:
            return reader.searcher.doc_count()
        finally:
            reader.close()

    def _doc_metas(self, searcher):
        return self._reader.metas(searcher)

    def _stem_forms(self, searcher):
        return self._reader.forms(searcher)

    def _refresh(self, path):
        """Load what a write in this process added, so that the next search here need not."""
        with self._lock:
            if self._reader is not None and self._reader.path == path:
                try:
                    self._reader.load()
                except Exception:
                    logger.exception("Could not read the search index")
                    self._close_reader()

    # Writing

    def update(self, ids):
        ix = self._index()
        # A bulk import's batch gets the rebuild's memory: fewer, larger segments to write and merge.
        limitmb = REBUILD_LIMIT_MB if len(ids) > UPDATE_SLICE else WRITER_LIMIT_MB
        writer = ix.writer(timeout=WRITER_TIMEOUT, limitmb=limitmb)
        try:
            for sid in ids:
                writer.delete_by_term("speech", str(sid))
            # In slices: a whole import's speeches need not be in memory at once.
            for start in range(0, len(ids), UPDATE_SLICE):
                for speech in speeches_for_index(ids[start : start + UPDATE_SLICE]):
                    for doc in documents(speech):
                        writer.add_document(**doc)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        self._refresh(Path(ix.storage.folder))

    def remove(self, ids):
        ix = self._index()
        writer = ix.writer(timeout=WRITER_TIMEOUT)
        try:
            for sid in ids:
                writer.delete_by_term("speech", str(sid))
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        self._refresh(Path(ix.storage.folder))

    def rebuild(self, progress=None):
        path = self._new_directory()
        count = 0
        try:
            writer = open_index(path).writer(limitmb=REBUILD_LIMIT_MB)
            try:
                for speech in speeches_for_index().iterator(chunk_size=500):
                    for doc in documents(speech):
                        writer.add_document(**doc)
                    count += 1
                    if progress:
                        progress(count)
            except BaseException:
                writer.cancel()
                raise
            writer.commit()
            # Loaded before the swap: this process's next search finds it ready, and the files are in the
            # page cache for the other processes, which load it in the background when they see the swap.
            reader = self._open_reader(path)
        except BaseException:
            shutil.rmtree(path, ignore_errors=True)
            raise
        # Under the reader lock too: no search here sees the new directory live before its reader is in place.
        with self._lock, self._directory_lock():
            previous = self._current()
            self._swap(path)
            self._remove_old(keep={path, previous})
            self._install(reader)
        # Speeches saved while the rebuild read the database went to the old index: catch up.
        missing, stale, unpublished = compare_with_database(self.indexed_stamps())
        if missing or stale or unpublished:
            self.update(sorted({*missing, *stale, *unpublished}))
        return count

    def _remove_old(self, keep):
        # The previous index stays: another process may still be reading it until its next search.
        # A directory touched in the last hour may be another rebuild at work; older ones are leftovers
        # of rebuilds that were killed.
        for path in self.root.glob("index-*"):
            if path not in keep and path.is_dir() and time.time() - path.stat().st_mtime > 3600:
                shutil.rmtree(path, ignore_errors=True)

    def indexed_stamps(self):
        # A searcher of its own: the stamps need none of what a serving reader loads for searches (every word's
        # stem), which took seconds of a check at each start.
        stamps = {}
        try:
            with self._index().searcher() as searcher:
                for stored in searcher.documents(head="1"):
                    sid, value = stored["stamp"].split(" ", 1)
                    stamps[int(sid)] = value
        except IndexUnavailable:
            raise
        except Exception as error:
            raise unreadable(error) from error
        return stamps

    # Reading

    def search(self, params, budget=None):
        budget = budget or Budget()
        with self._reading() as searcher:
            documents = searcher.doc_count()
            require_documents(documents)
            forms = self._stem_forms(searcher)
            query = compile_query(params.query, params.exact, forms, searcher.reader())
            if query is None or query is wq.NullQuery or not documents:
                return Matches(suggestion=self._suggestion(searcher, params))
            expansions, cut = self._expand_prefixes(searcher, params.query)
            query = _limit_prefixes(query, expansions)
            metas = self._doc_metas(searcher)
            keep = _meta_filter(params)
            matches, best = self._collect(searcher, query, params, metas, keep, forms, budget)
            matches.cut_prefixes = list(cut)
            if matches.total < 5 and not matches.timed_out:
                matches.suggestion = self._suggestion(searcher, params)
            highlighter = Highlighter(params.query, params.exact, forms, cut)
        return _with_snippets(matches, best, highlighter)

    def _expand_prefixes(self, searcher, tree):
        """{prefix: the indexed words it matches}, and those cut to the MAX_PREFIX_WORDS most frequent."""
        reader = searcher.reader()
        expansions, cut = {}, {}
        for node in prefixes(tree):
            if node.text in expansions:
                continue
            words = [raw.decode("utf-8") for raw in reader.expand_prefix("words", node.text)]
            if len(words) > MAX_PREFIX_WORDS:
                frequency = {word: reader.doc_frequency("words", word) for word in words}
                words = sorted(words, key=lambda word: (-frequency[word], word))[:MAX_PREFIX_WORDS]
                cut[node.text] = words
            expansions[node.text] = words
        return expansions, cut

    def _collect(self, searcher, query, params, metas, keep, forms, budget):
        # One scored pass over every match, best first (measured faster than an unscored pass for counts
        # plus scored passes for the order and the snippets).
        found, timed_out = _matching_documents(searcher, query, budget)
        scored = [(doc, score) for doc, score in found if keep(metas[doc])]
        docs = [doc for doc, _ in scored]
        if timed_out and not docs:
            raise SearchTimeout
        matches = _aggregate(docs, metas)
        matches.topics, matches.places = tag_counts({metas[doc][0] for doc in docs})
        matches.timed_out = timed_out
        if params.sort == "relevance":
            tiers = _closeness(searcher, sorted(docs), params, forms)
            keys = {doc: paragraph_key(tiers.get(doc, APART), squeeze(score, TYPICAL_SCORE)) for doc, score in scored}
            docs.sort(key=lambda doc: -keys[doc])  # stable: equal keys keep the score order
            order = speech_order((metas[doc][0], metas[doc][1], metas[doc][3], keys[doc]) for doc in docs)
        else:
            days = {metas[doc][0]: metas[doc][3] for doc in docs}
            order = sorted(days, key=lambda sid: (days[sid], sid), reverse=params.sort == "newest")
        matches.page = min(params.page, max(1, -(-len(order) // params.per_page)))  # past the last: the last
        start = (matches.page - 1) * params.per_page
        matches.speech_ids = order[start : start + params.per_page]
        page = set(matches.speech_ids)
        best = {}
        for doc in docs:
            sid, position = metas[doc][:2]
            if sid in page:
                positions = best.setdefault(sid, [])
                if len(positions) < PARAGRAPHS_PER_SPEECH:
                    positions.append(position)
        return matches, best

    def _suggestion(self, searcher, params):
        if not searcher.doc_count():
            return {}
        reader = searcher.reader()
        corrections = {}
        for word in correctable_words(params.query):
            lowered = word.lower()
            if not reader.doc_frequency("words", lowered) and stem(lowered) not in self._stem_forms(searcher):
                suggestions = searcher.suggest("words", lowered, limit=1, maxdist=2, prefix=1)
                if suggestions:
                    corrections[word] = suggestions[0]
        return corrections

    def highlight(self, speech, paragraphs, params):
        with self._reading() as searcher:
            _, cut = self._expand_prefixes(searcher, params.query)
            highlighter = Highlighter(params.query, params.exact, self._stem_forms(searcher), cut)
        marked = {}
        for paragraph in paragraphs:
            spans = highlighter.spans(paragraph.text, speech.language)
            if spans:
                marked[paragraph.position] = mark_spans(paragraph.text, spans)
        return marked

    def occurrences(self, params, budget=None):
        budget = budget or Budget()
        with self._reading() as searcher:
            require_documents(searcher.doc_count())
            forms = self._stem_forms(searcher)
            query = compile_query(params.query, params.exact, forms, searcher.reader())
            expansions, cut = self._expand_prefixes(searcher, params.query)
            found_patterns = patterns(params.query, params.exact, cut)
            if query is None or query is wq.NullQuery:
                return Occurrences(patterns=found_patterns)
            metas = self._doc_metas(searcher)
            keep = _meta_filter(params)
            slot_words = [[_slot_words(slot, forms, expansions) for slot in pattern] for pattern in found_patterns]
            if _any_of_words(params.query) and all(len(pattern) == 1 for pattern in slot_words):
                # Any of some words: the paragraphs that hold them are those their postings list, and the count in
                # each is how often they stand there, which the postings keep without their positions.
                counts = _frequencies(searcher, {word for (words,) in slot_words for word in words}, budget)
                docs = (doc for doc in sorted(counts) if metas[doc][1] and keep(metas[doc]))
                found = ((doc, counts[doc]) for doc in docs)
            else:
                query = _limit_prefixes(query, expansions)
                matched, timed_out = _matching_documents(searcher, query, budget, scored=False)
                if timed_out:
                    raise SearchTimeout  # a count cut short is not a count
                # Paragraphs only: a title is not said, and has no place in a concordance.
                docs = sorted(doc for doc, _ in matched if metas[doc][1] and keep(metas[doc]))
                positions = [[_positions(searcher, words, docs) for words in pattern] for pattern in slot_words]
                budget.check()
                found = (
                    (doc, len(stretches_at([[set(at.get(doc, ())) for at in pattern] for pattern in positions])))
                    for doc in docs
                )
            make = Found._make  # from a tuple, without a call to Python per paragraph
            paragraphs = [make(metas[doc][:4] + (count,)) for doc, count in found if count]
        return Occurrences(paragraphs=paragraphs, patterns=found_patterns)

    def best_paragraphs(self, params, limit, budget=None):
        budget = budget or Budget()
        with self._reading() as searcher:
            require_documents(searcher.doc_count())
            forms = self._stem_forms(searcher)
            tree = _without_frequent_words(params.query, params.exact, forms, searcher)
            query = compile_query(tree, params.exact, forms, searcher.reader())
            if query is None or query is wq.NullQuery:
                return []
            metas = self._doc_metas(searcher)
            keep = _meta_filter(params)
            found, _ = _matching_documents(searcher, query, budget)
            best = [doc for doc, _ in found if metas[doc][1] and keep(metas[doc])][:limit]
            return [tuple(metas[doc][:2]) for doc in best]

    def word_counts(self, params):
        with self._reading() as searcher:
            return self._reader.word_counts(searcher, params)

    def more_like(self, speech, limit):
        # The opening of a long transcript says enough about it; reading all of it costs more than it adds.
        text = "\n".join(speech.paragraphs.values_list("text", flat=True))[:20_000]
        with self._reading() as searcher:
            if not searcher.doc_count():
                return []
            terms = _key_terms(searcher, text)
            if not terms:
                return []
            metas = self._doc_metas(searcher)
            related = []
            for doc in searcher.search(wq.Or([wq.Term("words", term) for term in terms]), limit=40).docs():
                sid = metas[doc][0]
                if sid != speech.id and sid not in related:
                    related.append(sid)
                    if len(related) == limit:
                        break
        return related


def _key_terms(searcher, text, count=8, candidates=200):
    """The words that say what a text is about: frequent in it, rare in the archive (weighed as tf-idf).

    Only the text's most frequent words are looked up in the index, and common ones never are: Whoosh's own
    key-term model weighs every distinct word, which takes most of a second on the longest transcripts.
    """
    reader = searcher.reader()
    total = searcher.doc_count_all()
    # Distinctive words only, found in one paragraph in a thousand at most: common ones match much of the archive,
    # say little about the text, and make the query slow.
    rare = max(total / 1000, 20)
    frequencies = collections.Counter(
        token.text for token in SCHEMA["words"].analyzer(text) if len(token.text) > 3 and token.text not in COMMON_WORDS
    )
    weighed = []
    for term, frequency in frequencies.most_common(candidates):
        documents = reader.doc_frequency("words", term)
        if 0 < documents < rare:
            weighed.append((-frequency * math.log(total / documents), term))
    return [term for _, term in sorted(weighed)[:count]]


def _matching_documents(searcher, query, budget, scored=True):
    """The (document, score) pairs matching query found within the budget, best first, and whether time ran out."""
    budget.check()
    # No alarm signal: it reaches only the main thread and would interrupt whatever runs there. The collector
    # looks at the clock between documents instead.
    collector = TimeLimitCollector(
        searcher.collector(limit=None, scored=scored), budget.remaining(), greedy=True, use_alarm=False
    )
    try:
        searcher.search_with_collector(query, collector)
    except TimeLimit:
        return collector.results().items(), True
    return collector.results().items(), False


def _slot_words(slot, forms, expansions):
    """The indexed words that may stand at a slot of an occurrence pattern."""
    if slot.stem:
        return sorted(forms.get(slot.stem, ()))
    if slot.word:
        return [slot.word]
    if slot.prefix:
        return list(expansions.get(slot.prefix, ()))
    return sorted(slot.words)


FREQUENT = 0.02  # a word in more than this share of the paragraphs says little about which one is meant
KEPT_WORDS = 3  # the fewest words a quotation is looked for by


def _without_frequent_words(tree, exact, forms, searcher):
    """Any of some words, without those found in many paragraphs: the rarer ones, and at least the KEPT_WORDS rarest.

    The paragraphs that hold a quotation hold its rare words too, and scoring every paragraph with one of its
    frequent words ("people", "country") took over a second on a large archive.
    """
    if not isinstance(tree, Or) or not all(isinstance(child, Word) for child in tree.children):
        return tree
    reader, most = searcher.reader(), FREQUENT * searcher.doc_count()
    frequency = {
        child: sum(reader.doc_frequency("words", form) for form in _forms(child.text.lower(), exact, forms))
        for child in tree.children
    }
    rarest = sorted(tree.children, key=lambda child: (frequency[child], child.text))
    kept = [child for n, child in enumerate(rarest) if n < KEPT_WORDS or frequency[child] <= most]
    return Or(tuple(kept)) if len(kept) > 1 else kept[0]


def _any_of_words(node):
    """Whether a query asks for any of some words, prefixes or one-word phrases, and nothing else."""
    if isinstance(node, Or):
        return all(_any_of_words(child) for child in node.children)
    return isinstance(node, (Word, Prefix, Phrase))


def _frequencies(searcher, words, budget):
    """{document: how often any of these words stands in it}, deleted documents left out."""
    counts = collections.Counter()
    for leaf, offset in _leaves(searcher):
        deleted = leaf.deleted_docs_set if leaf.has_deletions() else ()
        for word in words:
            try:
                postings = leaf.postings("words", word)
            except TermNotFound:
                continue
            for doc, weight in _postings_weights(postings):
                if doc not in deleted:
                    counts[offset + doc] += int(weight)
            budget.check()
    return counts


def _postings_weights(postings):
    """(document, weight) for each posting of a segment's term: a word's frequency, for a field with positions.

    A block at a time where the matcher is Whoosh's own segment matcher (it keeps each block's documents and weights
    as arrays): one call per posting took most of the time of a count over a common word.
    """
    postings = getattr(postings, "child", postings)  # a segment with deletions wraps its matcher; they are left out
    if hasattr(postings, "_read_ids") and hasattr(postings, "_read_weights") and hasattr(postings, "_next_block"):
        while postings.is_active():
            postings._read_ids()
            postings._read_weights()
            yield from zip(postings._ids[postings._i :], postings._weights[postings._i :], strict=True)
            postings._next_block()
        return
    while postings.is_active():
        yield postings.id(), postings.weight()
        postings.next()


def _limit_prefixes(query, expansions):
    """Replace each prefix of a Whoosh query by the words it was expanded to."""

    def replace(node):
        if not isinstance(node, wq.Prefix):
            return node
        words = expansions.get(node.text, ())
        if len(words) < 2:
            return wq.Term("words", words[0]) if words else wq.NullQuery
        return AnyWord("words", words)

    return query.accept(replace)


class AnyWord(wq.Or):
    """Paragraphs with any of a prefix's words, all scored alike, as Whoosh scores a prefix of its own.

    Scoring each word's postings read every matching paragraph's length before the collector could look at the
    clock: five prefixes cut to their most frequent words took over a second whatever the time budget.
    """

    def __init__(self, fieldname, words, boost=1.0):
        super().__init__([wq.Term(fieldname, word) for word in words], boost=boost)
        self.fieldname = fieldname

    def matcher(self, searcher, context=None):
        reader = searcher.reader()
        docs = set()
        for term in self.subqueries:
            with suppress(TermNotFound):
                docs.update(reader.postings(self.fieldname, term.text.encode("utf-8")).all_ids())
        if not docs:
            return NullMatcher()
        return ListMatcher(sorted(docs), all_weights=self.boost)


def _meta_filter(params):
    """A test of a document's meta against the filters (speaker, venue, topic, place, kind, language, dates)."""
    equal = [(i, v) for i, v in ((2, params.speaker), (4, params.venue), (5, params.kind), (6, params.language)) if v]
    low = params.date_from.toordinal() if params.date_from else None
    high = params.date_to.toordinal() if params.date_to else None
    filed = _filed_under(params)

    if not equal and low is None and high is None and filed is None:
        # No filter: every document with a meta is kept, and a research count asks this of every paragraph.
        return _has_meta

    def keep(meta):
        if meta is None:
            return False
        for i, value in equal:
            if meta[i] != value:
                return False
        if filed is not None and meta[0] not in filed:
            return False
        return (low is None or meta[3] >= low) and (high is None or meta[3] <= high)

    return keep


def _filed_under(params):
    """The ids of the speeches filed under the topic and the place asked for; None when neither is.

    Asked of the database, not kept in the index: a speech's tags change without its text, and a search then
    follows them at once.
    """
    if not (params.topic or params.place):
        return None
    speeches = Speech.objects.order_by()
    if params.topic:
        speeches = speeches.filter(topics=params.topic)
    if params.place:
        speeches = speeches.filter(places=params.place)
    return frozenset(speeches.values_list("id", flat=True))


def _has_meta(meta):
    return meta is not None


def _aggregate(docs, metas):
    speeches = {}
    speaker_speeches = set()
    for doc in docs:
        meta = metas[doc]
        speeches[meta[0]] = meta
        if meta[2]:
            speaker_speeches.add((meta[2], meta[0]))
    matches = Matches(total=len(speeches), paragraph_total=len(docs))
    for speaker, _ in speaker_speeches:
        matches.speakers[speaker] = matches.speakers.get(speaker, 0) + 1
    years = {}
    for meta in speeches.values():
        years[meta[3]] = years.get(meta[3], 0) + 1
        if meta[4]:
            matches.venues[meta[4]] = matches.venues.get(meta[4], 0) + 1
        matches.kinds[meta[5]] = matches.kinds.get(meta[5], 0) + 1
    for day, n in years.items():
        year = datetime.date.fromordinal(day).year
        matches.years[year] = matches.years.get(year, 0) + n
    return matches


def _with_snippets(matches, best, highlighter):
    paragraphs = load_paragraphs({(sid, pos) for sid, positions in best.items() for pos in positions if pos})
    speeches = Speech.objects.only("title", "lead", "language").in_bulk(best) if best else {}
    for sid, positions in best.items():
        speech = speeches.get(sid)
        if speech is None:
            continue
        rows = []
        for pos in positions:
            paragraph = paragraphs.get((sid, pos))
            text = paragraph.text if paragraph else "\n".join(p for p in (speech.title, speech.lead) if p)
            if pos and paragraph is None:
                continue
            rows.append((pos, snippet(text, highlighter.spans(text, speech.language)), paragraph))
        matches.best[sid] = rows
    return matches


class Highlighter:
    """Find where a paragraph's words match the query: the same words the query matched in the index.

    A word or prefix is marked wherever it stands; a phrase only where its words follow one another. A prefix
    cut to its most frequent words (``cut``: prefix -> words) marks only those.
    """

    def __init__(self, tree, exact, forms, cut=None):
        self.terms, self.phrases, prefixes = set(), [], []
        cut = cut or {}
        for term in positive_terms(tree):
            if isinstance(term, Prefix):
                if term.text in cut:
                    self.terms.update(cut[term.text])
                else:
                    prefixes.append(term.text)
            elif isinstance(term, Phrase):
                words = _phrase_words(term.text, exact, forms)
                if len(words) > 1:
                    self.phrases.append(words)
                elif words:
                    self.terms.update(words[0])
            else:
                for word in _searched_words(term.text):
                    self.terms.update(_forms(word, exact, forms))
        self.prefixes = tuple(prefixes)

    def spans(self, text, language=None):
        terms, prefixes, phrases = self.terms, self.prefixes, self.phrases
        if not terms and not prefixes and not phrases:
            return []
        # The analyzer reuses one token object: keep plain tuples.
        tokens = [(token.text, token.startchar, token.endchar) for token in WORDS(text, chars=True)]
        found = [
            (start, end) for word, start, end in tokens if word in terms or (prefixes and word.startswith(prefixes))
        ]
        for phrase in phrases:
            size = len(phrase)
            for at in range(len(tokens) - size + 1):
                if all(tokens[at + k][0] in phrase[k] for k in range(size)):
                    found.append((tokens[at][1], tokens[at + size - 1][2]))
        return found


def _searched_words(text):
    """The words of a query word outside quotes that are searched: common words are left out."""
    return [token.text for token in SEARCHED_WORDS(text)]


def _forms(word, exact, forms):
    """The indexed words a query word matches: itself when exact, else every indexed word with its stem."""
    return [word] if exact else sorted(forms.get(stem(word), ()))


def _phrase_words(text, exact, forms):
    """For each word of a phrase, the indexed words it matches; a common word matches only itself."""
    return [[word] if is_common(word) else _forms(word, exact, forms) for word in (t.text for t in WORDS(text))]


def _closeness(searcher, docs, params, forms):
    """{document: tier} for the documents (in ascending order) where some run of the query's words stands close."""
    tiers = {}
    for run in proximity_runs(params.query):
        positions = [_positions(searcher, _forms(word, params.exact, forms), docs) for word in run]
        for doc in docs:
            tier = closeness([found.get(doc, ()) for found in positions])
            if tier > tiers.get(doc, APART):
                tiers[doc] = tier
    return tiers


def _positions(searcher, words, docs):
    """{document: positions of any of these words} for the documents (in ascending order) that have them."""
    found = {}
    for word in words:
        try:
            postings = searcher.postings("words", word)
        except TermNotFound:
            continue
        for doc in docs:
            if postings.is_active() and postings.id() < doc:
                postings.skip_to(doc)
            if not postings.is_active():
                break  # past this word's last document
            if postings.id() == doc:
                found.setdefault(doc, []).extend(postings.value_as("positions"))
    return found


def compile_query(node, exact, forms, reader):
    """Turn a parsed query into a Whoosh query; without exact, each word matches every form of its stem."""
    return _compile(node, exact, forms, reader)


def _compile(node, exact, forms, reader):
    if isinstance(node, (Word, Phrase)):
        if isinstance(node, Phrase):
            alternatives = _phrase_words(node.text, exact, forms)
            with_common_words = any(is_common(token.text) for token in WORDS(node.text))
        else:
            alternatives = [_forms(word, exact, forms) for word in _searched_words(node.text)]
            with_common_words = False
        if not alternatives:
            return None  # only common words outside quotes: no constraint
        if not all(alternatives):
            return wq.NullQuery  # a word no transcript contains
        words = [_either([wq.Term("words", form) for form in forms_]) for forms_ in alternatives]
        if len(words) == 1:
            return words[0]
        if with_common_words:
            return _phrase_from_rarest(words, reader)
        if all(len(forms_) == 1 for forms_ in alternatives):
            return wq.Phrase("words", [forms_[0] for forms_ in alternatives])
        return wq.Sequence(words)
    if isinstance(node, Prefix):
        return wq.Prefix("words", node.text)
    if isinstance(node, Not):
        child = _compile(node.child, exact, forms, reader)
        return wq.Not(child) if child is not None and child is not wq.NullQuery else None
    children = [c for c in (_compile(child, exact, forms, reader) for child in node.children) if c is not None]
    if isinstance(node, Or):
        children = [c for c in children if c is not wq.NullQuery]
        # An alternative that cannot match (a common word) must not turn "A OR the" into "not A".
        children = [c for c in children if not isinstance(c, wq.Not)] or children
        return _either(children) if children else wq.NullQuery
    if isinstance(node, And):
        if any(c is wq.NullQuery for c in children):
            return wq.NullQuery
        if not any(not isinstance(c, wq.Not) for c in children):
            return None
        return children[0] if len(children) == 1 else wq.And(children)
    raise TypeError(node)


def _phrase_from_rarest(words, reader):
    """A phrase grown word by word from its rarest word outwards, the rarer neighbour first.

    Whoosh matches a phrase through pairs of its words, the first two first; with common words there ("and it is
    pleasing to note") the first pairs are in most paragraphs, and checking every one of them is slow. Grown from
    the rarest word, each step only looks at the paragraphs that matched so far.
    """

    def frequency(query):
        return sum(reader.doc_frequency(field, text) for field, text in query.iter_all_terms())

    counts = [frequency(word) for word in words]
    at = min(range(len(words)), key=counts.__getitem__)
    phrase, left, right = words[at], at - 1, at + 1
    while left >= 0 or right < len(words):
        if right < len(words) and (left < 0 or counts[right] <= counts[left]):
            phrase, right = SpanNear(phrase, words[right]), right + 1
        else:
            phrase, left = SpanNear(words[left], phrase), left - 1
    return phrase


def _either(alternatives):
    if not alternatives:
        return None
    return alternatives[0] if len(alternatives) == 1 else wq.Or(alternatives)
