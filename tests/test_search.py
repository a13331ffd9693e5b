"""Search behaviour, the same on every backend: the PostgreSQL variant runs where the test database is PostgreSQL."""

import datetime
import io
import re
import subprocess
import sys
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from speeches import search
from speeches.models import IndexUpdate, Paragraph, SimilarSpeech, SpeakerAlias, Speech
from speeches.search import SearchParams, bulk_indexing, parse_query
from tests.factories import make_speaker, make_speech, make_venue

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(backend, indexed):
    putin = make_speaker()
    medvedev = make_speaker("Dmitry Medvedev", "President of Russia")
    kremlin, sochi = make_venue(), make_venue("Sochi")
    with indexed():
        speeches = {
            "union": make_speech(
                "Meeting with the President of Belarus",
                datetime.date(2019, 12, 20),
                venue=sochi,
                kind=Speech.Kind.MEETING,
                speaker=putin,
                paragraphs=[("Vladimir Putin", "We discussed the Union State of Russia and Belarus at length.")],
            ),
            "address": make_speech(
                "Address to the Federal Assembly",
                datetime.date(2018, 3, 1),
                venue=kremlin,
                kind=Speech.Kind.ADDRESS,
                speaker=putin,
                paragraphs=[
                    ("Vladimir Putin", "The state of the union between our peoples is strong."),
                    "Sanctions have not stopped our economy.",
                ],
            ),
            "interview": make_speech(
                "Interview to the press",
                datetime.date(2010, 5, 7),
                kind=Speech.Kind.INTERVIEW,
                speaker=medvedev,
                paragraphs=[("Dmitry Medvedev", "The sanction regime is a mistake, I told the union of journalists.")],
            ),
            "russian": make_speech(
                "Российско-китайские переговоры",
                datetime.date(2025, 5, 8),
                language=Speech.Language.RUSSIAN,
                venue=kremlin,
                paragraphs=["Позвольте мне сердечно поприветствовать вас в Москве. Это наш body и наша душа."],
            ),
            "draft": make_speech(
                "Draft about the union",
                datetime.date(2020, 1, 1),
                status=Speech.Status.DRAFT,
                paragraphs=["A draft on sanctions and the Union State."],
            ),
        }
    speeches["putin"], speeches["medvedev"], speeches["kremlin"], speeches["sochi"] = putin, medvedev, kremlin, sochi
    return speeches


def find(text, **options):
    return search.search(SearchParams(query=parse_query(text), text=text, **options))


def titles(results):
    return [hit.speech.title for hit in results.hits]


def page_titles(response):
    return [hit.speech.title for hit in response.context["results"].hits]


# The query language


def test_search_phrase_matches_only_adjacent_words(archive):
    assert titles(find('"union state"')) == ["Meeting with the President of Belarus"]
    assert sorted(titles(find("union state"))) == [
        "Address to the Federal Assembly",
        "Meeting with the President of Belarus",
    ]


def test_search_stems_english_words_unless_exact(archive):
    assert sorted(titles(find("sanction"))) == ["Address to the Federal Assembly", "Interview to the press"]
    assert titles(find("sanction", exact=True)) == ["Interview to the press"]
    assert titles(find("sanctions", exact=True)) == ["Address to the Federal Assembly"]


def test_search_stems_russian_words_in_russian_speeches(archive):
    assert titles(find("Москва")) == ["Российско-китайские переговоры"]
    assert titles(find("Москва", exact=True)) == []
    assert titles(find("москве", exact=True)) == ["Российско-китайские переговоры"]


def test_search_finds_latin_words_inside_russian_text_unmangled(archive):
    assert titles(find("body")) == ["Российско-китайские переговоры"]


def test_search_or_not_minus_and_prefix(archive):
    assert sorted(titles(find("belarus OR journalists"))) == [
        "Interview to the press",
        "Meeting with the President of Belarus",
    ]
    assert titles(find("union NOT belarus NOT journalists")) == ["Address to the Federal Assembly"]
    assert titles(find("union -belarus -peoples")) == ["Interview to the press"]
    assert titles(find("(belarus OR peoples) AND strong")) == ["Address to the Federal Assembly"]
    assert sorted(titles(find("journ*"))) == ["Interview to the press"]
    assert sorted(titles(find("sanct*"))) == ["Address to the Federal Assembly", "Interview to the press"]


def test_search_never_returns_drafts(archive):
    # The draft says "union", "sanctions" and "draft": only the published speeches that say them are found.
    assert sorted(titles(find("union"))) == [
        "Address to the Federal Assembly",
        "Interview to the press",
        "Meeting with the President of Belarus",
    ]
    assert titles(find("draft")) == []


def test_search_matches_titles_and_leads(archive):
    hit = find("federal assembly").hits[0]
    assert hit.speech.title == "Address to the Federal Assembly"
    assert str(hit.paragraphs[0].snippet) == "Address to the <mark>Federal</mark> <mark>Assembly</mark>"


# Results as readers see them


