"""Snippets and highlighted paragraphs, built from escaped text only.

Transcripts are untrusted: an imported page may contain ``<script>`` or ``<mark>``. Every piece of
text goes through ``escape`` and only the ``<mark>`` elements added here are markup.
"""

import re

from django.utils.html import escape
from django.utils.safestring import mark_safe
from whoosh.analysis import STOP_WORDS
from whoosh.lang.stopwords import stoplists

from .query import Phrase, Prefix, Word, positive_terms, stem

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


_WORD = re.compile(r"\w+")
_STOP_WORDS = STOP_WORDS | frozenset(stoplists["ru"])
# Between two words of a phrase a text may have punctuation and up to two stop words ("Union of States").
_PHRASE_GAP = re.compile(r"[\W_]*(?:\w+[\W_]+){0,2}")


def keep_phrase_matches(text, spans, tree):
    """Keep a phrase's marks only where its words follow one another; marks of single words stay.

    A database headline marks every word that matches any word of the query, so "Union State" would
    also light up the "State" of "State Duma".
    """
    terms = list(positive_terms(tree))
    phrases = []
    for term in terms:
        if isinstance(term, Phrase):
            words = [stem(w) for w in _WORD.findall(term.text.lower()) if w not in _STOP_WORDS]
            if len(words) > 1:
                phrases.append(words)
    if not phrases:
        return spans
    singles = {stem(w) for term in terms if isinstance(term, (Word, Phrase)) for w in _WORD.findall(term.text.lower())}
    singles -= {w for words in phrases for w in words}
    prefixes = tuple(term.text.lower() for term in terms if isinstance(term, Prefix))
    marked = [(start, end, stem(text[start:end].lower())) for start, end in sorted(spans)]
    kept, in_phrase = [], set()
    for words in phrases:
        size = len(words)
        for at in range(len(marked) - size + 1):
            run = marked[at : at + size]
            if all(run[k][2] == words[k] for k in range(size)) and all(
                _PHRASE_GAP.fullmatch(text[run[k][1] : run[k + 1][0]]) for k in range(size - 1)
            ):
                kept.append((run[0][0], run[-1][1]))
                in_phrase.update(range(at, at + size))
    for index, (start, end, word_stem) in enumerate(marked):
        if index not in in_phrase and (
            word_stem in singles or (prefixes and text[start:end].lower().startswith(prefixes))
        ):
            kept.append((start, end))
    return kept


def strip_markers(text):
    return text.replace(START, "").replace(STOP, "")


def _merge(spans):
    merged = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
