"""Differences between two versions of a transcript: paragraph by paragraph, and word by word within a paragraph.

Paragraphs are anything with `kind`, `speaker_label` and `text` (stored paragraphs, parsed ones, or
the paragraphs of a stored version). Paragraphs are matched in order, so an inserted paragraph shows as one
addition rather than as every later paragraph changed.
"""

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.utils.html import escape
from django.utils.safestring import mark_safe

from .models import Paragraph

ADDED, REMOVED, CHANGED = "added", "removed", "changed"

# Words keep their inner punctuation ("3.6", "don't", "Rostov-on-Don"), so a changed figure shows as one word.
_TOKENS = re.compile(r"\s+|\w+(?:[.,'’-]\w+)*|[^\w\s]")


@dataclass
class ParagraphChange:
    change: str
    old_position: int | None  # from 1, in the old transcript
    new_position: int | None  # from 1, in the new transcript
    words: str  # HTML: the new paragraph with <del> and <ins> marks


def _key(paragraph):
    return (paragraph.kind, paragraph.speaker_label, paragraph.text)


def _shown(paragraph):
    """The paragraph as a reader sees it: its label, then its text."""
    return f"{paragraph.speaker_label}: {paragraph.text}" if paragraph.speaker_label else paragraph.text


def _edited(old, new):
    """HTML of a changed paragraph: a changed kind or label shown apart, then the words of its text."""
    parts = []
    if old.kind != new.kind:
        parts.append(f"<del>[{_kind(old.kind)}]</del><ins>[{_kind(new.kind)}]</ins> ")
    if old.speaker_label == new.speaker_label:
        parts.append(f"{escape(new.speaker_label)}: " if new.speaker_label else "")
    else:
        # A label that became part of the text, or the reverse, would look unchanged as one run of words.
        parts.append(f"<del>{escape(old.speaker_label)}:</del> " if old.speaker_label else "")
        parts.append(f"<ins>{escape(new.speaker_label)}:</ins> " if new.speaker_label else "")
    parts.append(word_diff(old.text, new.text))
    return mark_safe("".join(parts))


def _kind(kind):
    return str(Paragraph.Kind(kind).label).lower()


def word_diff(old, new):
    """HTML of `new` with the words removed from `old` in <del> and the words added in <ins>."""
    old_tokens, new_tokens = _TOKENS.findall(old), _TOKENS.findall(new)
    parts = []
    matcher = SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        removed, added = "".join(old_tokens[i1:i2]), "".join(new_tokens[j1:j2])
        if op == "equal":
            parts.append(escape(added))
            continue
        if removed:
            parts.append(f"<del>{escape(removed)}</del>")
        if added:
            parts.append(f"<ins>{escape(added)}</ins>")
    return mark_safe("".join(parts))


def paragraph_changes(old_paragraphs, new_paragraphs):
    """The paragraphs added, removed or changed between two transcripts, in reading order."""
    old_paragraphs, new_paragraphs = list(old_paragraphs), list(new_paragraphs)
    matcher = SequenceMatcher(
        None, [_key(p) for p in old_paragraphs], [_key(p) for p in new_paragraphs], autojunk=False
    )
    changes = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        olds, news = old_paragraphs[i1:i2], new_paragraphs[j1:j2]
        # Paragraphs replaced one for one are edits of each other; the rest were added or removed.
        for n, (old, new) in enumerate(zip(olds, news, strict=False)):
            changes.append(ParagraphChange(CHANGED, i1 + n + 1, j1 + n + 1, _edited(old, new)))
        for n, old in enumerate(olds[len(news) :], start=i1 + len(news) + 1):
            changes.append(ParagraphChange(REMOVED, n, None, mark_safe(f"<del>{escape(_shown(old))}</del>")))
        for n, new in enumerate(news[len(olds) :], start=j1 + len(olds) + 1):
            changes.append(ParagraphChange(ADDED, None, n, mark_safe(f"<ins>{escape(_shown(new))}</ins>")))
    return changes


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


def field_changes(old, new, labels):
    """[(label, old value, new value)] for each field in `labels` whose value differs between two dicts."""
    return [
        FieldChange(label, _text(old.get(name)), _text(new.get(name)))
        for name, label in labels.items()
        if old.get(name) != new.get(name)
    ]


def _text(value):
    return "" if value is None else str(value)