def test_search_page_groups_paragraphs_under_their_speech_with_links(client, archive):
    response = client.get("/search/", {"q": "union"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "3 addresses (3 matching paragraphs)" in html
    hits = response.context["results"].hits
    meeting = next(hit for hit in hits if hit.speech.title == "Meeting with the President of Belarus")
    assert [row.url for row in meeting.paragraphs] == [f"{archive['union'].get_absolute_url()}#p1"]
    assert f'href="{archive["union"].get_absolute_url()}?q=union#p1"' in html
    assert '<time datetime="2019-12-20">20 December 2019</time> · Meeting · Sochi' in html
    assert "<b>Vladimir Putin:</b> We discussed the <mark>Union</mark> State of Russia" in html


def test_search_snippets_escape_transcript_markup(client, backend, indexed):
    with indexed():
        make_speech(
            "Hostile transcript",
            paragraphs=["Sanctions <script>alert('x')</script> and <mark>fake</mark> & <b>bold</b>."],
        )
    html = client.get("/search/", {"q": "sanctions"}).content.decode()
    assert "<script>alert" not in html
    assert "<mark>fake</mark>" not in html
    assert (
        "<mark>Sanctions</mark> &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; and &lt;mark&gt;fake&lt;/mark&gt;"
        " &amp; &lt;b&gt;bold&lt;/b&gt;." in html
    )


def test_search_snippet_is_cut_around_the_match_of_a_long_paragraph(backend, indexed):
    words = " ".join(f"filler{n}" for n in range(200))
    with indexed():
        make_speech("Long", paragraphs=[f"{words} Chernobyl {words}"])
    snippet = str(find("chernobyl").hits[0].paragraphs[0].snippet)
    assert "<mark>Chernobyl</mark>" in snippet
    assert snippet.startswith("… ") and snippet.endswith(" …")
    assert len(snippet) < 400


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"speaker": "dmitry-medvedev"}, ["Interview to the press"]),
        ({"venue": "sochi"}, ["Meeting with the President of Belarus"]),
        ({"kind": "address"}, ["Address to the Federal Assembly"]),
        (
            {"lang": "en", "sort": "oldest"},
            ["Interview to the press", "Address to the Federal Assembly", "Meeting with the President of Belarus"],
        ),
        (
            {"date_from": "2018-03-01", "sort": "newest"},
            ["Meeting with the President of Belarus", "Address to the Federal Assembly"],
        ),
        ({"date_to": "2018-03-01", "sort": "newest"}, ["Address to the Federal Assembly", "Interview to the press"]),
    ],
)
def test_search_filters_narrow_results(client, archive, params, expected):
    response = client.get("/search/", {"q": "union OR sanctions", **params})
    assert page_titles(response) == expected


def test_search_language_filter_for_russian(client, archive):
    response = client.get("/search/", {"q": "москве OR union", "lang": "ru"})
    assert page_titles(response) == ["Российско-китайские переговоры"]


def test_search_sorts_by_date_or_relevance(client, archive):
    query = {"q": "union OR belarus"}
    assert page_titles(client.get("/search/", {**query, "sort": "newest"})) == [
        "Meeting with the President of Belarus",
        "Address to the Federal Assembly",
        "Interview to the press",
    ]
    assert page_titles(client.get("/search/", {**query, "sort": "oldest"})) == [
        "Interview to the press",
        "Address to the Federal Assembly",
        "Meeting with the President of Belarus",
    ]
    # Two of its words, one in the title: the meeting with Belarus is the best match; then "union" in the shorter
    # paragraph, which is also the newer address.
    assert page_titles(client.get("/search/", query)) == [
        "Meeting with the President of Belarus",
        "Address to the Federal Assembly",
        "Interview to the press",
    ]


def test_search_facets_count_speeches_for_the_query(client, archive):
    response = client.get("/search/", {"q": "union OR sanctions"})
    results = response.context["results"]
    assert [(f.label, f.count, f.selects) for f in results.speakers] == [
        ("Vladimir Putin", 2, {"speaker": "vladimir-putin"}),
        ("Dmitry Medvedev", 1, {"speaker": "dmitry-medvedev"}),
    ]
    assert [(f.value, f.count) for f in results.years] == [(2010, 1), (2018, 1), (2019, 1)]
    assert [(f.label, f.count) for f in results.venues] == [("Sochi", 1), ("The Kremlin, Moscow", 1)]
    assert [(f.value, f.label, f.count) for f in results.kinds] == [
        ("address", "Address", 1),
        ("interview", "Interview", 1),
        ("meeting", "Meeting", 1),
    ]
    html = response.content.decode()
    link = 'href="/search/?q=union+OR+sanctions&amp;speaker=dmitry-medvedev">Dmitry Medvedev</a>'
    assert f'{link} <span class="count">1</span>' in html
    assert "date_from=2018-01-01&amp;date_to=2018-12-31" in html


