"""What one search may cost: prefixes of a few letters, a bounded expansion of each, and a time budget.

Without these, "co*" matches a thousand words and five such prefixes ran past gunicorn's worker timeout:
the worker was killed, the reader got a 500, and two such searches at once stalled the whole site.
"""

import re
import time

from django.conf import settings
from django.utils.translation import ngettext

from .query import And, Not, Or, Prefix, QueryError, clean_text

MIN_PREFIX_LETTERS = 3
# A prefix matches at most this many indexed words, the most frequent first; the results page says when a
# prefix matched more.
MAX_PREFIX_WORDS = 256

_PHRASES = re.compile(r'"[^"]*"?')
_STARRED = re.compile(r"[\w'’.\-]+\*")


class SearchTimeout(Exception):
    """A search that found nothing usable within its time budget."""


class Budget:
    """The time left for one search, which starts when the budget is made."""

    def __init__(self, seconds=None):
        self.seconds = settings.SEARCH_TIME_BUDGET if seconds is None else seconds
        self.deadline = time.monotonic() + self.seconds

    def remaining(self):
        return self.deadline - time.monotonic()

    def check(self):
        """Raise SearchTimeout when no time is left."""
        if self.remaining() <= 0:
            raise SearchTimeout


def terms(node):
    """Yield every word, phrase and prefix of a query tree, excluded ones too."""
    if isinstance(node, (And, Or)):
        for child in node.children:
            yield from terms(child)
    elif isinstance(node, Not):
        yield from terms(node.child)
    elif node is not None:
        yield node


def prefixes(node):
    """Yield every prefix of a query tree, excluded ones too: they are expanded all the same."""
    return (term for term in terms(node) if isinstance(term, Prefix))


def letters(text):
    return len(re.sub(r"\W", "", text))


def check_prefixes(tree, text=""):
    """Raise QueryError for a prefix of fewer than MIN_PREFIX_LETTERS letters, in the tree or as typed."""
    # The parser reads a one-letter "c*" as the word "c": the typed text shows what the reader meant.
    typed = [match.group(0)[:-1] for match in _STARRED.finditer(_PHRASES.sub(" ", clean_text(text)))]
    for prefix in [node.text for node in prefixes(tree)] + typed:
        if letters(prefix) < MIN_PREFIX_LETTERS:
            shown = prefix.lstrip("-")
            raise QueryError(
                ngettext(
                    "“%(prefix)s*” is too short to search: type at least %(count)s letter before the *.",
                    "“%(prefix)s*” is too short to search: type at least %(count)s letters before the *.",
                    MIN_PREFIX_LETTERS,
                )
                % {"prefix": shown, "count": MIN_PREFIX_LETTERS}
            )
