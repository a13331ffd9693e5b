"""Text handling shared by the query parser, the highlighter and both search backends: words, stems, common words.

Nothing here depends on a backend: the Whoosh index and the PostgreSQL backend's phrase checks stem through `stem`,
so a word and its forms meet whichever backend serves.
"""

import functools
import re

import snowballstemmer

from speeches.models import has_cyrillic

# Words too common to search for on their own ("the", "и"): the Snowball lists, which are also the stop words of
# PostgreSQL's 'english' and 'russian' configurations, so that every backend leaves out the same words. Inside a
# quoted phrase they still count.
_ENGLISH_COMMON = """
    a about above after again against all am an and any are as at be because been before being below between both
    but by can did do does doing don down during each few for from further had has have having he her here hers
    herself him himself his how i if in into is it its itself just me more most my myself no nor not now of off on
    once only or other our ours ourselves out over own s same she should so some such t than that the their theirs
    them themselves then there these they this those through to too under until up very was we were what when where
    which while who whom why will with you your yours yourself yourselves
"""
_RUSSIAN_COMMON = """
    а без более больше будет будто бы был была были было быть в вам вас вдруг ведь во вот впрочем все всегда всего
    всех всю вы где да даже два для до другой его ее ей ему если есть еще ж же за зачем здесь и из или им иногда их
    к как какая какой когда конечно кто куда ли лучше между меня мне много может можно мой моя мы на над надо
    наконец нас не него нее ней нельзя нет ни нибудь никогда ним них ничего но ну о об один он она они опять от
    перед по под после потом потому почти при про раз разве с сам свою себе себя сейчас со совсем так такой там тебя
    тем теперь то тогда того тоже только том тот три тут ты у уж уже хорошо хоть чего чем через что чтоб чтобы чуть
    эти этого этой этом этот эту я
"""
COMMON_WORDS = frozenset(_ENGLISH_COMMON.split()) | frozenset(_RUSSIAN_COMMON.split())

_LETTERS_OR_DIGITS = re.compile(r"[^\W_]+")

# How the index reads a text into words: Whoosh's own default (runs of word characters, joined across single dots,
# so "U.S." is one word), the same pattern on every backend, so that what the index counts is what a text shows.
TOKEN_PATTERN = r"[\w\*]+(?:\.?[\w\*]+)*"
_TOKENS = re.compile(TOKEN_PATTERN)


def tokens(text):
    """The words of a text as the index reads them: (lowercase word, start, end) in order."""
    return [(match.group().lower(), match.start(), match.end()) for match in _TOKENS.finditer(text)]


def lowercase_words(text):
    """The lowercase words of a text as the index reads them (each word lowered), without their places."""
    lowered = text.lower()
    if len(lowered) == len(text):
        # The text lowered at once reads into the same words, at a fraction of the cost of lowering each word.
        return _TOKENS.findall(lowered)
    # A letter that lowers into two ("İ" into "i" and a combining dot) would split its word.
    return [word.lower() for word in _TOKENS.findall(text)]


def word_count(text):
    """How many words the index reads in a text: the measure of "per 10,000 words"."""
    return sum(1 for _ in _TOKENS.finditer(text))


def words(text):
    """The lowercase words of a text: its runs of letters and digits."""
    return _LETTERS_OR_DIGITS.findall(text.lower())


def is_word(text):
    """Whether text is one run of letters and digits."""
    return bool(_LETTERS_OR_DIGITS.fullmatch(text))


def is_common(word):
    return word.lower() in COMMON_WORDS


# Russian stemming only for Cyrillic words: the Russian stemmer mangles Latin-script ones ("body" -> "bod").
_STEMMERS = {"en": snowballstemmer.stemmer("english"), "ru": snowballstemmer.stemmer("russian")}


# Snippets stem every word of the paragraphs they show, and the same words come back search after search.
@functools.lru_cache(maxsize=65536)
def stem(word):
    return _STEMMERS["ru" if has_cyrillic(word) else "en"].stemWord(word)
