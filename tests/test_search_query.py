import pytest

from speeches.search.query import (
    And,
    Not,
    Or,
    Phrase,
    Prefix,
    QueryError,
    Word,
    as_phrase,
    correctable_words,
    only_common_words,
    parse_query,
    proximity_runs,
    replace_words,
)


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("sanctions", Word("sanctions")),
        ("union state", And((Word("union"), Word("state")))),
        ('"union state"', Phrase("union state")),
        ('"union state', Phrase("union state")),
        ('"Xi Jinping"', Phrase("Xi Jinping")),
        ("a OR b", Or((Word("a"), Word("b")))),
        ("a AND NOT b", And((Word("a"), Not(Word("b"))))),
        ("a -b", And((Word("a"), Not(Word("b"))))),
        ("sanct*", Prefix("sanct")),
        ("(a OR b) c", And((Or((Word("a"), Word("b"))), Word("c")))),
        ("((a OR b", Or((Word("a"), Word("b")))),
        ("a))", Word("a")),
        ("NOT OR foobar", Word("foobar")),
        ("AND a OR", Word("a")),
        ("a\x00b\x1bc", And((Word("a"), Word("b"), Word("c")))),
        ("Diaz-Canel", Word("Diaz-Canel")),
        ("and or not", And((Word("and"), Word("or"), Word("not")))),
        # AND binds closer than OR, and brackets group wherever they stand.
        ("a AND b OR c", Or((And((Word("a"), Word("b"))), Word("c")))),
        ("a (b OR c)", And((Word("a"), Or((Word("b"), Word("c")))))),
        ("a (b OR c) d", And((Word("a"), Or((Word("b"), Word("c"))), Word("d")))),
        ("union -(oil OR gas)", And((Word("union"), Not(Or((Word("oil"), Word("gas"))))))),
        ("a) b", And((Word("a"), Word("b")))),
        # A NOT with nothing to exclude is dropped, and leaves what follows it as typed.
        ("a NOT OR b", Or((Word("a"), Word("b")))),
        ("a NOT NOT b", And((Word("a"), Not(Word("b"))))),
        ("a NOT -b", And((Word("a"), Not(Word("b"))))),
        ("(a OR b NOT) c", And((Or((Word("a"), Word("b"))), Word("c")))),
        ('a -""', Word("a")),
        ("a NOT ()", Word("a")),
        # The parser reads a prefix from two letters, in lower case (the search then asks for three); a single letter
        # with a star is that word.
        ("EU*", Prefix("eu")),
        ("FOREX*", Prefix("forex")),
        ("Q*", Word("Q")),
        # Control, format, surrogate and private-use characters separate the words even inside a phrase.
        ('"union\x1bstate"', Phrase("union state")),
        ('"union\u200bstate"', Phrase("union state")),
        ('"union\ud800state"', Phrase("union state")),
        ('"union\ue000state"', Phrase("union state")),
        ("x" * 500, Word("x" * 500)),
        (" ".join(["w"] * 40), And(tuple([Word("w")] * 40))),
    ],
)
def test_parse_query_reads_the_archive_query_language(text, tree):
    assert parse_query(text) == tree


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Type one or more words to search for."),
        ("(((", "Type one or more words to search for."),
        ('""', "Type one or more words to search for."),
        ("x" * 501, "Your search is too long: please use at most 500 characters."),
        ("NOT a", "Add a word to look for: a search cannot consist only of excluded words."),
        (" ".join(["w"] * 41), "Your search has too many words: please use at most 40."),
        # Words in brackets and excluded words count too.
        ("(w OR w) " * 21, "Your search has too many words: please use at most 40."),
        ("w " + "-(w OR w) " * 20, "Your search has too many words: please use at most 40."),
        ("NOT a -b", "Add a word to look for: a search cannot consist only of excluded words."),
        ("-oil OR gas", "Add a word to look for: a search cannot consist only of excluded words."),
    ],
)
def test_parse_query_refuses_what_cannot_be_searched(text, message):
    with pytest.raises(QueryError) as error:
        parse_query(text)
    assert str(error.value) == message


@pytest.mark.parametrize(
    ("text", "common", "phrase"),
    [
        ("the", True, '"the"'),
        ("to be or not to be", True, '"to be or not to be"'),
        ("the -union", True, '"the"'),
        ("и в", True, '"и в"'),
        ("the union", False, '"the union"'),
        ('"the"', False, '"the"'),
        ("the*", False, '"the"'),
    ],
)
def test_only_common_words_are_not_searched_alone(text, common, phrase):
    tree = parse_query(text)
    assert only_common_words(tree) is common
    assert as_phrase(tree) == phrase


@pytest.mark.parametrize(
    ("text", "runs"),
    [
        ("union state", [("union", "state")]),
        ("the Union of States", [("union", "states")]),
        ("energy security -oil", [("energy", "security")]),
        ("union state OR trade volume", [("union", "state"), ("trade", "volume")]),
        ("belarus (union state OR trade volume)", [("union", "state"), ("trade", "volume")]),
        ('"union state" belarus', []),
        ("sanctions", []),
        ("Diaz-Canel visit", []),
    ],
)
def test_proximity_runs_are_the_searched_words_of_each_and(text, runs):
    assert list(proximity_runs(parse_query(text))) == runs


def test_replace_words_leaves_quotes_operators_and_brackets_as_typed():
    corrections = {"sanctoins": "sanctions"}
    assert replace_words('(sanctoins OR "sanctoins") AND -x', corrections) == '(sanctions OR "sanctoins") AND -x'


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [
        ("sanctoins agianst Rusia", "sanctions agianst Russia"),
        ("Rusia, Rusia!", "Russia, Russia!"),
    ],
)
def test_replace_words_corrects_every_misspelt_word(text, suggestion):
    assert replace_words(text, {"sanctoins": "sanctions", "Rusia": "Russia"}) == suggestion


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("sanctoins", ["sanctoins"]),
        ("Rusia OR Ukriane", ["Rusia", "Ukriane"]),
        # Common words, words with digits or apostrophes, excluded words, phrases and prefixes are left as typed.
        ('the sanctoins G20 Putin\'s -embrago "Rusia" sanct*', ["sanctoins"]),
    ],
)
def test_did_you_mean_corrects_only_searched_words_of_letters(text, words):
    assert list(correctable_words(parse_query(text))) == words
