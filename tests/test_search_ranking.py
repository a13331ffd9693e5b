"""Ranking, phrases with common words, common words alone and "did you mean", the same on every backend."""

import datetime

import pytest

from tests import test_search
from tests.factories import make_speech

pytestmark = pytest.mark.django_db

# The behaviour suite's fixtures: every test here runs on each backend, with the same small archive.
archive = test_search.archive
find, titles, page_titles = test_search.find, test_search.titles, test_search.page_titles


# Ranking


def test_search_ranks_words_side_by_side_above_words_near_and_apart(backend, indexed):
    with indexed():
        make_speech(
            "Apart",
            datetime.date(2020, 3, 1),
            paragraphs=[
                "Trade with Asia, trade with Europe, trade in services and trade in goods all grew last year,"
                " while the volume of the grain harvest set a record and that volume was exported."
            ],
        )
        make_speech("Near", datetime.date(2020, 2, 1), paragraphs=["We expect the volume of our trade to grow."])
        make_speech("Side by side", datetime.date(2020, 1, 1), paragraphs=["The trade volume grew."])
    assert titles(find("trade volume")) == ["Side by side", "Near", "Apart"]


def test_search_shows_first_the_paragraph_where_the_words_stand_together(backend, indexed):
    with indexed():
        make_speech(
            "Talks",
            paragraphs=[
                "Energy prices, energy supplies and energy transit were discussed; security was not.",
                "Energy security matters.",
            ],
        )
    (hit,) = find("energy security").hits
    assert [row.paragraph.position for row in hit.paragraphs] == [2, 1]
    assert str(hit.paragraphs[0].snippet) == "<mark>Energy</mark> <mark>security</mark> matters."


def test_search_title_with_the_words_adds_weight(backend, indexed):
    with indexed():
        make_speech("Talks on energy security", datetime.date(2019, 1, 1), paragraphs=["Energy security came first."])
        make_speech("Talks with Germany", datetime.date(2020, 1, 1), paragraphs=["Energy security came first."])
    assert titles(find("energy security")) == ["Talks on energy security", "Talks with Germany"]


def test_search_newest_and_oldest_orders_ignore_closeness(backend, indexed):
    with indexed():
        make_speech("Old and close", datetime.date(2018, 1, 1), paragraphs=["The trade volume grew."])
        make_speech("New and apart", datetime.date(2021, 1, 1), paragraphs=["Trade grew, and so did the volume."])
    assert titles(find("trade volume", sort="newest")) == ["New and apart", "Old and close"]
    assert titles(find("trade volume", sort="oldest")) == ["Old and close", "New and apart"]


# Phrases keep their common words


@pytest.fixture
def quotations(backend, indexed):
    with indexed():
        make_speech("Quotation", paragraphs=["Trade grew, and it is pleasing to note and to stress that it grows."])
        make_speech("Without the first word", paragraphs=["It is pleasing to note that trade grew."])
        make_speech("Other common words", paragraphs=["And so it was pleasing to note and add that trade grew."])
        make_speech("Hamlet", paragraphs=["To be or not to be, that is the question."])
        make_speech("Honest", paragraphs=["To be honest, or not to be fooled, be careful."])


@pytest.mark.parametrize("exact", [False, True])
def test_search_phrase_matches_every_word_common_ones_included_in_order(quotations, exact):
    assert titles(find('"and it is pleasing to note and"', exact=exact)) == ["Quotation"]
    assert titles(find('"to be or not to be"', exact=exact)) == ["Hamlet"]
    assert titles(find('"be or not to be to"', exact=exact)) == []


def test_search_phrase_with_common_words_still_matches_other_forms_of_the_others(quotations):
    assert titles(find('"and it is pleased to note and"')) == ["Quotation"]
    assert titles(find('"and it is pleased to note and"', exact=True)) == []


def test_search_phrase_with_common_words_is_marked_whole(quotations):
    (hit,) = find('"and it is pleasing to note and"').hits
    assert str(hit.paragraphs[0].snippet) == (
        "Trade grew, <mark>and it is pleasing to note and</mark> to stress that it grows."
    )
    (hit,) = find('"to be or not to be"').hits
    assert str(hit.paragraphs[0].snippet) == "<mark>To be or not to be</mark>, that is the question."


def test_speech_page_marks_a_phrase_of_common_words(client, quotations):
    hit = find('"to be or not to be"').hits[0]
    html = client.get(hit.speech.get_absolute_url(), {"q": '"to be or not to be"'}).content.decode()
    assert "<mark>To be or not to be</mark>, that is the question." in html
    assert html.count("<mark>") == 1


# Common words alone


def test_search_of_common_words_alone_says_so_and_offers_the_phrase(client, archive):
    response = client.get("/search/", {"q": "the", "sort": "newest"})
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        '<p class="search-total" role="status">Common words such as “the” are not searched on their own;'
        " put a phrase in quotes to find it.</p>" in html
    )
    assert 'Search for the phrase <a href="/search/?sort=newest&amp;q=%22the%22">&quot;the&quot;</a>?' in html
    assert "Did you mean" not in html
    assert "No addresses match" not in html
    assert page_titles(client.get("/search/", {"q": '"the"', "sort": "newest"})) == [
        "Meeting with the President of Belarus",
        "Address to the Federal Assembly",
        "Interview to the press",
    ]


def test_search_offers_several_common_words_as_one_phrase(client, archive):
    html = client.get("/search/", {"q": "to be or not to be"}).content.decode()
    assert '<a href="/search/?q=%22to+be+or+not+to+be%22">&quot;to be or not to be&quot;</a>' in html


def test_search_with_a_common_word_and_others_searches_the_others(client, archive):
    response = client.get("/search/", {"q": "the belarus"})
    assert page_titles(response) == ["Meeting with the President of Belarus"]
    assert "Common words such as" not in response.content.decode()


# Did you mean


@pytest.mark.parametrize(
    ("query", "suggestion"),
    [
        ("alerd", "alert"),
        ("alert(1)", ""),
        ("(a OR", ""),
        ("the", ""),
        ('"alerd level"', ""),
        ('alerd AND (1 OR "alerd") -regoins', 'alert AND (1 OR "alerd") -regoins'),
    ],
)
def test_search_did_you_mean_corrects_misspelt_words_only(backend, indexed, query, suggestion):
    with indexed():
        make_speech("Alert", paragraphs=["Alert level 10 for all regions, and the alert service is there."])
    assert find(query).suggestion == suggestion


def test_search_did_you_mean_leaves_indexed_words_alone(archive):
    assert find("belarus journalists").suggestion == ""
    assert find("belarus journalsts").suggestion == "belarus journalists"
