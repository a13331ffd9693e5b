"""Snippets and highlighted paragraphs, built from escaped text only.

Transcripts are untrusted: an imported page may contain ``<script>`` or ``<mark>``. Every piece of
text goes through ``escape`` and only the ``<mark>`` elements added here are markup.
"""

import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

from .occurrences import merge as _merge
from .query import Phrase, Prefix, Word, positive_terms
from .text import is_common, stem, words

SNIPPET_LENGTH = 280

# Backends that let the database mark matches (ts_headline) use these, stripped from the text first.
START, STOP = "\x02", "\x03"


def mark_spans(text, spans):
    """Return text as HTML with each (start, end) span wrapped in <mark>."""
    pieces, at = [], 0
    for start, end in _merge(spans):
        pieces.append(escape(text[at:start]))
        pieces.append(f"<mark>{escape(text[start:end])}</mark>")
        at = end
    pieces.append(escape(text[at:]))
    return mark_safe("".join(pieces))


def snippet(text, spans, length=SNIPPET_LENGTH):
    """Return the part of text around its first matches, highlighted, with ellipses where cut."""
    spans = _merge(spans)
    if len(text) <= length:
        return mark_spans(text, spans)
    first = spans[0][0] if spans else 0
    start = max(0, first - length // 4)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    end = min(len(text), start + length)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > (spans[0][1] if spans else start) else end
    inside = [(max(s, start) - start, min(e, end) - start) for s, e in spans if s < end and e > start]
    html = mark_spans(text[start:end], inside)
    return mark_safe(("… " if start else "") + html + (" …" if end < len(text) else ""))


def spans_from_markers(marked):
    """Split text marked with START/STOP into the plain text and its highlighted spans."""
    text, spans, start = [], [], None
    length = 0
    for ch in marked:
        if ch == START:
            start = length
        elif ch == STOP:
            if start is not None:
                spans.append((start, length))
            start = None
        else:
            text.append(ch)
            length += 1
    return "".join(text), spans


_WORD = re.compile(r"[^\W_]+")


def keep_phrase_matches(text, spans, tree, exact=False):
    """Mark a phrase only where all its words follow one another, common words included; marks of single words stay.

    A database headline marks every word that matches any word of the query, and never a common word, so
    "Union State" would also light up the "State" of "State Duma", and "to be or not to be" nothing at all.
    """
    terms = list(positive_terms(tree))
    phrases = [
        [(word, is_common(word) or exact) for word in words(term.text)]
        for term in terms
        if isinstance(term, Phrase) and len(words(term.text)) > 1
    ]
    if not phrases:
        return spans
    singles = {
        stem(word)
        for term in terms
        if isinstance(term, (Word, Phrase))
        for word in words(term.text)
        if isinstance(term, Phrase) or not is_common(word)
    }
    singles -= {stem(word) for phrase in phrases for word, _ in phrase}
    prefixes = tuple(term.text.lower() for term in terms if isinstance(term, Prefix))
    tokens = [(match.start(), match.end(), match.group().lower()) for match in _WORD.finditer(text)]
    kept = []
    for phrase in phrases:
        size = len(phrase)
        wanted = [(word if literal else stem(word), literal) for word, literal in phrase]
        for at in range(len(tokens) - size + 1):
            if all(
                (tokens[at + k][2] if literal else stem(tokens[at + k][2])) == word
                for k, (word, literal) in enumerate(wanted)
            ):
                kept.append((tokens[at][0], tokens[at + size - 1][1]))
    in_phrase = list(kept)
    for start, end in sorted(spans):
        if any(s <= start and end <= e for s, e in in_phrase):
            continue
        word = text[start:end].lower()
        if stem(word) in singles or (prefixes and word.startswith(prefixes)):
            kept.append((start, end))
    return kept


def strip_markers(text):
    return text.replace(START, "").replace(STOP, "")
