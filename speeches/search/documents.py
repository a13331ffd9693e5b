"""What the index is built from: the published speeches and their paragraphs, read for both backends."""

from django.db.models import Count, Prefetch, Q

from speeches.models import Paragraph, Speech


def speeches_for_index(ids=None):
    """The published speeches with what the index needs, paragraphs prefetched in order."""
    queryset = (
        Speech.objects.published()
        .select_related("venue")
        .prefetch_related(
            Prefetch(
                "paragraphs",
                queryset=Paragraph.objects.only(
                    "speech_id", "position", "speaker_id", "speaker_label", "text", "kind"
                ).order_by("position"),
            )
        )
        .order_by("id")
    )
    if ids is not None:
        queryset = queryset.filter(id__in=ids)
    return queryset


def stamp(speech):
    """The version of a speech the index holds; a different stamp means the index is stale."""
    return speech.updated.isoformat()


SPEECHES_PER_QUERY = 200  # a condition per speech: SQLite parses a long OR as deep as it is long, up to 1000


def load_paragraphs(pairs):
    """Return {(speech id, position): Paragraph} for these pairs, in a query per SPEECHES_PER_QUERY speeches."""
    by_speech = {}
    for sid, position in pairs:
        by_speech.setdefault(sid, set()).add(position)
    # Each speech with its own positions: every position of every speech asked for read thousands of rows for a
    # few hundred pairs spread over many speeches.
    speeches = sorted(by_speech)
    found = {}
    for start in range(0, len(speeches), SPEECHES_PER_QUERY):
        wanted = Q()
        for sid in speeches[start : start + SPEECHES_PER_QUERY]:
            wanted |= Q(speech_id=sid, position__in=sorted(by_speech[sid]))
        for paragraph in Paragraph.objects.filter(wanted).select_related("speaker"):
            found[paragraph.speech_id, paragraph.position] = paragraph
    return found


def compare_with_database(indexed):
    """Given {speech id: stamp} from an index, find what it lacks, holds out of date, or should not hold."""
    published = {pk: updated.isoformat() for pk, updated in Speech.objects.published().values_list("id", "updated")}
    missing = sorted(published.keys() - indexed.keys())
    stale = sorted(pk for pk in published.keys() & indexed.keys() if published[pk] != indexed[pk])
    unpublished = sorted(indexed.keys() - published.keys())
    return missing, stale, unpublished


TAG_BATCH = 10_000  # speech ids per query: far below what SQLite and PostgreSQL allow in one statement


def tag_counts(speech_ids):
    """({topic id: speeches}, {place id: speeches}) among these speeches, for the search facets."""
    ids = sorted(speech_ids)
    counts = ({}, {})
    for field, found in zip(("topics", "places"), counts, strict=True):
        through = Speech._meta.get_field(field).remote_field.through
        column = Speech._meta.get_field(field).m2m_reverse_name()
        for start in range(0, len(ids), TAG_BATCH):
            rows = (
                through.objects.filter(speech_id__in=ids[start : start + TAG_BATCH])
                .values(column)
                .annotate(n=Count("speech_id"))
                .order_by()
            )
            for row in rows:
                found[row[column]] = found.get(row[column], 0) + row["n"]
    return counts
