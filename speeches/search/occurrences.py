"""Where a query's words stand in a paragraph: the occurrences that the research tools count and show.

An occurrence is one stretch of the words a query looks for: a word in any of its forms, a prefix's word, a
phrase's words in order. Stretches that overlap are one occurrence ("Russian Federation" searched with "Russian"
is counted once), as they are one highlight. An index counts occurrences from the positions of its words and a
concordance finds them in the text: both read words with `text.tokens` and merge stretches with `merge`, so the
counts agree with the lines shown.
"""

from dataclasses import dataclass

from .query import Phrase, Prefix, positive_terms
from .text import is_common, lowercase_words, stem, tokens


@dataclass(frozen=True)
class Slot:
    """Which words may stand at one place of a pattern: one kind of test, the others left empty."""

    stem: str = ""  # any word with this stem
    word: str = ""  # this word only
    prefix: str = ""  # any word that starts so
    words: frozenset = frozenset()  # any of these: a prefix cut to its most frequent words

    def matches(self, token):
        if self.stem:
            return stem(token) == self.stem
        if self.word:
            return token == self.word
        if self.prefix:
            return token.startswith(self.prefix)
        return token in self.words


def patterns(tree, exact=False, cut=None):
    """The patterns of words a text matching the query shows: a tuple of Slots each, in order.

    A word outside quotes leaves the common words out; several words in one (a "co-op") stand together, as in a
    phrase. `cut` maps a prefix to the words it was limited to.
    """
    found = []
    cut = cut or {}
    for term in positive_terms(tree):
        if isinstance(term, Prefix):
            words = cut.get(term.text)
            found.append((Slot(words=frozenset(words)) if words else Slot(prefix=term.text),))
            continue
        words = [word for word, _, _ in tokens(term.text)]
        if not isinstance(term, Phrase):
            searched = [word for word in words if not is_common(word)]
            if not searched:
                continue
            words = words if len(searched) > 1 else searched
        if words:
            found.append(tuple(_slot(word, exact) for word in words))
    return list(dict.fromkeys(found))


def _slot(word, exact):
    # A common word is only ever itself: "to be" is not "to being".
    return Slot(word=word) if exact or is_common(word) else Slot(stem=stem(word))


def merge(stretches):
    """Merge (first, last) stretches that overlap; return them in order.

    Word positions (last included) merge when they share a word; character spans (end excluded) when they touch.
    """
    merged = []
    for first, last in sorted(stretches):
        if merged and first <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(last, merged[-1][1]))
        else:
            merged.append((first, last))
    return merged


def stretches_at(pattern_positions):
    """The merged stretches, given for each pattern the positions of the words of each of its slots (sets)."""
    stretches = []
    for slots in pattern_positions:
        size = len(slots)
        for at in slots[0]:
            if all(at + k in slots[k] for k in range(1, size)):
                stretches.append((at, at + size - 1))
    return merge(stretches)


class OccurrenceCounter:
    """Count the occurrences of some patterns in one text after another: what `find` finds, counted faster.

    Where every pattern is one word (any of some words, the common case), each word of a text is tested once per
    distinct word seen, not once per pattern and text.
    """

    def __init__(self, found_patterns):
        self.patterns = found_patterns
        self.single = all(len(pattern) == 1 for pattern in found_patterns)
        self.seen = {}

    def __call__(self, text):
        if not self.single:
            return len(find(text, self.patterns))
        seen, slots = self.seen, [pattern[0] for pattern in self.patterns]
        count = 0
        for word in lowercase_words(text):
            hit = seen.get(word)
            if hit is None:
                hit = seen[word] = any(slot.matches(word) for slot in slots)
            count += hit
        return count


def find(text, found_patterns):
    """The occurrences in a text: (start, end) character offsets of each merged stretch, in order."""
    words = tokens(text)
    positions = []
    for pattern in found_patterns:
        slots = [{at for at, (word, _, _) in enumerate(words) if slot.matches(word)} for slot in pattern]
        positions.append(slots)
    return [(words[first][1], words[last][2]) for first, last in stretches_at(positions)]
