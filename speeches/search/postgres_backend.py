"""PostgreSQL backend: weighted search vectors in the shared database, for several app servers.

Each published paragraph has a row in ParagraphSearch (position 0: title and lead) with a vector in the
speech's language ('english' or 'russian' configuration, weights A title, B lead and speaker label,
C text) and an unstemmed 'simple' vector for the "exact words" option, both under GIN indexes. A
rebuild replaces every row in one transaction, so readers see the old rows until it commits.
"""

import re
from functools import reduce

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection, transaction
from django.db.models import Case, Count, F, Max, Q, TextField, Value, When
from django.db.models.functions import Concat, ExtractYear, Replace

from speeches.models import Paragraph, ParagraphSearch, SearchWord, Speech

from . import PARAGRAPHS_PER_SPEECH, Matches, load_paragraphs
from .health import require_documents
from .highlight import START, STOP, keep_phrase_matches, mark_spans, snippet, spans_from_markers
from .query import And, Not, Or, Phrase, Prefix, Word, plain_words

CONFIGS = {"en": "english", "ru": "russian"}
# The advisory lock key that serialises index updates across processes (any constant of our own).
INDEX_LOCK = 7_262_011

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
_WORDS_SQL = """
INSERT INTO {words} (word)
SELECT word FROM ts_stat('SELECT exact FROM {table} {where}') WHERE length(word) BETWEEN 3 AND 100
ON CONFLICT (word) DO NOTHING
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
        return int(ParagraphSearch.objects.exists())

    def warm(self):
        pass  # nothing is loaded per process: the database keeps the index

    # Reading

    def _match(self, params):
        """The filter matching the query, and the rank expression, on ParagraphSearch rows."""
        if params.exact:
            query = compile_query(params.query, "simple")
            return Q(exact=query), SearchRank(F("exact"), query)
        english, russian = compile_query(params.query, "english"), compile_query(params.query, "russian")
        match = Q(language="ru", vector=russian) | (~Q(language="ru") & Q(vector=english))
        rank = Case(
            When(language="ru", then=SearchRank(F("vector"), russian)), default=SearchRank(F("vector"), english)
        )
        return match, rank

    def search(self, params):
        self._require_postgres()
        match, rank = self._match(params)
        filters = {
            "speaker": params.speaker,
            "venue": params.venue,
            "kind": params.kind,
            "language": params.language,
            "date__gte": params.date_from,
            "date__lte": params.date_to,
        }
        rows = ParagraphSearch.objects.filter(match, **{lookup: value for lookup, value in filters.items() if value})

        matches = Matches(
            total=rows.values("speech").distinct().count(),
            paragraph_total=rows.count(),
        )
        if not matches.total:
            require_documents(ParagraphSearch.objects.exists())
        by_speech = Count("speech", distinct=True)
        matches.speakers = dict(rows.exclude(speaker=None).values_list("speaker").annotate(by_speech).order_by())
        matches.years = dict(rows.values_list(ExtractYear("date")).annotate(by_speech).order_by())
        matches.venues = dict(rows.exclude(venue=None).values_list("venue").annotate(by_speech).order_by())
        matches.kinds = dict(rows.values_list("kind").annotate(by_speech).order_by())

        speeches = rows.values("speech").annotate(day=Max("date"))
        if params.sort == "newest":
            speeches = speeches.order_by("-day", "-speech")
        elif params.sort == "oldest":
            speeches = speeches.order_by("day", "speech")
        else:
            speeches = speeches.annotate(best=Max(rank)).order_by("-best", "-day", "-speech")
        page = speeches[params.offset : params.offset + params.per_page]
        matches.speech_ids = [row["speech"] for row in page]

        best = {}
        top = rows.filter(speech__in=matches.speech_ids).annotate(score=rank).order_by("speech", "-score", "position")
        for sid, position in top.values_list("speech", "position"):
            positions = best.setdefault(sid, [])
            if len(positions) < PARAGRAPHS_PER_SPEECH:
                positions.append(position)
        matches.best = self._snippets(params, best)
        if matches.total < 5:
            matches.suggestion = self._suggestion(params)
        return matches

    def _headline(self, expression, params, language="speech__language"):
        text = Replace(Replace(expression, Value(START), Value("")), Value(STOP), Value(""))
        options = {"start_sel": START, "stop_sel": STOP, "highlight_all": True}
        if params.exact:
            return SearchHeadline(text, compile_query(params.query, "simple"), config="simple", **options)
        return Case(
            When(
                **{language: "ru"},
                then=SearchHeadline(text, compile_query(params.query, "russian"), config="russian", **options),
            ),
            default=SearchHeadline(text, compile_query(params.query, "english"), config="english", **options),
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
                    spans = keep_phrase_matches(text, spans, params.query)
                    result[sid].append((pos, snippet(text.strip(), _shift(text, spans)), paragraphs.get((sid, pos))))
        return result

    def _suggestion(self, params):
        corrections = {}
        with connection.cursor() as cursor:
            for word in plain_words(params.query):
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
        rows = (
            Paragraph.objects.filter(speech=speech)
            .annotate(marked=self._headline(F("text"), params))
            .values_list("position", "marked")
        )
        result = {}
        for position, marked in rows:
            text, spans = spans_from_markers(marked)
            spans = keep_phrase_matches(text, spans, params.query)
            if spans:
                result[position] = mark_spans(text, spans)
        return result

    def more_like(self, speech, limit):
        self._require_postgres()
        config = CONFIGS.get(speech.language, "english")
        with connection.cursor() as cursor:
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
        return [row["speech"] for row in related]


def _shift(text, spans):
    # Snippets are cut from the stripped text.
    lead = len(text) - len(text.lstrip())
    return [(start - lead, end - lead) for start, end in spans]


def compile_query(node, config):
    """Turn a parsed query into a tsquery expression for one text search configuration."""
    if isinstance(node, Word):
        return SearchQuery(node.text, config=config, search_type="plain")
    if isinstance(node, Phrase):
        return SearchQuery(node.text, config=config, search_type="phrase")
    if isinstance(node, Prefix):
        stem = re.sub(r"\W", "", node.text)
        return SearchQuery(f"{stem}:*", config=config, search_type="raw")
    if isinstance(node, Not):
        return ~compile_query(node.child, config)
    children = [compile_query(child, config) for child in node.children]
    if isinstance(node, And):
        return reduce(lambda a, b: a & b, children)
    if isinstance(node, Or):
        return reduce(lambda a, b: a | b, children)
    raise TypeError(node)