def test_search_chart_draws_a_bar_per_year_readable_without_script(client, archive):
    html = client.get("/search/", {"q": "union OR sanctions"}).content.decode()
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    assert '<title id="chart-title">Addresses matching the search, per year</title>' in svg
    # 2010 to 2019: the archive holds nothing of 2011 to 2017, which are gaps rather than years without a match.
    assert '<desc id="chart-desc">2010: 1; 2011: no addresses in the archive;' in svg
    assert svg.count("<rect") == 3
    assert svg.count('class="hits-chart__gap"') == 7
    assert "<title>2018: 1</title>" in svg


def chart_of(client, query):
    html = client.get("/search/", {"q": query}).content.decode()
    return re.search(r"<svg.*?</svg>", html, re.S).group(0)


def test_search_chart_tells_a_year_without_matches_from_a_year_without_addresses(client, backend, indexed):
    with indexed():
        make_speech("Gas", datetime.date(2015, 3, 1), paragraphs=["Gas transit."])
        make_speech("Roads", datetime.date(2016, 3, 1), paragraphs=["Roads and bridges."])
        make_speech("More gas", datetime.date(2018, 3, 1), paragraphs=["Gas prices."])
    svg = chart_of(client, "gas")
    assert '<desc id="chart-desc">2015: 1; 2016: 0; 2017: no addresses in the archive; 2018: 1</desc>' in svg
    assert svg.count('class="hits-chart__zero"') == 1
    assert svg.count('class="hits-chart__gap"') == 1


def test_search_chart_draws_one_year_as_one_bar(client, backend, indexed):
    with indexed():
        make_speech("Gas", datetime.date(2015, 3, 1), paragraphs=["Gas transit."])
    svg = chart_of(client, "gas")
    (width,) = re.findall(r'<rect class="hits-chart__bar" x="[\d.]+" y="[\d.]+" width="([\d.]+)"', svg)
    assert float(width) <= 640 / 12  # a twelfth of the chart, not all of it
    x = float(re.search(r'<rect class="hits-chart__bar" x="([\d.]+)"', svg).group(1))
    assert abs(x + float(width) / 2 - 320) < 2  # in the middle


def test_search_paginates_speeches(client, backend, indexed):
    with indexed():
        for day in range(1, 13):
            make_speech(f"Briefing {day:02d}", datetime.date(2021, 1, day), paragraphs=["Gas supplies to Europe."])
    first = client.get("/search/", {"q": "gas", "sort": "newest"})
    assert page_titles(first) == [f"Briefing {day:02d}" for day in range(12, 2, -1)]
    html = first.content.decode()
    assert "Page 1 of 2" in html
    assert 'href="?q=gas&amp;sort=newest&amp;page=2"' in html
    second = client.get("/search/", {"q": "gas", "sort": "newest", "page": "2"})
    assert page_titles(second) == ["Briefing 02", "Briefing 01"]
    beyond = client.get("/search/", {"q": "gas", "sort": "newest", "page": "99"})
    assert page_titles(beyond) == ["Briefing 02", "Briefing 01"]
    not_a_number = client.get("/search/", {"q": "gas", "sort": "newest", "page": "x"})
    assert not_a_number.status_code == 200
    assert page_titles(not_a_number) == page_titles(first)


def test_search_suggests_the_spelling_of_indexed_words(client, archive):
    response = client.get("/search/", {"q": "sanctoins"})
    assert response.context["results"].suggestion == "sanctions"
    assert 'Did you mean <a href="/search/?q=sanctions">sanctions</a>?' in response.content.decode()
    assert client.get("/search/", {"q": "sanctions"}).context["results"].suggestion == ""


# Filters by name


@pytest.mark.parametrize(
    "typed",
    [
        "vladimir-putin",
        "Putin",
        "putin",
        "PUTIN",
        "Vladimir Putin",
        "vladimir putin",
        "Putin, Vladimir",
        "V. Putin",
        "Путин",
        "Владимир Путин",
    ],
)
def test_search_speaker_filter_takes_the_name_as_people_type_it(client, archive, typed):
    response = client.get("/search/", {"q": "union OR sanctions", "speaker": typed, "sort": "newest"})
    assert response.status_code == 200
    assert page_titles(response) == ["Meeting with the President of Belarus", "Address to the Federal Assembly"]
    # The box keeps what was typed.
    assert f'<input type="text" name="speaker" value="{typed}"' in response.content.decode()


def test_search_speaker_filter_takes_any_alias(client, archive):
    SpeakerAlias.objects.create(speaker=archive["putin"], label="Supreme Commander-in-Chief")
    response = client.get("/search/", {"q": "union OR sanctions", "speaker": "supreme commander-in-chief"})
    assert sorted(page_titles(response)) == ["Address to the Federal Assembly", "Meeting with the President of Belarus"]


