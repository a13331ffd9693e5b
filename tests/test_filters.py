import datetime

import lxml.html
import pytest
from django.utils import translation

from speeches.filters import SpeechFilter
from speeches.models import Speech
from tests.factories import make_speaker, make_speech, make_venue

pytestmark = pytest.mark.django_db


@pytest.fixture
def putin_speeches():
    putin = make_speaker()
    make_speech("Old interview", datetime.date(2010, 5, 7), speaker=putin, kind=Speech.Kind.INTERVIEW)
    make_speech("Recent meeting", datetime.date(2023, 6, 28), speaker=putin, kind=Speech.Kind.MEETING)
    make_speech("Middle meeting", datetime.date(2017, 10, 19), speaker=putin, kind=Speech.Kind.MEETING)
    return putin


def titles(response):
    return [speech.title for speech in response.context["page_obj"].object_list]


def test_speaker_page_filters_with_the_search_filters(client, putin_speeches):
    url = putin_speeches.get_absolute_url()
    assert titles(client.get(url)) == ["Recent meeting", "Middle meeting", "Old interview"]
    assert titles(client.get(url, {"kind": "meeting"})) == ["Recent meeting", "Middle meeting"]
    assert titles(client.get(url, {"date_to": "2017-12-31", "sort": "oldest"})) == ["Old interview", "Middle meeting"]


def test_speaker_page_rejects_invalid_filters_with_a_message(client, putin_speeches):
    response = client.get(putin_speeches.get_absolute_url(), {"date_from": "someday"})
    assert response.status_code == 400
    assert "From: Enter a valid date." in response.content.decode()


def test_speaker_page_pagination_keeps_the_filters(client, putin_speeches, monkeypatch):
    monkeypatch.setattr("speeches.views.SPEECHES_PER_PAGE", 1)
    html = client.get(putin_speeches.get_absolute_url(), {"kind": "meeting"}).content.decode()
    assert 'href="?kind=meeting&amp;page=2"' in html


# The speaker page's venue filter


@pytest.fixture
def putin_travels(putin_speeches):
    kremlin, palace = make_venue(), make_venue("Kremlin Palace of Congresses")
    sochi = make_venue("Bocharov Ruchei, Sochi", city="Sochi", region="Krasnodar Territory")
    make_speech("In the Kremlin", datetime.date(2022, 1, 10), speaker=putin_speeches, venue=kremlin)
    make_speech("Again in the Kremlin", datetime.date(2022, 2, 10), speaker=putin_speeches, venue=kremlin)
    make_speech("At the congress", datetime.date(2022, 3, 10), speaker=putin_speeches, venue=palace)
    make_speech("By the sea", datetime.date(2022, 4, 10), speaker=putin_speeches, venue=sochi)
    return putin_speeches


@pytest.mark.parametrize("typed", ["Sochi", "sochi", "Сочи", "bocharov ruchei", "bocharov-ruchei-sochi"])
def test_speaker_page_venue_filter_takes_a_name(client, putin_travels, typed):
    assert titles(client.get(putin_travels.get_absolute_url(), {"venue": typed})) == ["By the sea"]


