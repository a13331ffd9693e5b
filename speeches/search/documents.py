"""What the index is built from: the published speeches and their paragraphs, read for both backends."""

from django.db.models import Prefetch

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


def load_paragraphs(pairs):
    """Return {(speech id, position): Paragraph} for these pairs, in one query."""
    if not pairs:
        return {}
    rows = Paragraph.objects.filter(
        speech_id__in={sid for sid, _ in pairs}, position__in={pos for _, pos in pairs}
    ).select_related("speaker")
    return {(p.speech_id, p.position): p for p in rows if (p.speech_id, p.position) in pairs}


def compare_with_database(indexed):
    """Given {speech id: stamp} from an index, find what it lacks, holds out of date, or should not hold."""
    published = {pk: updated.isoformat() for pk, updated in Speech.objects.published().values_list("id", "updated")}
    missing = sorted(published.keys() - indexed.keys())
    stale = sorted(pk for pk in published.keys() & indexed.keys() if published[pk] != indexed[pk])
    unpublished = sorted(indexed.keys() - published.keys())
    return missing, stale, unpublished