def test_search_speaker_filter_follows_the_address_name_of_a_merged_speaker(client, archive):
    archive["putin"].redirects.create(slug="v-putin")
    response = client.get("/search/", {"q": "union OR sanctions", "speaker": "v-putin"})
    assert sorted(page_titles(response)) == ["Address to the Federal Assembly", "Meeting with the President of Belarus"]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Sochi", "Meeting with the President of Belarus"),
        ("сочи", "Meeting with the President of Belarus"),
        ("kremlin", "Address to the Federal Assembly"),
        ("the-kremlin-moscow", "Address to the Federal Assembly"),
    ],
)
def test_search_venue_filter_takes_the_name_as_people_type_it(client, archive, typed, expected):
    response = client.get("/search/", {"q": "union OR sanctions", "venue": typed})
    assert page_titles(response) == [expected]


@pytest.fixture
def lukashenkos(archive, indexed):
    alexander = make_speaker("Alexander Lukashenko", "President of Belarus")
    viktor = make_speaker("Viktor Lukashenko", "")
    with indexed():
        for day in (1, 2):
            make_speech(
                f"Talks in Minsk {day}",
                datetime.date(2021, 9, day),
                speaker=alexander,
                paragraphs=[("Alexander Lukashenko", "The union of our two states.")],
            )
        make_speech(
            "A question from the floor",
            datetime.date(2021, 9, 3),
            speaker=viktor,
            paragraphs=[("Viktor Lukashenko", "A question about the union budget.")],
        )
    return alexander, viktor