def test_speaker_page_venue_that_fits_several_asks_which_one(client, putin_travels):
    # Asked from a later page: a choice lists its addresses from the first.
    response = client.get(putin_travels.get_absolute_url(), {"venue": "Kremlin", "kind": "speech", "page": "2"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Venue: “Kremlin” fits 2 venues: which one do you mean?" in html
    assert (
        '<li><a href="?venue=the-kremlin-moscow&amp;kind=speech">The Kremlin, Moscow</a> (2 addresses)</li>'
        '<li><a href="?venue=kremlin-palace-of-congresses&amp;kind=speech">Kremlin Palace of Congresses</a>'
        " (1 address)</li>"
    ) in html
    assert titles(client.get(putin_travels.get_absolute_url(), {"venue": "the-kremlin-moscow"})) == [
        "Again in the Kremlin",
        "In the Kremlin",
    ]


def test_speaker_page_venue_choices_show_where_the_venue_is(client, putin_travels):
    make_speech("Elsewhere in Sochi", datetime.date(2022, 5, 1), venue=make_venue("Sochi Olympic Park", city="Sochi"))
    html = client.get(putin_travels.get_absolute_url(), {"venue": "Sochi"}).content.decode()
    assert (
        '<a href="?venue=bocharov-ruchei-sochi">Bocharov Ruchei, Sochi</a>, Sochi, Krasnodar Territory (1 address)'
    ) in html
    assert '<a href="?venue=sochi-olympic-park">Sochi Olympic Park</a>, Sochi (1 address)' in html


def test_speaker_page_offers_the_venues_it_lists_without_script(client, putin_travels):
    html = client.get(putin_travels.get_absolute_url()).content.decode()
    assert '<label for="id_venue">Venue</label> <input type="text" name="venue" placeholder="e.g. Kremlin"' in html
    assert (
        '<datalist id="venue-names"><option value="The Kremlin, Moscow"></option>'
        '<option value="Bocharov Ruchei, Sochi"></option><option value="Kremlin Palace of Congresses"></option>'
        "</datalist>"
    ) in html
    assert '<script src="/static/js/names.js" defer></script>' in html


# Names suggested as one types


@pytest.fixture
def speakers():
    """Speakers with 3, 2, 1 and 0 published addresses, and aliases in both scripts."""
    putin, surkov = make_speaker(), make_speaker("Vladislav Surkov", "Aide")
    vladimirov, hidden = make_speaker("Alexei Vladimirov", "Governor"), make_speaker("Vladimir Draftov", "")
    putin.aliases.create(label="Владимир Путин")
    putin.aliases.create(label="V.Putin")
    for n in range(3):
        make_speech(f"Putin {n}", speaker=putin)
    for n in range(2):
        make_speech(f"Vladimirov {n}", speaker=vladimirov)
    make_speech("Surkov", speaker=surkov)
    make_speech("Unpublished", speaker=hidden, status=Speech.Status.DRAFT)
    return putin


def suggested(client, q, url="/search/speakers/"):
    response = client.get(url, {"q": q})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


def test_suggestions_begin_like_what_is_typed_best_match_then_most_addresses(client, speakers):
    # Names that start as typed first; then the ones with a word that does; more addresses first within each.
    assert suggested(client, "vla") == {
        "q": "vla",
        "names": ["Vladimir Putin", "Vladislav Surkov", "Alexei Vladimirov"],
    }
    assert suggested(client, "put")["names"] == ["Vladimir Putin"]
    assert suggested(client, "SUR")["names"] == ["Vladislav Surkov"]
    assert suggested(client, "v put")["names"] == ["Vladimir Putin"]


def test_suggestions_are_spelt_in_the_script_typed_where_the_archive_has_it(client, speakers):
    assert suggested(client, "Пут")["names"] == ["Владимир Путин"]
    # No Cyrillic spelling of Surkov in the archive: his name as the archive prints it.
    assert suggested(client, "Сурк")["names"] == ["Vladislav Surkov"]


def test_suggestions_leave_out_speakers_without_published_addresses(client, speakers):
    assert suggested(client, "draftov")["names"] == []


def make_ivanovs(count):
    """Speakers Anna Ivanov, Boris Ivanov … with 1, 2, 3, 1, 2, 3 … published addresses."""
    first_names = ["Anna", "Boris", "Dmitry", "Elena", "Fyodor", "Gleb", "Igor", "Kirill", "Lev", "Maxim", "Nina"]
    for n, first in enumerate(first_names[:count]):
        speaker = make_speaker(f"{first} Ivanov", "")
        for m in range(1 + n % 3):
            make_speech(f"{first} {m}", speaker=speaker)


# The ten of the eleven Ivanovs with the most addresses, then by name.
TEN_IVANOVS = [
    "Dmitry Ivanov",
    "Gleb Ivanov",
    "Lev Ivanov",
    "Boris Ivanov",
    "Fyodor Ivanov",
    "Kirill Ivanov",
    "Nina Ivanov",
    "Anna Ivanov",
    "Elena Ivanov",
    "Igor Ivanov",
]


def test_suggestions_stop_at_ten_most_addresses_first(client):
    make_ivanovs(11)
    assert suggested(client, "ivanov")["names"] == TEN_IVANOVS


def test_suggestions_name_a_shared_name_once(client):
    for role in ("Deputy Prime Minister", "Presidential Aide"):
        make_speech(f"Sergei Ivanov, {role}", speaker=make_speaker("Sergei Ivanov", role))
    assert suggested(client, "ivan")["names"] == ["Sergei Ivanov"]


def test_suggestions_of_venues(client, putin_travels):
    # A name that starts as typed comes before one with more addresses that only has a word that does.
    assert suggested(client, "krem", "/search/venues/")["names"] == [
        "Kremlin Palace of Congresses",
        "The Kremlin, Moscow",
    ]
    assert suggested(client, "соч", "/search/venues/")["names"] == ["Bocharov Ruchei, Sochi"]


def test_suggestions_use_the_same_queries_whatever_the_number_of_speakers(client, speakers, django_assert_num_queries):
    with django_assert_num_queries(2):
        suggested(client, "vla")
    for n in range(30):
        make_speech(f"Speech {n}", speaker=make_speaker(f"Vladimir Number{chr(97 + n % 26)}{n}", ""))
    with django_assert_num_queries(2):
        assert len(suggested(client, "vla")["names"]) == 10


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({}, "Give the start of a name, e.g. ?q=put."),
        ({"q": "  "}, "Give the start of a name, e.g. ?q=put."),
        ({"q": "x" * 201}, "A name is at most 200 characters long."),
        ({"q": "Pu\x00tin"}, "Null characters are not allowed."),
    ],
)
def test_suggestions_refuse_bad_input_with_a_message(client, query, message):
    response = client.get("/search/speakers/", query)
    assert response.status_code == 400
    assert response.json() == {"error": message}


