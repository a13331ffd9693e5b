"""Occurrences of a query in a text, counted by hand: the unit every research count is made of."""

import pytest

from speeches.search import parse_query
from speeches.search.occurrences import OccurrenceCounter, find, merge, patterns

TEXT = "The U.S. and Russia. Russian sanctions; sanctioned goods, the Union State and the union of states."


def found(query, text=TEXT, exact=False, cut=None):
    return [text[start:end] for start, end in find(text, patterns(parse_query(query), exact, cut))]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("sanctions", ["sanctions", "sanctioned"]),  # every form of the stem
        ("sanction*", ["sanctions", "sanctioned"]),
        ('"union state"', ["Union State"]),
        ("union", ["Union", "union"]),
        ('"union state" union', ["Union State", "union"]),  # "Union" inside the phrase is one stretch with it
        ("the", []),  # a common word alone is not searched
        ('"the"', ["The", "the", "the"]),
        ("u.s", ["U.S"]),  # dotted abbreviations are one word, as the index reads them
        ("russia -russian", ["Russia"]),  # excluded words are not occurrences
        ("russia OR goods", ["Russia", "goods"]),
        ('"state union"', []),
    ],
)
def test_find_marks_each_occurrence_once(query, expected):
    assert found(query) == expected


def test_exact_words_match_only_as_written():
    assert found("sanctions", exact=True) == ["sanctions"]


def test_a_cut_prefix_matches_only_its_words():
    assert found("sanct*", cut={"sanct": ["sanctioned"]}) == ["sanctioned"]


def test_cyrillic_words_match_their_forms():
    assert found("санкции", text="Санкции и санкций не боимся, санкционный режим.") == ["Санкции", "санкций"]


@pytest.mark.parametrize("query", ["sanctions", "sanction* OR union", '"union state" union', '"the"', "u.s"])
def test_the_counter_counts_what_find_finds(query):
    count = OccurrenceCounter(patterns(parse_query(query), exact=query == '"the"'))
    for text in [TEXT, TEXT.upper(), "", "union union. Union-State", TEXT * 3, "İstanbul: Union State, İSTANBUL"]:
        assert count(text) == len(find(text, count.patterns))


def test_a_letter_that_lowers_into_two_keeps_its_word_whole():
    assert found("istanbul", text="In İstanbul and Istanbul.") == ["Istanbul"]
    assert OccurrenceCounter(patterns(parse_query("istanbul")))("In İstanbul and Istanbul.") == 1


def test_merge_joins_overlapping_stretches_only():
    assert merge([(5, 6), (0, 1), (1, 3), (7, 7)]) == [(0, 3), (5, 6), (7, 7)]
