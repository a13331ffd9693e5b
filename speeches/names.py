"""Names as people spell them: folded to plain Latin letters so that romanisations and scripts compare alike.

Shared by the duplicate suggestions for speakers and venues and by the search filters that take a name.
"""

import re
from dataclasses import dataclass

from anyascii import anyascii

from .models import has_cyrillic, normalize_label

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


@dataclass(frozen=True)
class Name:
    given: str
    initial: bool
    surname: str
    cyrillic: bool


_NAME_TOKEN = re.compile(r"[^\s.]+\.?")
_INITIAL_LETTERS = 3  # "A.", "Yu.", "Ю.", "Kh."


def _is_initial(token):
    return len(token.rstrip(".")) == 1 or (token.endswith(".") and len(token) <= _INITIAL_LETTERS + 1)


def parse_name(name):
    """Split a speaker's name into a first name (or its initial) and a surname, folded; None for a single word."""
    text = re.split(r"[,(]", normalize_label(name), maxsplit=1)[0]
    tokens = _NAME_TOKEN.findall(text)
    if len(tokens) < 2:
        # A single word ("Moderator", "Peskov") could be anyone with that word in their name.
        return None
    if _is_initial(tokens[-1]) and not _is_initial(tokens[0]):
        surname, given = tokens[0], tokens[1]  # "Путин В.В."
    else:
        surname, given = tokens[-1], tokens[0]
    surname, folded_given = fold(surname), fold(given)
    if len(surname) < 2 or not folded_given or _is_initial(surname):
        return None
    return Name(folded_given, _is_initial(given), surname, has_cyrillic(text))


def same_surname(a, b):
    # A slip of one letter in a long surname, not at its start: Lavrov and Savrov are more likely two people.
    return a == b or (min(len(a), len(b)) >= 6 and a[0] == b[0] and one_edit_apart(a, b) and not feminine_pair(a, b))


def same_first_name(a, b):
    if a.initial or b.initial:
        # An initial folds like the name it stands for ("Ю." and "Yuri" both start "iu").
        short, long = sorted((a.given, b.given), key=len)
        return long.startswith(short)
    if a.given == b.given:
        return True
    return (
        min(len(a.given), len(b.given)) >= 4
        and one_edit_apart(a.given, b.given)
        and not feminine_pair(a.given, b.given)
    )