def test_suggestions_for_what_cannot_be_a_name_are_empty(client, speakers):
    assert suggested(client, "!!! ---")["names"] == []
    assert client.post("/search/speakers/", {"q": "put"}).status_code == 405


# The name boxes as browsers and assistive technology read them


def test_name_boxes_are_tied_to_their_lists_of_names(client):
    # Parsed as a browser parses it, attribute names in any case: the attributes assistive technology is given.
    page = lxml.html.fromstring(client.get("/search/").content.decode())
    # The list attribute ties each box to its datalist, which browsers and screen readers offer as its options;
    # data-suggest is where the script asks for more names. The browser's memory of past entries would crowd the
    # list, a spelling checker would mark most names as mistakes, and the box takes as many characters as the filter.
    for name, example, suggest in [("speaker", "Putin", "speakers"), ("venue", "Kremlin", "venues")]:
        assert dict(page.get_element_by_id(f"id_{name}").attrib) == {
            "type": "text",
            "name": name,
            "id": f"id_{name}",
            "placeholder": f"e.g. {example}",
            "list": f"{name}-names",
            "data-suggest": f"/search/{suggest}/",
            "autocomplete": "off",
            "spellcheck": "false",
            "maxlength": "200",
        }
        assert page.get_element_by_id(f"{name}-names").tag == "datalist"


def test_name_refused_for_two_reasons_gets_both_in_one_sentence(client):
    # Too long, and with a null character: both reasons at once, so that one correction is enough.
    response = client.get("/search/", {"speaker": "x" * 200 + "\x00"})
    assert response.status_code == 400
    assert (
        '<li id="id_speaker_error">Speaker: Ensure this value has at most 200 characters (it has 201). '
        "Null characters are not allowed."
    ) in response.content.decode()


# Names as the filters read them