def test_search_name_that_fits_several_speakers_asks_which_one(client, lukashenkos):
    response = client.get("/search/", {"q": "union", "speaker": "Lukashenko"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Speaker: “Lukashenko” fits 2 speakers: which one do you mean?" in html
    # Most addresses first; each choice narrows the same search by the speaker's address name.
    assert (
        '<ul class="name-choices">'
        '<li><a href="?q=union&amp;speaker=alexander-lukashenko">Alexander Lukashenko</a>, President of Belarus'
        " (2 addresses)</li>"
        '<li><a href="?q=union&amp;speaker=viktor-lukashenko">Viktor Lukashenko</a> (1 address)</li></ul>'
    ) in html
    assert '<li id="id_speaker_error">' in html and 'aria-describedby="id_speaker_error"' in html
    chosen = client.get("/search/", {"q": "union", "speaker": "alexander-lukashenko", "sort": "newest"})
    assert page_titles(chosen) == ["Talks in Minsk 2", "Talks in Minsk 1"]


def test_search_full_name_or_initial_picks_one_of_several_with_a_surname(client, lukashenkos):
    for typed in ("Alexander Lukashenko", "Лукашенко Александр", "A. Lukashenko"):
        response = client.get("/search/", {"q": "union", "speaker": typed, "sort": "newest"})
        assert page_titles(response) == ["Talks in Minsk 2", "Talks in Minsk 1"], typed


def test_search_speaker_without_published_addresses_does_not_make_a_name_ambiguous(client, lukashenkos):
    Speech.objects.filter(title="A question from the floor").update(status=Speech.Status.DRAFT)
    response = client.get("/search/", {"q": "union", "speaker": "Lukashenko", "sort": "newest"})
    assert page_titles(response) == ["Talks in Minsk 2", "Talks in Minsk 1"]


def test_search_unknown_name_gets_a_400_naming_what_was_typed(client, archive):
    response = client.get("/search/", {"q": "union", "speaker": "Putn"})
    assert response.status_code == 400
    assert "Speaker: No speaker is known as “Putn”; check the spelling." in response.content.decode()
    response = client.get("/search/", {"q": "union", "venue": "<b>Yalta</b>"})
    assert response.status_code == 400
    assert "Venue: No venue is known as “&lt;b&gt;Yalta&lt;/b&gt;”; check the spelling." in response.content.decode()


def test_search_unknown_name_lists_the_names_that_begin_like_it(client, archive):
    response = client.get("/search/", {"q": "union", "speaker": "Puti"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Speaker: No speaker is known as “Puti”; these names begin like it:" in html
    assert (
        '<li><a href="?q=union&amp;speaker=vladimir-putin">Vladimir Putin</a>, President of Russia (2 addresses)</li>'
        in html
    )


def test_search_page_offers_names_to_choose_without_script(client, archive):
    html = client.get("/search/").content.decode()
    assert '<label for="id_speaker">Speaker</label> <input type="text" name="speaker"' in html
    assert 'list="speaker-names" data-suggest="/search/speakers/"' in html
    assert 'list="venue-names" data-suggest="/search/venues/"' in html
    # Before a search: the speakers and venues of the latest addresses, most frequent first.
    assert (
        '<datalist id="speaker-names"><option value="Vladimir Putin"></option>'
        '<option value="Dmitry Medvedev"></option></datalist>'
    ) in html
    assert (
        '<datalist id="venue-names"><option value="The Kremlin, Moscow"></option>'
        '<option value="Sochi"></option></datalist>'
    ) in html
    # With results: the names in the facets.
    html = client.get("/search/", {"q": "sanctions"}).content.decode()
    assert (
        '<datalist id="speaker-names"><option value="Dmitry Medvedev"></option>'
        '<option value="Vladimir Putin"></option></datalist>'
    ) in html
    assert '<datalist id="venue-names"><option value="The Kremlin, Moscow"></option></datalist>' in html


def test_search_page_queries_stay_the_same_as_the_archive_grows(client, archive, indexed):
    searches = [
        {},
        {"q": "union"},
        {"q": "union", "speaker": "vladimir-putin"},
        {"q": "union", "speaker": "Putin", "venue": "Sochi"},
        {"q": "union", "speaker": "Medvedev"},
    ]

    def queries():
        counts = []
        for params in searches:
            with CaptureQueriesContext(connection) as captured:
                assert client.get("/search/", params).status_code == 200
            counts.append(len(captured))
        return counts

    def grow(surnames, month):
        with indexed():
            for n, surname in enumerate(surnames):
                speaker = make_speaker(f"Pavel {surname}", "Governor")
                SpeakerAlias.objects.create(speaker=speaker, label=f"P.{surname}")
                make_speech(
                    f"Regional union meeting {month}-{n}",
                    datetime.date(2015, month, n + 1),
                    venue=make_venue(f"{surname} Hall"),
                    speaker=speaker,
                    paragraphs=[(f"Pavel {surname}", "The union of regions.")],
                )

    # Enough matches that "did you mean" (offered below five) is out of the picture on both sides.
    grow(["Orlov", "Sokolov", "Volkov", "Lebedev", "Kozlov"], 1)
    before = queries()
    grow(["Novikov", "Morozov", "Petrov", "Smirnov", "Fedorov", "Egorov", "Pavlov"], 2)
    assert queries() == before


# Bad input


UNION = ["Address to the Federal Assembly", "Interview to the press", "Meeting with the President of Belarus"]
NOTHING_TO_SEARCH = "We could not run this search: Type one or more words to search for."


@pytest.mark.parametrize(
    ("query", "status", "answer"),
    [
        # Operators and brackets out of place are read as well as they can be: the words in them are searched.
        ("NOT OR foobar", 200, []),
        ('"unbalanced phrase', 200, []),
        ("((union", 200, UNION),
        ("union))", 200, UNION),
        ("union:*&!|<->", 200, UNION),
        ("'; DROP TABLE speeches_speech; --", 200, []),
        ("ÿ̶͎̓ unicode 🙂", 200, []),
        # Nothing left to search, or what cannot be searched: a 400 that says why.
        ("(((", 400, NOTHING_TO_SEARCH),
        ("AND OR NOT", 400, NOTHING_TO_SEARCH),
        ("-", 400, NOTHING_TO_SEARCH),
        ("*", 400, NOTHING_TO_SEARCH),
        ("u*", 400, "We could not run this search: “u*” is too short to search: type at least 3 letters before the *."),
        ("union\x00\x07\x1b state", 400, "We could not run this search: Null characters are not allowed."),
        # Only common words: the page says they are not searched alone.
        ("[a TO", 200, "Common words such as “the” are not searched on their own"),
    ],
)
def test_search_malformed_queries_get_results_or_a_message(client, archive, query, status, answer):
    response = client.get("/search/", {"q": query})
    assert response.status_code == status
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", response.content.decode()))
    if isinstance(answer, list):
        assert sorted(page_titles(response)) == answer
    else:
        assert answer in text
        assert "results" not in response.context
    if status == 400:
        assert 'role="alert"' in response.content.decode()


def test_search_not_or_foobar_searches_the_word(client, archive, indexed):
    with indexed():
        make_speech("Foobar summit", paragraphs=["On foobar."])
    response = client.get("/search/", {"q": "NOT OR foobar"})
    assert response.status_code == 200
    assert page_titles(response) == ["Foobar summit"]


def test_search_refuses_overlong_and_negative_only_queries_with_a_message(client, archive):
    response = client.get("/search/", {"q": "union " * 2000})
    assert response.status_code == 400
    assert "Your search is too long: please use at most 500 characters." in response.content.decode()
    response = client.get("/search/", {"q": "-union NOT belarus"})
    assert response.status_code == 400
    assert "Add a word to look for: a search cannot consist only of excluded words." in response.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "yesterday"}, "From: Enter a valid date."),
        ({"speaker": "nobody"}, "Speaker: No speaker is known as “nobody”; check the spelling."),
        ({"kind": "poem"}, "Kind: Select a valid choice. poem is not one of the available choices."),
        ({"sort": "random"}, "Order: Select a valid choice. random is not one of the available choices."),
    ],
)
def test_search_invalid_filters_get_a_400_with_the_reason(client, archive, params, message):
    response = client.get("/search/", {"q": "union", **params})
    assert response.status_code == 400
    assert message in response.content.decode()


