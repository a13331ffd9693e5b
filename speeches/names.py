"""Names as people spell them: folded to plain Latin letters so that romanisations and scripts compare alike.

Shared by the duplicate suggestions for speakers and venues and by the search filters that take a name.
"""

import re

from anyascii import anyascii

from .models import normalize_label

_NOT_LETTERS = re.compile(r"[^a-z\s-]+")
# In order, on lower-case Latin letters: each step folds spellings of one Russian sound that romanisations disagree
# on, so that Shchugorev and Schugorev, Kleymenov and Kleimenov, Brilyov and Brilev, Dmitriyev and Dmitriev fold alike.
_ROMANISATION = [
    (re.compile("shch|shh"), "sch"),
    (re.compile("x"), "ks"),
    (re.compile("kh"), "h"),
    (re.compile("c(?!h)"), "k"),
    (re.compile("w"), "v"),
    (re.compile("y"), "i"),
    (re.compile(r"([a-z])\1+"), r"\1"),
    (re.compile("i[eo]"), "e"),
]


def fold(text):
    """Spell text in plain Latin letters with the usual romanisation variants folded together."""
    text = _NOT_LETTERS.sub("", anyascii(normalize_label(text)).casefold().replace(".", " "))
    for pattern, replacement in _ROMANISATION:
        text = pattern.sub(replacement, text)
    return " ".join(text.split())


def one_edit_apart(a, b):
    """Whether one letter added, dropped or changed turns a into b."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) > len(b):
        a, b = b, a
    start = 0
    while start < len(a) and a[start] == b[start]:
        start += 1
    skip = 1 if len(a) == len(b) else 0
    return a[start + skip :] == b[start + 1 :]


def feminine_pair(a, b):
    """Whether two folded words are one name's masculine and feminine forms: Ivanov and Ivanova are two people."""
    return a + "a" == b or b + "a" == a