def narrowed(**data):
    """The titles of the published addresses the filters keep, newest first."""
    filterset = SpeechFilter(data, queryset=Speech.objects.published())
    assert filterset.is_valid(), [error.text for error in filterset.clean_form_errors()]
    return [speech.title for speech in filterset.qs]


def refusal(**data):
    """The sentence of the one refused filter, the names it offers instead, and the code that tells a caller why."""
    filterset = SpeechFilter(data, queryset=Speech.objects.published())
    assert not filterset.is_valid()
    [error] = filterset.clean_form_errors()
    [[cause]] = filterset.form.errors.as_data().values()
    return error.text, [choice.name for choice in error.choices], cause.code


@pytest.fixture
def lukashenkos(speakers):
    make_speech("Talks in Minsk", speaker=make_speaker("Alexander Lukashenko", "President of Belarus"))
    make_speech("A question from the floor", speaker=make_speaker("Viktor Lukashenko", ""))


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        # A word of five letters one letter off, its first letter right, beside a word typed exactly.
        ("Vladimir Putim", ["Putin 2", "Putin 1", "Putin 0"]),
        # An initial stands for the word it starts, as exactly as the word would.
        ("A. Lukashenka", ["Talks in Minsk"]),
    ],
)
def test_speaker_filter_forgives_a_letter_off(lukashenkos, typed, expected):
    assert narrowed(speaker=typed) == expected


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        # The start of a longer word is not that word: only an initial stands for one.
        ("Vladimir Puti", "Speaker: No speaker is known as “Vladimir Puti”; these names begin like it:"),
        # A letter off is forgiven only where the first letter is right.
        ("Vladimir Rutin", "Speaker: No speaker is known as “Vladimir Rutin”; check the spelling."),
        # An initial must start one of the words.
        ("D. Putin", "Speaker: No speaker is known as “D. Putin”; check the spelling."),
    ],
)
def test_speaker_filter_does_not_forgive_more(lukashenkos, typed, message):
    assert refusal(speaker=typed)[0] == message


def test_speaker_filter_means_the_name_spelt_as_typed_before_its_words_in_another_order():
    make_speech("Talks with the Premier of China", speaker=make_speaker("Li Qiang", "Premier of China"))
    make_speech("A letter from a physicist", speaker=make_speaker("Qiang Li", "Physicist"))
    assert narrowed(speaker="Li Qiang") == ["Talks with the Premier of China"]
    assert narrowed(speaker="qiang li") == ["A letter from a physicist"]


def test_speaker_filter_means_the_same_words_in_another_order_before_a_name_with_more_words():
    make_speech("Ecology briefing", speaker=make_speaker("Sergei Ivanov", "Special Presidential Representative"))
    make_speech("Security Council", speaker=make_speaker("Sergei Viktorovich Ivanov", "Security Council member"))
    # Surname first, as Russian lists print it.
    assert narrowed(speaker="Ivanov Sergei") == ["Ecology briefing"]


def test_speaker_filter_address_name_taken_again_after_a_merge_means_the_speaker_at_it(client):
    deputy = make_speaker("Sergei Ivanov", "Deputy Prime Minister")
    make_speech("Defence industry meeting", speaker=deputy)
    # A duplicate of him was merged away: its address name leads to him.
    deputy.redirects.create(slug="sergei-ivanov-2")
    aide = make_speaker("Sergei Ivanov", "Presidential Aide")
    make_speech("Ecology briefing", speaker=aide)
    # A new speaker's address name is free if no speaker has it, so a namesake can take the merged one: his page is
    # there, and the filter means him too.
    assert aide.slug == "sergei-ivanov-2"
    assert client.get("/speakers/sergei-ivanov-2/").context["speaker"] == aide
    assert narrowed(speaker="sergei-ivanov-2") == ["Ecology briefing"]
    assert narrowed(speaker="sergei-ivanov") == ["Defence industry meeting"]


def test_speaker_filter_follows_a_merged_address_name_that_reads_as_no_known_name(speakers):
    # Merged from a record spelt the French way, which no spelling of Putin is a letter away from.
    speakers.redirects.create(slug="vladimir-poutine")
    assert narrowed(speaker="vladimir-poutine") == ["Putin 2", "Putin 1", "Putin 0"]