def test_search_page_without_query_shows_the_form(client, backend):
    response = client.get("/search/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label for="search-q">Words or “a phrase”</label>' in html
    assert "results" not in response.context


def test_every_page_has_a_labelled_search_box(client, backend):
    html = client.get("/").content.decode()
    assert '<form class="site-search" id="site-search" role="search" action="/search/" method="get">' in html
    assert '<label for="site-search-q">Search the transcripts</label>' in html


# Arriving on a speech


def test_speech_page_highlights_the_query_and_keeps_text_escaped(client, backend, indexed):
    with indexed():
        speech = make_speech(
            "Talks",
            paragraphs=["Opening words.", "New sanctions <script>x()</script> were announced.", "Closing."],
        )
    html = client.get(speech.get_absolute_url(), {"q": "sanction"}).content.decode()
    assert (
        '<p class="transcript__p transcript__hit" id="p2">' in html
        and "New <mark>sanctions</mark> &lt;script&gt;x()&lt;/script&gt; were announced." in html
    )
    assert html.count("<mark>") == 1
    assert "Back to the results" in html
    plain = client.get(speech.get_absolute_url()).content.decode()
    assert "<mark>" not in plain


def test_phrase_is_highlighted_only_where_its_words_follow_each_other(client, backend, indexed):
    with indexed():
        speech = make_speech(
            "Council",
            paragraphs=["The Supreme State Council of the Union State met, and the State Duma listened."],
        )
    response = client.get("/search/", {"q": '"union state"'})
    (hit,) = response.context["results"].hits
    assert str(hit.paragraphs[0].snippet) == (
        "The Supreme State Council of the <mark>Union State</mark> met, and the State Duma listened."
    )
    html = client.get(speech.get_absolute_url(), {"q": '"union state"'}).content.decode()
    assert html.count("<mark>") == 1


def test_speech_page_offers_more_like_this(client, backend, indexed):
    with indexed():
        gas = make_speech("Gas talks", paragraphs=["Gas pipeline gas prices gas transit through Ukraine."])
        make_speech("More gas", paragraphs=["Gas transit and the pipeline price."])
        make_speech("Football", paragraphs=["The football championship was a success."])
    html = client.get(gas.get_absolute_url()).content.decode()
    related = re.search(r'<aside class="related".*?</aside>', html, re.S).group(0)
    assert "More gas" in related
    assert "Football" not in related


def related_titles(client, speech):
    html = client.get(speech.get_absolute_url()).content.decode()
    related = re.search(r'<aside class="related".*?</aside>', html, re.S)
    return re.findall(r'<a href="/speeches/[^"]+">([^<]+)</a>', related.group(0)) if related else []


def day(n):
    return datetime.date(2023, 6, n)


def test_an_address_indexed_later_is_suggested_under_the_earlier_ones_it_resembles(client, backend, indexed):
    with indexed():
        gas = make_speech("Gas talks", day(1), paragraphs=["Gas pipeline gas prices gas transit through Ukraine."])
        # Not next to it in time: the gas page does not show its title as the next or previous address.
        make_speech("Weather", day(3), paragraphs=["Snow is expected in the capital."])
        football = make_speech("Football", day(4), paragraphs=["The football championship was a success."])
    assert related_titles(client, gas) == []  # the page is now kept by the page cache
    with indexed():
        make_speech("More gas", day(2), paragraphs=["Gas transit and the pipeline price."])
    assert related_titles(client, gas) == ["More gas"]
    # An edit that leaves which addresses are public as it was.
    with indexed():
        Paragraph.objects.filter(speech=football).update(text="Gas transit through Ukraine, and gas prices.")
        search.queue_speech(football.pk)
    assert sorted(related_titles(client, gas)) == ["Football", "More gas"]


def test_suggestions_leave_with_an_address_withdrawn_from_the_public(client, backend, indexed):
    with indexed():
        gas = make_speech("Gas talks", paragraphs=["Gas pipeline gas prices gas transit through Ukraine."])
        more = make_speech("More gas", paragraphs=["Gas transit and the pipeline price."])
    assert related_titles(client, gas) == ["More gas"]
    with indexed():
        more.status = Speech.Status.DRAFT
        more.save()
    assert related_titles(client, gas) == []
    assert not SimilarSpeech.objects.filter(speech=more).exists()  # a draft's page suggests nothing
    with indexed():
        more.status = Speech.Status.PUBLISHED
        more.save()
    assert related_titles(client, gas) == ["More gas"]
    assert related_titles(client, more) == ["Gas talks"]


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)  # Whoosh finds them without a time limit
def test_a_speech_whose_likeness_search_runs_out_of_time_keeps_its_suggestions(client, backend, indexed, settings):
    with indexed():
        gas = make_speech("Gas talks", paragraphs=["Gas pipeline gas prices gas transit through Ukraine."])
        make_speech("More gas", paragraphs=["Gas transit and the pipeline price."])
        make_speech("Football", paragraphs=["The football championship was a success."])
    settings.SEARCH_TIME_BUDGET = 1e-9
    with indexed():
        Paragraph.objects.filter(speech=gas).update(text="The football championship, and its success.")
        search.queue_speech(gas.pk)
    assert not IndexUpdate.objects.exists()
    settings.SEARCH_TIME_BUDGET = 5
    assert sorted(titles(find("championship"))) == ["Football", "Gas talks"]  # indexed all the same
    assert related_titles(client, gas) == ["More gas"]


