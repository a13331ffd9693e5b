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