@pytest.mark.parametrize(
    ("count", "message", "offered"),
    [
        (
            10,
            "Speaker: “Ivanov” fits 10 speakers: which one do you mean?",
            [
                "Dmitry Ivanov",
                "Gleb Ivanov",
                "Lev Ivanov",
                "Boris Ivanov",
                "Fyodor Ivanov",
                "Kirill Ivanov",
                "Anna Ivanov",
                "Elena Ivanov",
                "Igor Ivanov",
                "Maxim Ivanov",
            ],
        ),
        (
            11,
            "Speaker: “Ivanov” fits 11 speakers: type more of the name, "
            "or choose one of these with the most addresses.",
            TEN_IVANOVS,
        ),
    ],
)
def test_speaker_filter_name_of_many_offers_ten_most_addresses_first(count, message, offered):
    make_ivanovs(count)
    # Ten can all be offered; of more, the reader is told that only some are.
    assert refusal(speaker="Ivanov") == (message, offered, "ambiguous")


def test_speaker_filter_unknown_name_offers_ten_that_begin_like_it():
    make_ivanovs(11)
    assert refusal(speaker="Ivan") == (
        "Speaker: No speaker is known as “Ivan”; these names begin like it:",
        TEN_IVANOVS,
        "unknown",
    )
    assert refusal(speaker="Petrov") == ("Speaker: No speaker is known as “Petrov”; check the spelling.", [], "unknown")


def test_suggestions_of_several_words_start_as_typed_first(client):
    make_speech("Chief of staff's report", speaker=make_speaker("Anton Vaino", "Chief of Staff"))
    antonov = make_speaker("Vadim Antonov", "")
    for n in range(2):
        make_speech(f"Antonov {n}", speaker=antonov)
    # Anton Vaino's name starts as typed; Vadim Antonov only has words that do, and comes after with more addresses.
    assert suggested(client, "anton va")["names"] == ["Anton Vaino", "Vadim Antonov"]


def test_suggestions_keep_names_that_start_as_typed_when_few_can_be_ranked(client, monkeypatch):
    make_speech("Regional report", speaker=make_speaker("Alexei Vladimirov", "Governor"))
    make_speech("Briefing", speaker=make_speaker("Vladislav Surkov", "Aide"))
    # A name of one or two letters can fit thousands of records: only the best of them are ranked.
    monkeypatch.setattr("speeches.filters.MAX_CANDIDATES", 1)
    assert suggested(client, "vla")["names"] == ["Vladislav Surkov"]


def test_search_page_offers_the_speakers_of_the_latest_addresses_most_frequent_then_by_name(client, monkeypatch):
    putin, surkov = make_speaker(), make_speaker("Vladislav Surkov", "Aide")
    vaino, medvedev = make_speaker("Anton Vaino", "Chief of Staff"), make_speaker("Dmitry Medvedev", "")
    day = datetime.date(2023, 6, 28)
    for speaker in (surkov, vaino, putin):
        make_speech(speaker=speaker, date=day)
    # Entered last, but the oldest address of all.
    make_speech(speaker=medvedev, date=datetime.date(2010, 5, 7))
    # The latest two: by date, and of one day the last entered. Putin and Vaino have one each: by name.
    monkeypatch.setattr("speeches.filters.RECENT_SPEECHES", 2)
    html = client.get("/search/").content.decode()
    assert (
        '<datalist id="speaker-names"><option value="Anton Vaino"></option>'
        '<option value="Vladimir Putin"></option></datalist>'
    ) in html