def test_rebuild_and_check_index_find_the_suggestions_an_archive_lacks(client, backend, indexed):
    with indexed():
        gas = make_speech("Gas talks", paragraphs=["Gas pipeline gas prices gas transit through Ukraine."])
        make_speech("More gas", paragraphs=["Gas transit and the pipeline price."])
    SimilarSpeech.objects.all().delete()
    search.rebuild()
    assert list(SimilarSpeech.objects.filter(speech=gas).values_list("similar__title", flat=True)) == ["More gas"]
    # An archive from before suggestions were kept, or whose rows were lost.
    SimilarSpeech.objects.all().delete()
    printed = io.StringIO()
    call_command("check_index", "--fix", stdout=printed)
    assert "Found the speeches like 2 speech(es) that had no suggestions." in printed.getvalue()
    assert related_titles(client, gas) == ["More gas"]
    again = io.StringIO()
    call_command("check_index", "--fix", stdout=again)
    assert "suggestions" not in again.getvalue()


# Index upkeep


def test_index_follows_publish_unpublish_and_delete(backend, indexed):
    with indexed():
        speech = make_speech("Pending", status=Speech.Status.DRAFT, paragraphs=["Hydrogen energy."])
    assert titles(find("hydrogen")) == []
    with indexed():
        speech.status = Speech.Status.PUBLISHED
        speech.save()
    assert titles(find("hydrogen")) == ["Pending"]
    with indexed():
        speech.status = Speech.Status.DRAFT
        speech.save()
    assert titles(find("hydrogen")) == []
    assert find("hydrogen").total == 0
    assert search.check() == ([], [], [])
    with indexed():
        speech.status = Speech.Status.PUBLISHED
        speech.save()
    with indexed():
        speech.delete()
    assert find("hydrogen").total == 0


def test_index_follows_paragraph_edits(backend, indexed):
    with indexed():
        speech = make_speech("Edited", paragraphs=["Old wording."])
    with indexed():
        paragraph = Paragraph.objects.get(speech=speech)
        paragraph.text = "New wording about tariffs."
        paragraph.save()
    assert titles(find("tariffs")) == ["Edited"]
    assert titles(find("old")) == []


def test_bulk_indexing_indexes_everything_once_at_the_end(backend, indexed):
    generation = search.get_backend()._index().latest_generation() if backend == "whoosh" else None
    with indexed(), bulk_indexing():
        for n in range(3):
            make_speech(f"Imported {n}", paragraphs=["Cobalt mining."])
        assert titles(find("cobalt")) == []
    assert sorted(titles(find("cobalt"))) == ["Imported 0", "Imported 1", "Imported 2"]
    if backend == "whoosh":
        assert search.get_backend()._index().latest_generation() == generation + 1  # one index commit


def test_rebuild_index_command_indexes_published_speeches(backend):
    make_speech("Not yet indexed", paragraphs=["Nickel."])
    make_speech("Draft", status=Speech.Status.DRAFT, paragraphs=["Nickel."])
    assert titles(find("nickel")) == []
    call_command("rebuild_index")
    assert titles(find("nickel")) == ["Not yet indexed"]


def test_check_index_reports_missing_and_stale_speeches(backend, indexed, capsys):
    with indexed():
        current = make_speech("Current", paragraphs=["Copper."])
    call_command("check_index")
    assert "The search index is up to date." in capsys.readouterr().out

    make_speech("Queued", paragraphs=["Tin."])  # saved outside a committed block: only queued
    missing = make_speech("Missing", paragraphs=["Zinc."])
    IndexUpdate.objects.filter(speech_id=missing.pk).delete()  # as if its queued update had been lost
    Speech.objects.filter(pk=current.pk).update(updated=current.updated + datetime.timedelta(minutes=5))
    with pytest.raises(CommandError, match=r"out of date for 2 speech\(es\)"):
        call_command("check_index")
    out = capsys.readouterr().out
    assert "Drained 1 queued index update(s)." in out
    assert titles(find("tin")) == ["Queued"]
    assert f"1 speech(es) missing in the index: {missing.pk}" in out
    assert f"1 speech(es) stale in the index: {current.pk}" in out

    call_command("check_index", "--fix")
    call_command("check_index")
    assert "The search index is up to date." in capsys.readouterr().out
    assert titles(find("zinc")) == ["Missing"]


@pytest.mark.django_db(transaction=True)
def test_rebuild_keeps_answering_searches_throughout(backend):
    for n in range(40):
        make_speech(f"Mine {n}", paragraphs=[f"Uranium deposit number {n}.", "Other matters."] * 3)
    search.rebuild()
    totals, errors, stop = [], [], threading.Event()

    def keep_searching():
        try:
            while not stop.is_set():
                totals.append(find("uranium").total)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    reader = threading.Thread(target=keep_searching)
    reader.start()
    try:
        rebuilds = 0
        while rebuilds < 3 or (len(totals) < 5 and rebuilds < 200):
            assert search.rebuild() == 40
            rebuilds += 1
    finally:
        stop.set()
        reader.join(30)
    assert errors == []
    assert len(totals) > 3
    assert set(totals) == {40}


