import pytest

from speeches.search.query import And, Not, Or, Phrase, Prefix, QueryError, Word, parse_query


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
