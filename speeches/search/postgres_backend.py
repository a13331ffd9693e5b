"""PostgreSQL backend: weighted search vectors in the shared database, for several app servers.

Each published paragraph has a row in ParagraphSearch (position 0: title and lead) with a vector in the
speech's language ('english' or 'russian' configuration, weights A title, B lead and speaker label,
C text) and an unstemmed 'simple' vector for the "exact words" option, both under GIN indexes. A
rebuild replaces every row in one transaction, so readers see the old rows until it commits.

Each step of a search runs under what is left of its time budget (``SET LOCAL statement_timeout``): the
counts and the page of speeches must come back in time, the snippets, facets and suggestions may not.
"""

import collections
import dataclasses
import re
from contextlib import contextmanager
from functools import reduce

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.exceptions import EmptyResultSet
from django.db import OperationalError, connection, transaction
from django.db.models import (
    Case,
    Count,
    F,
    FloatField,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat, Replace
from django.utils.translation import gettext
from psycopg.errors import QueryCanceled

from speeches.models import Paragraph, ParagraphSearch, SearchWord, Speech

from .documents import load_paragraphs
from .health import OUTDATED, IndexUnavailable, require_documents
from .highlight import START, STOP, keep_phrase_matches, mark_spans, snippet, spans_from_markers
from .limits import MAX_PREFIX_WORDS, Budget, SearchTimeout, prefixes, terms
from .occurrences import OccurrenceCounter, patterns
from .query import And, Not, Or, Phrase, Prefix, QueryError, Word, correctable_words, proximity_runs
from .ranking import APART, NEAR, NEAR_ONE_ANOTHER, SIDE_BY_SIDE, TIER_STEP, TITLE_SHARE
from .text import is_common, stem, word_count, words
from .types import PARAGRAPHS_PER_SPEECH, Found, Matches, Occurrences

CONFIGS = {"en": "english", "ru": "russian"}
# ts_rank's normalization 32 squeezes a rank into [0, 1): rank / (rank + 1).
SQUEEZED = 32
# The advisory lock key that serialises index updates across processes (any constant of our own).
INDEX_LOCK = 7_262_011
WORD_COUNT_BATCH = 2_000

_ROW_SQL = """
INSERT INTO {table} (speech_id, position, speaker, language, kind, date, venue, updated, vector, exact)
SELECT p.speech_id, p.position, p.speaker_id, s.language, s.kind, s.date, s.venue_id, NULL,
       setweight(to_tsvector({config}, p.speaker_label), 'B') || setweight(to_tsvector({config}, p.text), 'C'),
       to_tsvector('simple', p.text)
FROM speeches_paragraph p JOIN speeches_speech s ON s.id = p.speech_id
WHERE s.status = 'published' AND p.kind <> 'separator' AND p.text <> '' {where}
"""
_HEAD_SQL = """
INSERT INTO {table} (speech_id, position, speaker, language, kind, date, venue, updated, vector, exact)
SELECT s.id, 0, NULL, s.language, s.kind, s.date, s.venue_id, s.updated,
       setweight(to_tsvector({config}, s.title), 'A') || setweight(to_tsvector({config}, s.lead), 'B'),
       to_tsvector('simple', s.title || ' ' || s.lead)
FROM speeches_speech s
WHERE s.status = 'published' {where}
"""
_CONFIG_SQL = "(CASE s.language WHEN 'ru' THEN 'russian' ELSE 'english' END)::regconfig"
# Paragraphs per word, for the most frequent expansions of a prefix: exact after a rebuild, at least the count
# of the largest batch that held the word after updates.
_WORDS_SQL = """
INSERT INTO {words} AS known (word, documents)
SELECT word, ndoc FROM ts_stat('SELECT exact FROM {table} {where}') WHERE length(word) BETWEEN 3 AND 100
ON CONFLICT (word) DO UPDATE SET documents = GREATEST(known.documents, EXCLUDED.documents)
"""


class PostgresBackend:
    def __init__(self, root=None):
        self.table = ParagraphSearch._meta.db_table

    def _require_postgres(self):
        if connection.vendor != "postgresql":
            raise RuntimeError("SEARCH_BACKEND 'postgres' needs DATABASE_URL to point at PostgreSQL.")

    # Writing

    def _insert(self, cursor, ids=None):
        where = "AND s.id = ANY(%s)" if ids is not None else ""
        params = [list(ids)] if ids is not None else []
        for sql in (_HEAD_SQL, _ROW_SQL):
            cursor.execute(sql.format(table=self.table, config=_CONFIG_SQL, where=where), params)
        only = "WHERE speech_id IN ({})".format(",".join(str(int(i)) for i in ids)) if ids is not None else ""
        cursor.execute(_WORDS_SQL.format(words=SearchWord._meta.db_table, table=self.table, where=only))
        self._count_words(ids)

    def _count_words(self, ids=None):
        """Set each new row's number of words, counted as every backend counts them (text.word_count)."""
        rows = ParagraphSearch.objects.filter(words__isnull=True)
        if ids is not None:
            rows = rows.filter(speech_id__in=ids)
        rows.filter(position=0).update(words=0)
        texts = rows.filter(position__gt=0).annotate(text=_paragraph("text")).values_list("id", "text")
        batch = []
        with connection.cursor() as cursor:
            for pk, text in texts.iterator(chunk_size=WORD_COUNT_BATCH):
                batch.append((pk, word_count(text or "")))
                if len(batch) == WORD_COUNT_BATCH:
                    self._set_words(cursor, batch)
                    batch = []
            if batch:
                self._set_words(cursor, batch)

    def _set_words(self, cursor, batch):
        ids, counts = zip(*batch, strict=True)
        cursor.execute(
            f"UPDATE {self.table} AS t SET words = v.words FROM unnest(%s::bigint[], %s::integer[]) AS v(id, words)"
            " WHERE t.id = v.id",
            [list(ids), list(counts)],
        )

    def update(self, ids):
        self._require_postgres()
        with transaction.atomic(), connection.cursor() as cursor:
            # Two processes draining the same queued speeches would both insert their rows: one waits for the other.
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [INDEX_LOCK])
            cursor.execute(f"DELETE FROM {self.table} WHERE speech_id = ANY(%s)", [list(ids)])
            self._insert(cursor, ids)

    def remove(self, ids):
        self._require_postgres()
        ParagraphSearch.objects.filter(speech_id__in=ids).delete()

    def rebuild(self, progress=None):
        self._require_postgres()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.table}")
            cursor.execute(f"DELETE FROM {SearchWord._meta.db_table}")
            self._insert(cursor)
            count = ParagraphSearch.objects.filter(position=0).count()
            if progress:
                progress(count)
        return count

    def indexed_stamps(self):
        rows = ParagraphSearch.objects.filter(position=0).values_list("speech_id", "updated")
        return {pk: updated.isoformat() for pk, updated in rows}

    def status(self):
        self._require_postgres()
        if ParagraphSearch.objects.filter(words__isnull=True).exists():
            raise IndexUnavailable(OUTDATED, "some rows were indexed before their words were counted")
        return int(ParagraphSearch.objects.exists())

    def warm(self):
        pass  # nothing is loaded per process: the database keeps the index

    # Reading

    def _match(self, params):
        """The filter matching the query, a row's closeness tier and its score (see ranking), on ParagraphSearch."""
        if params.exact:
            match = compile_condition(params.query, "simple", exact=True)
            return _or_nothing(match), _tier(params.query, "exact", "simple"), _score(params.query, "exact", "simple")
        english, russian = compile_condition(params.query, "english"), compile_condition(params.query, "russian")
        match = (Q(language="ru") & _or_nothing(russian)) | (~Q(language="ru") & _or_nothing(english))

        def by_language(expression, output_field):
            return Case(
                When(language="ru", then=expression(params.query, "vector", "russian")),
                default=expression(params.query, "vector", "english"),
                output_field=output_field,
            )

        return match, by_language(_tier, IntegerField()), by_language(_score, FloatField())

    def search(self, params, budget=None):
        self._require_postgres()
        budget = budget or Budget()
        _reject_nul(params)
        with _budgeted(budget):
            params, cut = self._limit_prefixes(params)
        match, tier, score = self._match(params)
        key = Value(float(TIER_STEP)) * tier + score
        rows = ParagraphSearch.objects.filter(match, **_filters(params))

        with _budgeted(budget):
            matches = _count(rows)
        matches.cut_prefixes = cut
        if not matches.total:
            require_documents(ParagraphSearch.objects.exists())

        speeches = rows.values("speech").annotate(day=Max("date"))
        if params.sort == "newest":
            speeches = speeches.order_by("-day", "-speech")
        elif params.sort == "oldest":
            speeches = speeches.order_by("day", "speech")
        else:
            title = Coalesce(Max(Case(When(position=0, then=score), output_field=FloatField())), 0.0)
            speeches = speeches.annotate(best=Max(key) + TITLE_SHARE * title).order_by("-best", "-day", "-speech")
        # Past the last page: the last, and never an offset beyond what a bigint holds.
        matches.page = min(params.page, max(1, -(-matches.total // params.per_page)))
        offset = (matches.page - 1) * params.per_page
        with _budgeted(budget):
            matches.speech_ids = [row["speech"] for row in speeches[offset : offset + params.per_page]]

        # The rest fills in the page; when time runs out, the page shows what came back before.
        try:
            with _budgeted(budget):
                best = {}
                top = (
                    rows.filter(speech__in=matches.speech_ids)
                    .annotate(score=key)
                    .order_by("speech", "-score", "position")
                )
                for sid, position in top.values_list("speech", "position"):
                    positions = best.setdefault(sid, [])
                    if len(positions) < PARAGRAPHS_PER_SPEECH:
                        positions.append(position)
                matches.best = self._snippets(params, best)
            if matches.total < 5:
                with _budgeted(budget):
                    matches.suggestion = self._suggestion(params)
        except SearchTimeout:
            matches.timed_out = True
        return matches

    def _limit_prefixes(self, params):
        """Replace each prefix that matches more than MAX_PREFIX_WORDS indexed words by the most frequent ones.

        Return the params to search with and the prefixes cut.
        """
        cut = {}
        for node in prefixes(params.query):
            if node.text not in cut:
                words = SearchWord.objects.filter(word__startswith=re.sub(r"\W", "", node.text))
                words = list(
                    words.order_by("-documents", "word").values_list("word", flat=True)[: MAX_PREFIX_WORDS + 1]
                )
                if len(words) > MAX_PREFIX_WORDS:
                    cut[node.text] = words[:MAX_PREFIX_WORDS]
        if not cut:
            return params, []
        return dataclasses.replace(params, query=_expand(params.query, cut)), list(cut)

    def _headline(self, expression, params, language="speech__language"):
        text = Replace(Replace(expression, Value(START), Value("")), Value(STOP), Value(""))
        options = {"start_sel": START, "stop_sel": STOP, "highlight_all": True}

        def headline(config):
            query = compile_query(params.query, config)
            # Nothing but common words in quotes: keep_phrase_matches marks the phrase.
            return text if query is None else SearchHeadline(text, query, config=config, **options)

        if params.exact:
            return headline("simple")
        return Case(
            When(**{language: "ru"}, then=headline("russian")), default=headline("english"), output_field=TextField()
        )

    def _snippets(self, params, best):
        pairs = {(sid, pos) for sid, positions in best.items() for pos in positions if pos}
        paragraphs = load_paragraphs(pairs)
        marked = {}
        if pairs:
            rows = (
                Paragraph.objects.filter(id__in=[p.id for p in paragraphs.values()])
                .annotate(marked=self._headline(F("text"), params))
                .values_list("speech_id", "position", "marked")
            )
            marked = {(sid, pos): text for sid, pos, text in rows}
        heads = [sid for sid, positions in best.items() if 0 in positions]
        if heads:
            rows = (
                Speech.objects.filter(id__in=heads)
                .annotate(
                    marked=self._headline(
                        Concat(F("title"), Value("\n"), F("lead"), output_field=TextField()),
                        params,
                        language="language",
                    )
                )
                .values_list("id", "marked")
            )
            marked.update({(sid, 0): text for sid, text in rows})
        result = {}
        for sid, positions in best.items():
            result[sid] = []
            for pos in positions:
                if (sid, pos) in marked and (pos == 0 or (sid, pos) in paragraphs):
                    text, spans = spans_from_markers(marked[(sid, pos)])
                    spans = keep_phrase_matches(text, spans, params.query, params.exact)
                    result[sid].append((pos, snippet(text.strip(), _shift(text, spans)), paragraphs.get((sid, pos))))
        return result

    def _suggestion(self, params):
        corrections = {}
        with connection.cursor() as cursor:
            for word in correctable_words(params.query):
                lowered = word.lower()
                cursor.execute(
                    f"SELECT EXISTS (SELECT 1 FROM {SearchWord._meta.db_table} WHERE word = %s)"
                    f" OR EXISTS (SELECT 1 FROM {self.table} WHERE vector @@ plainto_tsquery('english', %s)"
                    f" OR vector @@ plainto_tsquery('russian', %s))",
                    [lowered, word, word],
                )
                if cursor.fetchone()[0]:
                    continue
                cursor.execute(
                    f"SELECT word FROM {SearchWord._meta.db_table} WHERE word %% %s"
                    " ORDER BY similarity(word, %s) DESC, word LIMIT 1",
                    [lowered, lowered],
                )
                row = cursor.fetchone()
                if row:
                    corrections[word] = row[0]
        return corrections

    def highlight(self, speech, paragraphs, params):
        self._require_postgres()
        _reject_nul(params)
        budget = Budget()
        with _budgeted(budget):
            params, _ = self._limit_prefixes(params)
        with _budgeted(budget):
            rows = list(
                Paragraph.objects.filter(speech=speech)
                .annotate(marked=self._headline(F("text"), params))
                .values_list("position", "marked")
            )
        result = {}
        for position, marked in rows:
            text, spans = spans_from_markers(marked)
            spans = keep_phrase_matches(text, spans, params.query, params.exact)
            if spans:
                result[position] = mark_spans(text, spans)
        return result

    def occurrences(self, params, budget=None):
        self._require_postgres()
        budget = budget or Budget()
        _reject_nul(params)
        with _budgeted(budget):
            limited, _ = self._limit_prefixes(params)
        found_patterns = patterns(params.query, params.exact, _cut_words(limited.query))
        match, _, _ = self._match(limited)
        rows = ParagraphSearch.objects.filter(match, position__gt=0, **_filters(params))
        paragraphs = []
        count_in = OccurrenceCounter(found_patterns)
        texts = []
        try:
            sql, sql_params = rows.values_list("speech", "position", "speaker", "date").query.sql_with_params()
        except EmptyResultSet:  # a condition that can match nothing
            pass
        else:
            with _budgeted(budget), connection.cursor() as cursor:
                # Joined, not a subquery per row: a common word's tens of thousands of paragraphs in one pass.
                cursor.execute(_TEXTS_SQL.format(rows=sql), sql_params)
                texts = cursor.fetchall()
        for sid, position, speaker, date, text in texts:
            count = count_in(text)
            if count:
                paragraphs.append(Found(sid, position, speaker or 0, date.toordinal(), count))
        if not paragraphs:
            require_documents(ParagraphSearch.objects.exists())
        return Occurrences(paragraphs=paragraphs, patterns=found_patterns)

    def best_paragraphs(self, params, limit, budget=None):
        self._require_postgres()
        budget = budget or Budget()
        _reject_nul(params)
        with _budgeted(budget):
            params, _ = self._limit_prefixes(params)
        match, _, score = self._match(params)
        rows = (
            ParagraphSearch.objects.filter(match, position__gt=0, **_filters(params))
            .annotate(score=score)
            .order_by("-score", "speech", "position")
        )
        with _budgeted(budget):
            return [(sid, position) for sid, position in rows.values_list("speech", "position")[:limit]]

    def word_counts(self, params):
        self._require_postgres()
        rows = (
            ParagraphSearch.objects.filter(position__gt=0, **_filters(params))
            .values("date__year", "date__month", "speaker")
            .annotate(total=Sum("words"))
        )
        counts = collections.Counter()
        for row in rows:
            counts[row["date__year"], row["date__month"], row["speaker"] or 0] += row["total"] or 0
        return counts

    def more_like(self, speech, limit):
        self._require_postgres()
        budget = Budget()
        config = CONFIGS.get(speech.language, "english")
        with _budgeted(budget), connection.cursor() as cursor:
            cursor.execute(
                "SELECT word FROM ts_stat(%s) WHERE length(word) > 3 ORDER BY nentry DESC, word LIMIT 12",
                [f"SELECT vector FROM {self.table} WHERE speech_id = {int(speech.id)}"],
            )
            words = [row[0] for row in cursor.fetchall()]
        if not words:
            return []
        query = SearchQuery(" | ".join(f"'{w}'" for w in words if "'" not in w), config=config, search_type="raw")
        related = (
            ParagraphSearch.objects.filter(vector=query, language=speech.language)
            .exclude(speech=speech)
            .values("speech")
            .annotate(score=Max(SearchRank(F("vector"), query)) * Count("id"))
            .order_by("-score", "speech")[:limit]
        )
        with _budgeted(budget):
            return [row["speech"] for row in related]


# The totals and every facet in one pass over the matching rows: a broad query reads them once, not five times.
COUNT_SQL = """
SELECT GROUPING(speaker), GROUPING(venue), GROUPING(kind), GROUPING(year),
       speaker, venue, kind, year, COUNT(DISTINCT speech), COUNT(*)
FROM (
    SELECT speech, speaker, venue, kind, EXTRACT(YEAR FROM day)::integer AS year
    FROM ({rows}) AS matched (speech, speaker, venue, kind, day)
) AS matched
GROUP BY GROUPING SETS ((), (speaker), (venue), (kind), (year))
"""


# The text of each matching row's paragraph.
_TEXTS_SQL = """
SELECT matched.speech, matched.position, matched.speaker, matched.day, p.text
FROM ({rows}) AS matched (speech, position, speaker, day)
JOIN speeches_paragraph p ON p.speech_id = matched.speech AND p.position = matched.position
"""


# Speeches per topic and per place among the matches, in one statement: (list, id, speeches).
TAGS_SQL = """
WITH matched AS MATERIALIZED (SELECT DISTINCT speech FROM ({rows}) AS found (speech))
SELECT 'topics', t.topic_id, COUNT(*) FROM {topics} t JOIN matched ON matched.speech = t.speech_id GROUP BY t.topic_id
UNION ALL
SELECT 'places', p.place_id, COUNT(*) FROM {places} p JOIN matched ON matched.speech = p.speech_id GROUP BY p.place_id
"""


def _count(rows):
    """Matches with the totals and the facet counts (speeches per speaker, venue, kind and year) filled in."""
    matches = Matches()
    try:
        sql, params = rows.values_list("speech", "speaker", "venue", "kind", "date").query.sql_with_params()
    except EmptyResultSet:  # a condition that can match nothing, such as an empty OR
        return matches
    facets = (matches.speakers, matches.venues, matches.kinds, matches.years)  # in COUNT_SQL's column order
    with connection.cursor() as cursor:
        cursor.execute(COUNT_SQL.format(rows=sql), params)
        for *grouped, speaker, venue, kind, year, speeches, paragraphs in cursor.fetchall():
            if all(grouped):  # the grand total
                matches.total, matches.paragraph_total = speeches, paragraphs
                continue
            # One facet's row: the column it is grouped by is the one not set apart.
            for facet, value, apart in zip(facets, (speaker, venue, kind, year), grouped, strict=True):
                if not apart and value is not None:  # no speaker or no venue is not a facet value
                    facet[value] = speeches
        sql, params = rows.values_list("speech").query.sql_with_params()
        tables = {
            name: Speech._meta.get_field(name).remote_field.through._meta.db_table for name in ("topics", "places")
        }
        cursor.execute(TAGS_SQL.format(rows=sql, **tables), params)
        for facet, value, speeches in cursor.fetchall():
            getattr(matches, facet)[value] = speeches
    return matches


def _through_table(field):
    return Speech._meta.get_field(field).remote_field.through._meta.db_table


@contextmanager
def _budgeted(budget):
    """Run the block's statements in a transaction limited to what is left of the budget, then roll it back.

    Raise SearchTimeout when no time is left or a statement ran out of it. SET LOCAL lasts until the
    transaction ends, a savepoint's inside a caller's transaction: rolled back (the block only reads), the limit
    never outlives the block.
    """
    budget.check()
    milliseconds = max(1, int(budget.remaining() * 1000))  # 0 would mean no limit at all
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL statement_timeout = {milliseconds}")
            yield
            transaction.set_rollback(True)
    except OperationalError as error:
        if isinstance(error.__cause__, QueryCanceled):
            raise SearchTimeout from error
        raise


def _filters(params):
    """The filters of a search as lookups on ParagraphSearch: those given only."""
    lookups = {
        "speaker": params.speaker,
        "venue": params.venue,
        "speech__topics": params.topic,
        "speech__places": params.place,
        "kind": params.kind,
        "language": params.language,
        "date__gte": params.date_from,
        "date__lte": params.date_to,
    }
    return {lookup: value for lookup, value in lookups.items() if value}


def _paragraph(column):
    """A column of the paragraph a ParagraphSearch row indexes."""
    return Subquery(
        Paragraph.objects.filter(speech=OuterRef("speech"), position=OuterRef("position")).values(column)[:1]
    )


def _cut_words(node):
    """{prefix: its words} for each prefix of an expanded query cut to its most frequent words."""
    if isinstance(node, _CutPrefix):
        return {node.text: node.words}
    if isinstance(node, (And, Or)):
        return {text: words for child in node.children for text, words in _cut_words(child).items()}
    return {}  # a word, a phrase, a prefix kept whole, or excluded words: none cut


def _reject_nul(params):
    # PostgreSQL text cannot hold a NUL character, and the driver refuses to send one.
    texts = [params.kind, params.language, *(term.text for term in terms(params.query))]
    if any("\x00" in text for text in texts if text):
        raise QueryError(gettext("Null characters are not allowed."))


@dataclasses.dataclass(frozen=True)
class _CutPrefix(Prefix):
    """A prefix that stands for these words only: its most frequent."""

    words: tuple = ()


def _expand(node, cut):
    """The query tree with each prefix in cut standing for its words only."""
    if isinstance(node, Prefix) and node.text in cut:
        return _CutPrefix(node.text, tuple(cut[node.text]))
    if isinstance(node, (And, Or)):
        return type(node)(tuple(_expand(child, cut) for child in node.children))
    if isinstance(node, Not):
        return Not(_expand(node.child, cut))
    return node


def _shift(text, spans):
    # Snippets are cut from the stripped text.
    lead = len(text) - len(text.lstrip())
    return [(start - lead, end - lead) for start, end in spans]


def compile_query(node, config, ranking=False):
    """Turn a parsed query into a tsquery expression for one configuration, for ranks and headlines (None: no words).

    Common words outside quotes are left out, as in matching. For ranking, a cut prefix is the prefix itself: the
    match has already kept to its words, and ranking against a few hundred alternatives took longer than the whole
    time budget on every matching row.
    """
    if isinstance(node, Word):
        if _only_common(node.text):
            return None
        return SearchQuery(node.text, config=config, search_type="plain")
    if isinstance(node, Phrase):
        if config != "simple" and _only_common(node.text):
            return None  # the configuration would drop every word
        return SearchQuery(node.text, config=config, search_type="phrase")
    if isinstance(node, _CutPrefix) and not ranking:
        return _cut_prefix(node, config)
    if isinstance(node, Prefix):
        return _prefix(node, config)
    if isinstance(node, Not):
        child = compile_query(node.child, config, ranking)
        return ~child if child is not None else None
    children = [c for c in (compile_query(child, config, ranking) for child in node.children) if c is not None]
    if not children:
        return None
    if isinstance(node, And):
        return reduce(lambda a, b: a & b, children)
    if isinstance(node, Or):
        return reduce(lambda a, b: a | b, children)
    raise TypeError(node)


def compile_condition(node, config, exact=False):
    """Turn a parsed query into a filter on ParagraphSearch rows for one configuration; None when nothing is searched.

    A phrase matches every one of its words in order, common ones included: the configuration's vector finds its
    words' forms in place, and the 'simple' vector, which keeps every word, checks the common words between them.
    """
    column = "exact" if exact else "vector"
    if isinstance(node, Word):
        if _only_common(node.text):
            return None
        return Q(**{column: SearchQuery(node.text, config=config, search_type="plain")})
    if isinstance(node, Phrase):
        if exact:
            return Q(exact=SearchQuery(node.text, config="simple", search_type="phrase"))
        condition = None
        if not _only_common(node.text):
            condition = Q(vector=SearchQuery(node.text, config=config, search_type="phrase"))
        if any(is_common(word) for word in words(node.text)):
            check = Q(exact=_common_words_in_place(node.text))
            condition = check if condition is None else condition & check
        return condition
    if isinstance(node, _CutPrefix):
        return Q(**{column: _cut_prefix(node, config)})
    if isinstance(node, Prefix):
        return Q(**{column: _prefix(node, config)})
    if isinstance(node, Not):
        child = compile_condition(node.child, config, exact)
        return ~child if child is not None else None
    compiled = [(child, compile_condition(child, config, exact)) for child in node.children]
    children = [condition for _, condition in compiled if condition is not None]
    if isinstance(node, Or):
        # An alternative of common words only must not make the whole match everything.
        return reduce(lambda a, b: a | b, children) if children else Q(pk__in=[])
    if isinstance(node, And):
        if not any(condition is not None and not isinstance(child, Not) for child, condition in compiled):
            return None  # nothing but excluded words left
        return reduce(lambda a, b: a & b, children)
    raise TypeError(node)


def _cut_prefix(node, config):
    # One tsquery of alternatives: a few hundred combined queries nest too deep to compile.
    either = " | ".join(f"'{word}'" for word in node.words if "'" not in word and "\\" not in word)
    return SearchQuery(either, config=config, search_type="raw")


def _or_nothing(condition):
    # Nothing to search for: no row matches.
    return Q(pk__in=[]) if condition is None else condition


def _only_common(text):
    return all(is_common(word) for word in words(text))


def _prefix(node, config):
    stem_ = re.sub(r"\W", "", node.text)
    return SearchQuery(f"{stem_}:*", config=config, search_type="raw")


# PostgreSQL's parser keeps "U.S.", "3.5", "a/b" and "co-op" whole (and adds the parts of "co-op"), unlike a split at
# every letter or digit run.
_JOINED = re.compile(r"[^\W_][-./@][^\W_]")


def _common_words_in_place(text):
    """A 'simple' tsquery for a phrase: its common words as typed, each other word by the start of its stem."""
    if _JOINED.search(text):
        return SearchQuery(text, config="simple", search_type="phrase")  # every word as typed
    parts = [f"'{word}'" if is_common(word) else f"'{_stem_start(word)}':*" for word in words(text)]
    return SearchQuery(" <-> ".join(parts), config="simple", search_type="raw")


def _stem_start(word):
    """What a word shares with its stem ("happy", "happi": "happ"): the start of every form with that stem."""
    root = stem(word)
    size = 0
    while size < min(len(word), len(root)) and word[size] == root[size]:
        size += 1
    return word[:size] or word


def _score(tree, column, config):
    """A row's score in [0, 1): its rank for the query's words."""
    query = compile_query(tree, "simple" if column == "exact" else config, ranking=True)
    return Value(0.0) if query is None else SearchRank(F(column), query, normalization=SQUEEZED)


def _tier(tree, column, config):
    """A row's closeness tier (see ranking): how near one another the query's words stand in it."""
    runs = list(proximity_runs(tree))
    if not runs:
        return Value(APART)
    side_by_side = " | ".join("(" + " <-> ".join(f"'{word}'" for word in run) + ")" for run in runs)
    near = " | ".join("(" + " & ".join(_near(a, b) for a, b in zip(run, run[1:], strict=False)) + ")" for run in runs)
    return Case(
        When(Q(**{column: SearchQuery(side_by_side, config=config, search_type="raw")}), then=Value(SIDE_BY_SIDE)),
        When(Q(**{column: SearchQuery(near, config=config, search_type="raw")}), then=Value(NEAR_ONE_ANOTHER)),
        default=Value(APART),
    )


def _near(a, b):
    """A tsquery matching two words at most NEAR positions apart, in either order."""
    pairs = [f"'{x}' <{distance}> '{y}'" for distance in range(1, NEAR + 1) for x, y in ((a, b), (b, a))]
    return "(" + " | ".join(pairs) + ")"