def test_rebuild_interrupted_midway_leaves_the_old_index_serving(backend, indexed, settings):
    with indexed():
        make_speech("Served", paragraphs=["Platinum."])
    make_speech("Not yet", paragraphs=["Platinum."])

    def interrupt(count):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        search.rebuild(progress=interrupt)
    assert titles(find("platinum")) == ["Served"]
    if backend == "whoosh":
        assert [p.name for p in settings.SEARCH_INDEX_DIR.glob("index-*")] == [
            (settings.SEARCH_INDEX_DIR / "current").readlink().name
        ]


# Another worker process: it holds the index's write lock until told to let go, then reports what it can read.
OTHER_WORKER = """
import sys
from whoosh.filedb.filestore import FileStorage

storage = FileStorage(sys.argv[1], supports_mmap=False)
writer = storage.open_index().writer()
print("locked", flush=True)
sys.stdin.readline()
writer.cancel()
print("released", flush=True)
sys.stdin.readline()
with storage.open_index().searcher() as searcher:
    print(searcher.doc_count(), flush=True)
"""


@pytest.mark.django_db(transaction=True)
def test_whoosh_writers_wait_for_the_lock_and_other_processes_see_commits(settings, search_index, monkeypatch):
    import whoosh.writing

    settings.SEARCH_BACKEND = "whoosh"
    search.index_speeches([make_speech("First", paragraphs=["Helium."]).pk])
    second = make_speech("Second", paragraphs=["Helium too."])
    live = search.get_backend()._live()
    other = subprocess.Popen(
        [sys.executable, "-c", OTHER_WORKER, str(live)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=settings.BASE_DIR,
    )
    try:
        assert other.stdout.readline() == "locked\n"

        # The writer here finds the lock taken and keeps trying, rather than failing.
        refused = threading.Event()

        def try_for(acquire, **options):
            if not acquire():
                refused.set()
            return original(acquire, **options)

        original = whoosh.writing.try_for
        monkeypatch.setattr(whoosh.writing, "try_for", try_for)
        errors = []

        def index_second():
            try:
                search.index_speeches([second.pk])
            except Exception as error:  # reported below: a writer that gives up fails the test
                errors.append(error)
            finally:
                connection.close()

        writer = threading.Thread(target=index_second)
        writer.start()
        assert refused.wait(30)
        other.stdin.write("release\n")
        other.stdin.flush()
        assert other.stdout.readline() == "released\n"
        writer.join()
        assert errors == []
        assert titles(find("helium")) == ["First", "Second"]

        other.stdin.write("count\n")
        other.stdin.flush()
        assert int(other.stdout.readline()) == search.get_backend().status()
    finally:
        other.kill()
        other.wait()
        other.stdin.close()
        other.stdout.close()


def test_search_exact_phrase_needs_the_exact_words_in_order(backend, indexed):
    with indexed():
        make_speech("Plural", paragraphs=["New sanctions regimes were imposed."])
        make_speech("Singular", paragraphs=["The sanction regime was imposed."])
    assert sorted(titles(find('"sanction regime"'))) == ["Plural", "Singular"]
    assert titles(find('"sanction regime"', exact=True)) == ["Singular"]
    assert titles(find('"regime sanction"', exact=True)) == []


def test_admin_edits_reach_the_index_after_commit(backend, indexed, client):
    from django.contrib.auth.models import User

    editor = User.objects.create_superuser("editor", "editor@example.org", "a-long-test-password")
    client.force_login(editor)
    with indexed():
        speech = make_speech(
            "Statement",
            datetime.date(2020, 1, 9),
            status=Speech.Status.DRAFT,
            source_id="x1",
            paragraphs=["Arctic shipping routes."],
        )
    data = {
        "title": "Statement",
        "slug": speech.slug,
        "date": "2020-01-09",
        "time": "",
        "kind": "statement",
        "venue": "",
        "language": "en",
        "lead": "",
        "status": "published",
        "withdrawal_note": "",
        "source_url": "",
        "source_id": "x1",
        "translation": "",
    }
    assert titles(find("arctic")) == []
    with indexed():
        response = client.post(f"/admin/speeches/speech/{speech.pk}/change/", data)
    assert response.status_code == 302
    assert titles(find("arctic")) == ["Statement"]
    with indexed():
        client.post(
            f"/admin/speeches/speech/{speech.pk}/transcript/",
            {"transcript": "Northern sea routes.", "_publish": "1"},
        )
    assert titles(find("arctic")) == []
    assert titles(find("northern")) == ["Statement"]
    with indexed():
        client.post("/admin/speeches/speech/", {"action": "unpublish", "_selected_action": [speech.pk]})
    assert titles(find("northern")) == []
    assert search.check() == ([], [], [])
