"""The archive's query language, parsed once and compiled by each search backend.

Readers type words, "exact phrases", AND / OR / NOT, -word and prefix*. The parser never fails on
malformed input: unbalanced quotes and brackets are closed, dangling operators are dropped. It only
refuses what cannot be searched, with a message the search page shows as it is.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext, ngettext

from .text import is_common, is_word, words

MAX_QUERY_LENGTH = 500
MAX_QUERY_TERMS = 40


class QueryError(ValueError):
    """A query that cannot be searched; str(error) is a message for the reader."""


@dataclass(frozen=True)
class Word:
    text: str


@dataclass(frozen=True)
class Phrase:
    text: str


@dataclass(frozen=True)
class Prefix:
    text: str


@dataclass(frozen=True)
class And:
    children: tuple


@dataclass(frozen=True)
class Or:
    children: tuple


@dataclass(frozen=True)
class Not:
    child: object


_TOKENS = re.compile(
    r"""
      (?P<open>\()
    | (?P<close>\))
    | (?P<phrase>"[^"]*"?)
    | (?P<minus>-)(?=[\w"(])
    | (?P<word>\w+(?:['’.\-]\w+)*\*?)
    """,
    re.VERBOSE,
)
_OPERATORS = {"AND", "OR", "NOT"}


def clean_text(value):
    """Replace control and format characters with spaces and normalise the text (NFKC)."""
    value = unicodedata.normalize("NFKC", value or "")
    return "".join(" " if unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co"} else ch for ch in value)


def _tokenize(text):
    for match in _TOKENS.finditer(text):
        kind = match.lastgroup
        value = match.group(kind)
        if kind == "word" and value in _OPERATORS:
            yield value, value
        elif kind == "phrase":
            yield "phrase", value.strip('"').strip()
        else:
            yield kind, value


class _Parser:
    def __init__(self, tokens):
        self.tokens = list(tokens)
        self.i = 0

    def peek(self):
        return self.tokens[self.i][0] if self.i < len(self.tokens) else None

    def take(self):
        token = self.tokens[self.i]
        self.i += 1
        return token

    def parse(self):
        nodes = []
        while self.peek() is not None:
            node = self.or_expr()
            if node is not None:
                nodes.append(node)
            if self.peek() in {"close", "OR", "AND"}:
                self.take()  # a stray closing bracket or operator at the top level
        return _join(And, nodes)

    def or_expr(self):
        nodes = [self.and_expr()]
        while self.peek() == "OR":
            self.take()
            nodes.append(self.and_expr())
        return _join(Or, [n for n in nodes if n is not None])

    def and_expr(self):
        nodes = []
        while self.peek() not in {None, "close", "OR"}:
            if self.peek() == "AND":
                self.take()
                continue
            nodes.append(self.unary())
        return _join(And, [n for n in nodes if n is not None])

    def unary(self):
        kind = self.peek()
        if kind in {"NOT", "minus"}:
            self.take()
            if self.peek() in {None, "close", "OR", "AND", "NOT", "minus"}:
                return None
            child = self.unary()
            return Not(child) if child is not None else None
        return self.atom()

    def atom(self):
        kind, value = self.take()
        if kind == "open":
            node = self.or_expr()
            if self.peek() == "close":
                self.take()
            return node
        if kind == "phrase":
            return Phrase(value) if value else None
        if kind == "word":
            if value.endswith("*"):
                stem = value.rstrip("*")
                return Prefix(stem.lower()) if len(stem) >= 2 else Word(stem)
            return Word(value)
        return None


def _join(cls, nodes):
    if not nodes:
        return None
    if len(nodes) == 1:
        return nodes[0]
    return cls(tuple(nodes))


def _has_positive(node):
    if isinstance(node, Not):
        return False
    if isinstance(node, And):
        return any(_has_positive(child) for child in node.children)
    if isinstance(node, Or):
        return all(_has_positive(child) for child in node.children)
    return True


def _count_terms(node):
    if isinstance(node, (And, Or)):
        return sum(_count_terms(child) for child in node.children)
    if isinstance(node, Not):
        return _count_terms(node.child)
    return 1


def parse_query(text):
    """Parse what a reader typed into a query tree, or raise QueryError with a message to show."""
    text = clean_text(text).strip()
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryError(
            ngettext(
                "Your search is too long: please use at most %(limit)s character.",
                "Your search is too long: please use at most %(limit)s characters.",
                MAX_QUERY_LENGTH,
            )
            % {"limit": MAX_QUERY_LENGTH}
        )
    tree = _Parser(_tokenize(text)).parse()
    if tree is None:
        raise QueryError(gettext("Type one or more words to search for."))
    if _count_terms(tree) > MAX_QUERY_TERMS:
        raise QueryError(
            gettext("Your search has too many words: please use at most %(limit)s.") % {"limit": MAX_QUERY_TERMS}
        )
    if not _has_positive(tree):
        raise QueryError(gettext("Add a word to look for: a search cannot consist only of excluded words."))
    return tree


def positive_terms(node):
    """Yield the words, phrases and prefixes a matching text contains (those under NOT excluded)."""
    if isinstance(node, (And, Or)):
        for child in node.children:
            yield from positive_terms(child)
    elif not isinstance(node, Not):
        yield node


def plain_words(node):
    """Yield the single words of the query."""
    for term in positive_terms(node):
        if isinstance(term, Word):
            yield term.text


def only_common_words(tree):
    """Whether everything the query looks for is common words outside quotes, which are not searched alone."""
    terms = list(positive_terms(tree))
    return all(isinstance(term, Word) and all(is_common(word) for word in words(term.text)) for term in terms)


def as_phrase(tree):
    """The words the query looks for, as one quoted phrase."""
    return '"' + " ".join(term.text for term in positive_terms(tree)) + '"'


def proximity_runs(node):
    """Yield, for each AND of the query, its searched single words in the order typed, when there are two or more.

    Ranking puts the paragraphs where a run's words stand side by side, or near one another, first.
    """
    if isinstance(node, Or):
        for child in node.children:
            yield from proximity_runs(child)
    elif isinstance(node, And):
        run = tuple(
            child.text.lower()
            for child in node.children
            if isinstance(child, Word) and is_word(child.text) and not is_common(child.text)
        )
        if len(run) > 1:
            yield run
        for child in node.children:
            if isinstance(child, (And, Or)):
                yield from proximity_runs(child)


def correctable_words(node):
    """Yield the query's words that "did you mean" may correct: letters only (no digits), and no common words."""
    for word in plain_words(node):
        if word.isalpha() and not is_common(word):
            yield word


def replace_words(text, corrections):
    """Return what the reader typed with the words in corrections replaced, outside quotes; the rest stays as typed."""
    pieces, at = [], 0
    for match in _TOKENS.finditer(text):
        if match.lastgroup == "word" and match.group() in corrections:
            pieces += [text[at : match.start()], corrections[match.group()]]
            at = match.end()
    return "".join(pieces) + text[at:]