def test_speaker_page_oldest_first_goes_by_day_then_hour_then_entry(client):
    putin = make_speaker()
    make_speech("Evening talks", datetime.date(2022, 3, 10), time=datetime.time(19, 0), speaker=putin)
    make_speech("Morning talks", datetime.date(2022, 3, 10), time=datetime.time(9, 0), speaker=putin)
    # An address of that day with no time comes first on every database, as in every other list read upwards.
    make_speech("Untimed talks", datetime.date(2022, 3, 10), speaker=putin)
    make_speech("Late the year before", datetime.date(2021, 12, 30), time=datetime.time(23, 0), speaker=putin)
    first, second = (
        make_speech(f"Parallel {n}", datetime.date(2022, 3, 11), time=datetime.time(10, 0)) for n in (1, 2)
    )
    # At one hour, the first entered comes first: linked to the speaker the other way round, so that the order of
    # the links cannot stand in for it.
    second.speakers.add(putin)
    first.speakers.add(putin)
    assert titles(client.get(putin.get_absolute_url(), {"sort": "oldest"})) == [
        "Late the year before",
        "Untimed talks",
        "Morning talks",
        "Evening talks",
        "Parallel 1",
        "Parallel 2",
    ]


def make_palaces(count):
    """Venues Palace 00, Palace 01 … with one published address each."""
    for n in range(count):
        make_speech(f"At palace {n}", venue=make_venue(f"Palace {n:02d}"))


@pytest.mark.parametrize(
    ("field", "count", "english", "russian"),
    [
        (
            "speaker",
            2,
            "Speaker: “Ivanov” fits 2 speakers: which one do you mean?",
            "Выступающий: Запросу «Ivanov» соответствуют 2 выступающих: кого вы имеете в виду?",
        ),
        (
            "speaker",
            11,
            "Speaker: “Ivanov” fits 11 speakers: type more of the name, or choose one of these with the most "
            "addresses.",
            "Выступающий: Запросу «Ivanov» соответствуют 11 выступающих: уточните имя или выберите одного из тех, "
            "у кого больше всего выступлений.",
        ),
        (
            "venue",
            2,
            "Venue: “Palace” fits 2 venues: which one do you mean?",
            "Место: Запросу «Palace» соответствуют 2 места: какое вы имеете в виду?",
        ),
        (
            "venue",
            11,
            "Venue: “Palace” fits 11 venues: type more of the name, or choose one of these with the most addresses.",
            "Место: Запросу «Palace» соответствуют 11 мест: уточните название или выберите одно из мест, где прошло "
            "больше всего выступлений.",
        ),
        (
            "venue",
            21,
            "Venue: “Palace” fits 21 venues: type more of the name, or choose one of these with the most addresses.",
            "Место: Запросу «Palace» соответствует 21 место: уточните название или выберите одно из мест, где прошло "
            "больше всего выступлений.",
        ),
    ],
)
def test_name_that_fits_several_is_asked_about_in_each_language(field, count, english, russian):
    (make_ivanovs if field == "speaker" else make_palaces)(count)
    typed = {"speaker": "Ivanov", "venue": "Palace"}[field]
    assert refusal(**{field: typed})[::2] == (english, "ambiguous")
    with translation.override("ru"):
        assert refusal(**{field: typed})[::2] == (russian, "ambiguous")


def test_venue_unknown_offers_names_that_begin_like_it_in_each_language():
    make_palaces(3)
    offered = ["Palace 00", "Palace 01", "Palace 02"]
    assert refusal(venue="Pal") == ("Venue: No venue is known as “Pal”; these names begin like it:", offered, "unknown")
    with translation.override("ru"):
        assert refusal(venue="Pal") == (
            "Место: Место «Pal» не найдено; названия с таким же началом:",
            offered,
            "unknown",
        )


def test_suggestions_are_as_many_names_however_many_people_share_one(client):
    # Twenty-five people called Sergei Ivanov are one suggestion, and leave room for the other names.
    for n in range(25):
        make_speech(f"Ivanov {n}", speaker=make_speaker("Sergei Ivanov", f"Official {n}"))
    make_speech("Ivanov", speaker=make_speaker("Yuri Ivanov", ""))
    assert suggested(client, "ivanov")["names"] == ["Sergei Ivanov", "Yuri Ivanov"]
