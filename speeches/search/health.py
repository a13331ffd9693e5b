"""Whether the search index can answer, and why not, in words for the search page, /readyz and check_index."""

from speeches.models import IndexUpdate, Speech

MISSING, EMPTY, UNREADABLE, OUTDATED = "missing", "empty", "unreadable", "outdated"


class IndexUnavailable(Exception):
    """The index cannot answer searches: missing, empty while speeches are published, unreadable, or outdated.

    ``reason`` is one word, safe to show anyone; ``str()`` adds the detail an operator needs.
    """

    def __init__(self, reason, detail=""):
        self.reason = reason
        self.detail = detail
        super().__init__(f"The search index is {reason}" + (f": {detail}." if detail else "."))


def unreadable(error):
    return IndexUnavailable(UNREADABLE, f"{error.__class__.__name__}: {error}".rstrip(": ."))


def require_documents(documents):
    """Raise IndexUnavailable when an index holds no documents while speeches are published."""
    if not documents:
        # Speeches still queued are on their way in: the first speeches of a new archive, a moment after saving.
        queued = IndexUpdate.objects.values("speech_id")
        published = Speech.objects.published().exclude(pk__in=queued).count()
        if published:
            raise IndexUnavailable(EMPTY, f"it holds no document while {published} speeches are published")
