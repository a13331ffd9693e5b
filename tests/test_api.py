"""The read-only JSON API under /api/: what each address answers, how it refuses, and its OpenAPI document.

The behaviour tests run on every search backend. Requests generated from the OpenAPI document, those it allows and
some it does not, go to the archive's WSGI application, and each answer is checked against the document.
"""

import datetime
import json
import re
import shutil

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from speeches import reading
from speeches.filters import SpeechFilter
from speeches.models import Paragraph, SpeakerAlias, SpeakerRedirect, Speech, VenueRedirect
from tests.factories import add_paragraph, make_speaker, make_speech, make_venue

pytestmark = pytest.mark.django_db

SITE = "http://testserver"
API_ADDRESSES = [
    "/api/",
    "/api/speeches/",
    "/api/speeches/{id}/",
    "/api/search/",
    "/api/concordance/",
    "/api/speakers/",
    "/api/speakers/{slug}/",
    "/api/venues/",
    "/api/venues/{slug}/",
]
NEWEST_FIRST = [
    "Briefing by Dmitry Peskov",
    "Брифинг Дмитрия Пескова",
    "Meeting with the President of Belarus",
    "Evening meeting",
    "Address to the Federal Assembly",
    "Interview to the press",
]


@pytest.fixture
def archive(backend, indexed):
    """Published addresses over several days (two on one day, one with a time), a draft, a withdrawn address, an
    English and Russian pair, and speakers and venues with other spellings and merged-away address names."""
    putin = make_speaker()
    medvedev = make_speaker("Dmitry Medvedev", "Prime Minister")
    draftov = make_speaker("Ivan Draftov", "")
    SpeakerAlias.objects.create(speaker=putin, label="V.Putin")
    SpeakerRedirect.objects.create(slug="vladimir-v-putin", speaker=putin)
    kremlin = make_venue()
    sochi = make_venue("Sochi", city="Sochi", region="Krasnodar Territory")
    VenueRedirect.objects.create(slug="kremlin-moscow", venue=kremlin)
    with indexed():
        made = {
            "address": make_speech(
                "Address to the Federal Assembly",
                datetime.date(2018, 3, 1),
                time=datetime.time(12, 0),
                kind=Speech.Kind.ADDRESS,
                venue=kremlin,
                speaker=putin,
                lead="The President delivered the Address.",
                paragraphs=[
                    ("Vladimir Putin", "The state of the union between our peoples is strong."),
                    "Sanctions have not stopped our economy.",
                ],
            ),
            "belarus": make_speech(
                "Meeting with the President of Belarus",
                datetime.date(2019, 12, 20),
                time=datetime.time(15, 0),
                kind=Speech.Kind.MEETING,
                venue=sochi,
                speaker=putin,
                paragraphs=[("Vladimir Putin", "We discussed the Union State at length.")],
            ),
            "evening": make_speech(
                "Evening meeting",
                datetime.date(2019, 12, 20),
                speaker=medvedev,
                paragraphs=[("Dmitry Medvedev", "Sanctions were discussed in the evening.")],
            ),
            "interview": make_speech(
                "Interview to the press",
                datetime.date(2010, 2, 28),
                kind=Speech.Kind.INTERVIEW,
                speaker=medvedev,
                paragraphs=[("Dmitry Medvedev", "The sanction regime is a mistake.")],
            ),
            "draft": make_speech(
                "Secret draft",
                datetime.date(2020, 1, 1),
                status=Speech.Status.DRAFT,
                speaker=draftov,
                paragraphs=[("Ivan Draftov", "A draft on the union and sanctions.")],
            ),
            "withdrawn": make_speech(
                "Taken down",
                datetime.date(2021, 1, 1),
                status=Speech.Status.WITHDRAWN,
                withdrawal_note="Published by mistake.",
                paragraphs=["The union, withdrawn."],
            ),
            "russian": make_speech(
                "Брифинг Дмитрия Пескова",
                datetime.date(2023, 6, 28),
                language=Speech.Language.RUSSIAN,
                venue=kremlin,
                paragraphs=["Вопрос о санкциях."],
            ),
        }
        add_paragraph(made["address"], 3, "Applause.", kind=Paragraph.Kind.STAGE)
        made["english"] = make_speech(
            "Briefing by Dmitry Peskov",
            datetime.date(2023, 6, 28),
            venue=kremlin,
            translation=made["russian"],
            paragraphs=["A question on sanctions."],
        )
    made.update(putin=putin, medvedev=medvedev, draftov=draftov, kremlin=kremlin, sochi=sochi)
    return made


def get(client, url, status=200, **params):
    response = client.get(url, params)
    assert response.status_code == status, response.content[:1000]
    assert response["Content-Type"] == "application/json"
    return response.json()


def titles(answer):
    return [item["title"] for item in answer["results"]]


def refusal(message, parameter=None, choices=()):
    return {"errors": [{"parameter": parameter, "message": message, "choices": list(choices)}]}


def speaker_link(slug, name):
    return {
        "name": name,
        "slug": slug,
        "url": f"{SITE}/speakers/{slug}/",
        "api_url": f"{SITE}/api/speakers/{slug}/",
    }


def venue_link(slug, name):
    return {"name": name, "slug": slug, "url": f"{SITE}/venues/{slug}/", "api_url": f"{SITE}/api/venues/{slug}/"}


# The list of speeches


def test_the_list_shows_published_addresses_newest_first_by_date_time_and_id(client, archive):
    answer = get(client, "/api/speeches/")
    assert titles(answer) == NEWEST_FIRST
    assert (answer["count"], answer["next"], answer["previous"]) == (6, None, None)


def test_each_listed_address_has_its_details_and_absolute_addresses(client, archive):
    belarus = archive["belarus"]
    belarus.refresh_from_db()
    item = get(client, "/api/speeches/")["results"][2]
    updated = item.pop("updated")
    assert item == {
        "id": belarus.pk,
        "url": f"{SITE}/speeches/2019/12/20/meeting-with-the-president-of-belarus/",
        "api_url": f"{SITE}/api/speeches/{belarus.pk}/",
        "title": "Meeting with the President of Belarus",
        "date": "2019-12-20",
        "time": "15:00",
        "kind": "meeting",
        "language": "en",
        "venue": venue_link("sochi", "Sochi"),
        "speakers": [speaker_link("vladimir-putin", "Vladimir Putin")],
        "lead": "",
        "source_url": belarus.source_url,
    }
    assert datetime.datetime.fromisoformat(updated) == belarus.updated
    evening = get(client, "/api/speeches/")["results"][3]
    assert (evening["time"], evening["venue"]) == (None, None)


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"speaker": "vladimir-putin"}, ["Meeting with the President of Belarus", "Address to the Federal Assembly"]),
        # Any spelling the archive knows, as the archive's pages read it.
        ({"speaker": "V.Putin"}, ["Meeting with the President of Belarus", "Address to the Federal Assembly"]),
        ({"speaker": "Medvedev"}, ["Evening meeting", "Interview to the press"]),
        ({"venue": "sochi"}, ["Meeting with the President of Belarus"]),
        (
            {"venue": "Kremlin"},
            ["Briefing by Dmitry Peskov", "Брифинг Дмитрия Пескова", "Address to the Federal Assembly"],
        ),
        ({"kind": "interview"}, ["Interview to the press"]),
        ({"lang": "ru"}, ["Брифинг Дмитрия Пескова"]),
        ({"date_from": "2018-03-01", "date_to": "2019-12-20"}, NEWEST_FIRST[2:5]),
        ({"sort": "oldest"}, NEWEST_FIRST[::-1]),
        ({"sort": "newest", "speaker": "Dmitry Medvedev"}, ["Evening meeting", "Interview to the press"]),
    ],
)
def test_the_list_takes_the_archive_filters(client, archive, params, expected):
    assert titles(get(client, "/api/speeches/", **params)) == expected


@pytest.mark.parametrize(
    "params, parameter, message",
    [
        ({"date_from": "2020-13-45"}, "date_from", "From: Enter a valid date."),
        ({"date_to": "yesterday"}, "date_to", "To: Enter a valid date."),
        ({"kind": "sermon"}, "kind", "Kind: Select a valid choice. sermon is not one of the available choices."),
        ({"speaker": "Nobody Atall"}, "speaker", "Speaker: No speaker is known as “Nobody Atall”; check the spelling."),
    ],
)
def test_the_list_refuses_a_bad_filter_naming_it(client, archive, params, parameter, message):
    assert get(client, "/api/speeches/", 400, **params) == refusal(message, parameter)


def test_a_name_that_fits_several_speakers_is_refused_with_each_as_a_narrowed_request(client, archive, indexed):
    igor = make_speaker("Igor Putin", "Governor")
    with indexed():
        make_speech(
            "Regional meeting", datetime.date(2015, 5, 5), kind=Speech.Kind.MEETING, speaker=igor, paragraphs=["Roads."]
        )
    answer = get(client, "/api/speeches/", 400, speaker="Putin", kind="meeting")
    assert answer == refusal(
        "Speaker: “Putin” fits 2 speakers: which one do you mean?",
        "speaker",
        [
            {
                "name": "Vladimir Putin",
                "detail": "President of Russia",
                "addresses": 2,
                "url": f"{SITE}/api/speeches/?speaker=vladimir-putin&kind=meeting",
            },
            {
                "name": "Igor Putin",
                "detail": "Governor",
                "addresses": 1,
                "url": f"{SITE}/api/speeches/?speaker=igor-putin&kind=meeting",
            },
        ],
    )
    # Each choice is an answer.
    assert titles(get(client, answer["errors"][0]["choices"][1]["url"])) == ["Regional meeting"]


def test_the_list_is_paged_with_links_to_the_neighbouring_pages(client, archive):
    first = get(client, "/api/speeches/", page_size=4)
    assert titles(first) == NEWEST_FIRST[:4]
    assert (first["count"], first["previous"]) == (6, None)
    assert first["next"] == f"{SITE}/api/speeches/?page=2&page_size=4"
    second = get(client, first["next"])
    assert titles(second) == NEWEST_FIRST[4:]
    assert second["next"] is None
    assert second["previous"] == f"{SITE}/api/speeches/?page_size=4"


@pytest.mark.parametrize(
    "params, message",
    [
        ({"page": "3", "page_size": "4"}, "There is no page “3”: pages run from 1 to 2."),
        ({"page": "0"}, "There is no page “0”: pages run from 1 to 1."),
        ({"page": "last"}, "There is no page “last”: pages are numbered from 1."),
        ({"page": "9" * 40}, f"There is no page “{'9' * 40}”: pages run from 1 to 1."),
    ],
)
def test_a_page_that_does_not_exist_answers_404_saying_which_do(client, archive, params, message):
    assert get(client, "/api/speeches/", 404, **params) == refusal(message)


@pytest.mark.parametrize("size", ["0", "101", "ten", "-5", "1.5", ""])
def test_a_page_size_out_of_bounds_is_refused(client, archive, size):
    assert get(client, "/api/speeches/", 400, page_size=size) == refusal(
        f"page_size must be a whole number from 1 to 100; got “{size}”.", "page_size"
    )


def test_pages_hold_twenty_addresses_unless_asked_for_up_to_a_hundred(client, archive, indexed):
    with indexed():
        for n in range(20):
            make_speech(f"Old address {n:02}", datetime.date(2000, 1, 1 + n), paragraphs=["Text."])
    default = get(client, "/api/speeches/")
    assert (default["count"], len(default["results"])) == (26, 20)
    assert default["next"] == f"{SITE}/api/speeches/?page=2"
    largest = get(client, "/api/speeches/", page_size=100)
    assert (len(largest["results"]), largest["next"]) == (26, None)


def test_the_list_costs_the_same_queries_whatever_its_length(client, archive, indexed, django_assert_num_queries):
    # The count, the page, and the speakers of the whole page.
    with django_assert_num_queries(3):
        get(client, "/api/speeches/", page_size=2)
    with indexed():
        for n in range(10):
            make_speech(f"More {n}", speaker=archive["medvedev"], venue=archive["sochi"], paragraphs=["Text."])
    with django_assert_num_queries(3):
        assert len(get(client, "/api/speeches/", page_size=15)["results"]) == 15


def test_the_api_speaks_english_whatever_the_reader_chose(client, archive):
    client.cookies[reading.COOKIE_NAME] = reading.cookie_value({**reading.DEFAULTS, "language": "ru"})
    response = client.get("/api/speeches/", {"date_from": "2020-13-45"})
    assert response.json() == refusal("From: Enter a valid date.", "date_from")
    assert response["Content-Language"] == "en"


# One speech


def test_a_speech_shows_its_transcript_and_its_translation(client, archive):
    address, english, russian = archive["address"], archive["english"], archive["russian"]
    answer = get(client, f"/api/speeches/{address.pk}/")
    assert answer["title"] == "Address to the Federal Assembly"
    assert (answer["time"], answer["kind"], answer["lead"]) == (
        "12:00",
        "address",
        "The President delivered the Address.",
    )
    assert answer["venue"] == venue_link("the-kremlin-moscow", "The Kremlin, Moscow")
    assert answer["paragraphs"] == [
        {
            "position": 1,
            "kind": "speech",
            "speaker": "vladimir-putin",
            "speaker_label": "Vladimir Putin",
            "text": "The state of the union between our peoples is strong.",
        },
        {
            "position": 2,
            "kind": "speech",
            "speaker": "vladimir-putin",
            "speaker_label": "",
            "text": "Sanctions have not stopped our economy.",
        },
        {"position": 3, "kind": "stage", "speaker": None, "speaker_label": "", "text": "Applause."},
    ]
    assert answer["translation"] is None
    assert get(client, f"/api/speeches/{english.pk}/")["translation"] == f"{SITE}/api/speeches/{russian.pk}/"
    assert get(client, f"/api/speeches/{russian.pk}/")["translation"] == f"{SITE}/api/speeches/{english.pk}/"
    # The list's fields, the same in both.
    summary = next(item for item in get(client, "/api/speeches/")["results"] if item["id"] == address.pk)
    assert {key: answer[key] for key in summary} == summary


def test_a_translation_that_is_not_published_is_not_linked(client, archive, indexed):
    with indexed():
        archive["russian"].status = Speech.Status.DRAFT
        archive["russian"].save()
    assert get(client, f"/api/speeches/{archive['english'].pk}/")["translation"] is None


@pytest.mark.parametrize("which", ["draft", "withdrawn"])
def test_a_speech_that_is_not_published_is_not_found(client, archive, which):
    pk = archive[which].pk
    assert get(client, f"/api/speeches/{pk}/", 404) == refusal(f"No published address has the id “{pk}”.")


@pytest.mark.parametrize("id", ["999999", "abc", "1.0", "-1", "9" * 30, "%C2%B2"])
def test_an_id_that_names_no_speech_is_not_found(client, archive, id):
    answer = get(client, f"/api/speeches/{id}/", 404)
    assert answer["errors"][0]["message"].startswith("No published address has the id “")


def test_a_speech_costs_the_same_queries_whatever_its_length(client, archive, django_assert_num_queries):
    # The speech with its venue and translation, its speakers, its paragraphs.
    with django_assert_num_queries(3):
        get(client, f"/api/speeches/{archive['belarus'].pk}/")
    for position in range(2, 40):
        add_paragraph(
            archive["belarus"], position, f"Paragraph {position}.", archive["medvedev" if position % 2 else "putin"]
        )
    archive["belarus"].refresh_speakers()
    with django_assert_num_queries(3):
        assert len(get(client, f"/api/speeches/{archive['belarus'].pk}/")["paragraphs"]) == 39


# Speakers and venues


def test_speakers_are_listed_by_name_with_their_published_addresses(client, archive):
    answer = get(client, "/api/speakers/")
    assert answer["count"] == 2
    assert answer["results"] == [
        speaker_link("dmitry-medvedev", "Dmitry Medvedev")
        | {"role": "Prime Minister", "addresses": 2, "speeches_url": f"{SITE}/api/speeches/?speaker=dmitry-medvedev"},
        speaker_link("vladimir-putin", "Vladimir Putin")
        | {
            "role": "President of Russia",
            "addresses": 2,
            "speeches_url": f"{SITE}/api/speeches/?speaker=vladimir-putin",
        },
    ]


def test_venues_are_listed_by_name_with_their_published_addresses(client, archive):
    answer = get(client, "/api/venues/", page_size=1)
    assert answer["results"] == [
        venue_link("sochi", "Sochi")
        | {
            "city": "Sochi",
            "region": "Krasnodar Territory",
            "addresses": 1,
            "speeches_url": f"{SITE}/api/speeches/?venue=sochi",
        }
    ]
    assert answer["next"] == f"{SITE}/api/venues/?page=2&page_size=1"
    second = get(client, answer["next"])["results"]
    assert [(venue["name"], venue["addresses"]) for venue in second] == [("The Kremlin, Moscow", 3)]


def test_a_speaker_shows_their_addresses_and_leads_to_their_list(client, archive):
    speaker = get(client, "/api/speakers/vladimir-putin/")
    assert speaker == speaker_link("vladimir-putin", "Vladimir Putin") | {
        "role": "President of Russia",
        "addresses": 2,
        "speeches_url": f"{SITE}/api/speeches/?speaker=vladimir-putin",
    }
    assert titles(get(client, speaker["speeches_url"])) == [
        "Meeting with the President of Belarus",
        "Address to the Federal Assembly",
    ]
    # Someone who speaks only in a draft has no published address, as on their page.
    assert get(client, "/api/speakers/ivan-draftov/")["addresses"] == 0


def test_a_venue_shows_its_addresses(client, archive):
    assert get(client, "/api/venues/the-kremlin-moscow/") == venue_link("the-kremlin-moscow", "The Kremlin, Moscow") | {
        "city": "",
        "region": "",
        "addresses": 3,
        "speeches_url": f"{SITE}/api/speeches/?venue=the-kremlin-moscow",
    }


@pytest.mark.parametrize(
    "old, new",
    [
        ("/api/speakers/vladimir-v-putin/", "/api/speakers/vladimir-putin/"),
        ("/api/venues/kremlin-moscow/", "/api/venues/the-kremlin-moscow/"),
    ],
)
def test_a_merged_away_address_name_leads_to_the_record_it_was_merged_into(client, archive, old, new):
    response = client.get(old, {"x": "1"})
    assert (response.status_code, response["Location"]) == (301, f"{new}?x=1")


@pytest.mark.parametrize(
    "url, message",
    [
        ("/api/speakers/nobody/", "No speaker has the address name “nobody”."),
        ("/api/venues/nowhere/", "No venue has the address name “nowhere”."),
    ],
)
def test_an_unknown_speaker_or_venue_is_not_found(client, archive, url, message):
    assert get(client, url, 404) == refusal(message)


# Search, on every backend


def test_search_finds_addresses_with_their_matching_paragraphs_marked(client, archive):
    address = archive["address"]
    answer = get(client, "/api/search/", q="union", sort="newest")
    assert titles(answer) == ["Meeting with the President of Belarus", "Address to the Federal Assembly"]
    assert (answer["count"], answer["paragraph_count"], answer["next"], answer["previous"]) == (2, 2, None, None)
    assert (answer["suggestion"], answer["cut_prefixes"], answer["timed_out"]) == ("", [], False)
    hit = answer["results"][1]
    assert hit["matches"] == [
        {
            "position": 1,
            "url": f"{SITE}{address.get_absolute_url()}#p1",
            "html": "The state of the <mark>union</mark> between our peoples is strong.",
        }
    ]
    # Besides its matches, a hit is the address as the list shows it.
    listed = next(item for item in get(client, "/api/speeches/")["results"] if item["id"] == address.pk)
    assert {key: value for key, value in hit.items() if key != "matches"} == listed


def test_search_marks_a_match_in_the_title_without_a_paragraph(client, archive):
    hit = get(client, "/api/search/", q="federal assembly")["results"][0]
    assert hit["matches"][0] == {
        "position": None,
        "url": f"{SITE}{archive['address'].get_absolute_url()}",
        "html": "Address to the <mark>Federal</mark> <mark>Assembly</mark>\nThe President delivered the Address.",
    }


def test_search_takes_the_archive_filters_and_order(client, archive):
    assert titles(get(client, "/api/search/", q="sanctions", speaker="Medvedev", sort="oldest")) == [
        "Interview to the press",
        "Evening meeting",
    ]
    assert titles(get(client, "/api/search/", q="sanctions", venue="the-kremlin-moscow", sort="newest")) == [
        "Briefing by Dmitry Peskov",
        "Address to the Federal Assembly",
    ]
    assert titles(get(client, "/api/search/", q="sanctions", date_to="2015-01-01")) == ["Interview to the press"]
    assert titles(get(client, "/api/search/", q="sanction", exact="true")) == ["Interview to the press"]


def test_search_is_paged_by_ten_addresses(client, archive, indexed):
    with indexed():
        for n in range(11):
            make_speech(f"Tungsten {n:02}", datetime.date(2000, 1, 1 + n), paragraphs=["Tungsten mining."])
    first = get(client, "/api/search/", q="tungsten", sort="oldest")
    assert titles(first) == [f"Tungsten {n:02}" for n in range(10)]
    assert (first["count"], first["previous"]) == (11, None)
    assert first["next"] == f"{SITE}/api/search/?page=2&q=tungsten&sort=oldest"
    second = get(client, first["next"])
    assert (titles(second), second["next"]) == (["Tungsten 10"], None)
    assert second["previous"] == f"{SITE}/api/search/?q=tungsten&sort=oldest"
    assert get(client, "/api/search/", 404, q="tungsten", page="3") == refusal(
        "There is no page “3”: pages run from 1 to 2."
    )


@pytest.mark.parametrize(
    "params, expected",
    [
        ({}, refusal("A search needs the words to search for.", "q")),
        ({"q": ""}, refusal("A search needs the words to search for.", "q")),
        ({"q": "ga*"}, refusal("“ga*” is too short to search: type at least 3 letters before the *.", "q")),
        (
            {"q": "the of"},
            refusal(
                'Common words such as “the” are not searched on their own; put a phrase in quotes to find it: "the of"',
                "q",
            ),
        ),
        ({"q": "union", "date_from": "2020-13-45"}, refusal("From: Enter a valid date.", "date_from")),
        (
            {"q": "union", "lang": "fr", "speaker": "Nobody Atall"},
            {
                "errors": [
                    refusal("Speaker: No speaker is known as “Nobody Atall”; check the spelling.", "speaker")["errors"][
                        0
                    ],
                    refusal("Language: Select a valid choice. fr is not one of the available choices.", "lang")[
                        "errors"
                    ][0],
                ]
            },
        ),
    ],
)
def test_search_refuses_a_missing_or_bad_query_or_filter_naming_it(client, archive, params, expected):
    assert get(client, "/api/search/", 400, **params) == expected


def test_search_that_finds_nothing_in_time_answers_503_with_retry_after(client, archive, settings):
    settings.SEARCH_TIME_BUDGET = 1e-9
    response = client.get("/api/search/", {"q": "union"})
    assert (response.status_code, response["Retry-After"]) == (503, "10")
    assert response.json() == refusal(
        "This search found nothing within 1e-09 seconds; try more specific words, or narrow it by speaker, venue, "
        "kind or dates."
    )


@pytest.mark.parametrize("backend", ["whoosh"], indirect=True)
def test_search_without_its_index_answers_503_with_retry_after(client, archive, settings):
    shutil.rmtree(settings.SEARCH_INDEX_DIR)
    response = client.get("/api/search/", {"q": "union"})
    assert (response.status_code, response["Retry-After"]) == (503, "120")
    assert response.json() == refusal("The search index is being rebuilt; please try again shortly.")


# Cached answers


@pytest.mark.parametrize(
    "url",
    [
        "/api/speeches/?page_size=3",
        "/api/speeches/{belarus}/",
        "/api/search/?q=union",
        "/api/speakers/",
        "/api/venues/sochi/",
    ],
)
def test_an_answer_is_sent_again_from_the_cache_as_json(client, archive, django_assert_num_queries, url):
    url = url.format(belarus=archive["belarus"].pk)
    first = client.get(url)
    with django_assert_num_queries(0):
        again = client.get(url)
    assert again.content == first.content
    assert again["Content-Type"] == "application/json"
    assert again["ETag"]


@pytest.mark.parametrize(
    "url, before",
    [
        ("/api/speeches/", NEWEST_FIRST),
        (
            "/api/search/?q=union&sort=newest",
            ["Meeting with the President of Belarus", "Address to the Federal Assembly"],
        ),
    ],
)
def test_a_publication_reaches_cached_lists_and_searches_at_once(client, archive, indexed, url, before):
    assert titles(get(client, url)) == before
    with indexed():
        archive["draft"].status = Speech.Status.PUBLISHED
        archive["draft"].save()
    # Dated 1 January 2020: after the two briefings of 2023, before the rest.
    after = [title for title in before if "Brief" in title or "Бриф" in title]
    assert titles(get(client, url)) == [*after, "Secret draft", *before[len(after) :]]


def test_a_publication_reaches_the_cached_lists_of_speakers(client, archive, indexed):
    assert [speaker["name"] for speaker in get(client, "/api/speakers/")["results"]] == [
        "Dmitry Medvedev",
        "Vladimir Putin",
    ]
    with indexed():
        archive["draft"].status = Speech.Status.PUBLISHED
        archive["draft"].save()
    assert [(s["name"], s["addresses"]) for s in get(client, "/api/speakers/")["results"]] == [
        ("Dmitry Medvedev", 2),
        ("Ivan Draftov", 1),
        ("Vladimir Putin", 2),
    ]


def test_an_edit_and_a_withdrawal_reach_a_cached_speech(client, archive, indexed):
    url = f"/api/speeches/{archive['belarus'].pk}/"
    assert get(client, url)["title"] == "Meeting with the President of Belarus"
    with indexed():
        archive["belarus"].title = "Talks with the President of Belarus"
        archive["belarus"].save()
    assert get(client, url)["title"] == "Talks with the President of Belarus"
    with indexed():
        archive["belarus"].status = Speech.Status.WITHDRAWN
        archive["belarus"].save()
    assert (
        get(client, url, 404)["errors"][0]["message"] == f"No published address has the id “{archive['belarus'].pk}”."
    )
    assert "Talks with the President of Belarus" not in titles(get(client, "/api/speeches/"))


def test_a_renamed_speaker_reaches_a_cached_speech(client, archive):
    url = f"/api/speeches/{archive['belarus'].pk}/"
    assert get(client, url)["speakers"][0]["name"] == "Vladimir Putin"
    archive["putin"].name = "Vladimir V. Putin"
    archive["putin"].save()
    assert get(client, url)["speakers"][0]["name"] == "Vladimir V. Putin"


# Where everything is


def test_the_root_gives_the_address_of_every_part_of_the_api(client, archive):
    root = get(client, "/api/")
    assert root == {
        "speeches": f"{SITE}/api/speeches/",
        "search": f"{SITE}/api/search/",
        "concordance": f"{SITE}/api/concordance/",
        "speakers": f"{SITE}/api/speakers/",
        "venues": f"{SITE}/api/venues/",
        "openapi": f"{SITE}/api/openapi.json",
        "documentation": f"{SITE}/api/docs/",
    }
    assert {part: client.get(url).status_code for part, url in root.items()} == {
        "speeches": 200,
        "search": 400,  # no words to search for
        "concordance": 400,
        "speakers": 200,
        "venues": 200,
        "openapi": 200,
        "documentation": 200,
    }


@pytest.mark.parametrize("url", ["/api/nothing/", "/api/speeches/1/paragraphs/", "/api/openapi.json/", "/api/feed"])
def test_an_address_the_api_does_not_have_is_refused_in_the_apis_shape(client, db, url):
    expected = refusal(
        f"The API has no address “{url}”. {SITE}/api/ lists its parts, and {SITE}/api/docs/ documents them."
    )
    assert get(client, url, 404) == expected
    # As a browser posts: without a CSRF token.
    posted = Client(enforce_csrf_checks=True).post(url)
    assert (posted.status_code, posted.json()) == (404, expected)


def test_only_reading_is_sent_on_to_the_address_with_its_final_slash(client, db):
    assert client.post("/api/speeches").status_code == 404
    assert client.head("/api/speeches").status_code == 301


@pytest.mark.parametrize(
    "url, location",
    [
        ("/api/speeches?kind=meeting", "/api/speeches/?kind=meeting"),
        ("/api/speakers/vladimir-putin", "/api/speakers/vladimir-putin/"),
        ("/api/docs", "/api/docs/"),
    ],
)
def test_an_address_without_its_final_slash_is_sent_to_it(client, archive, url, location):
    response = client.get(url)
    assert (response.status_code, response["Location"]) == (301, location)


# Methods and CORS


@pytest.mark.parametrize("url", ["/api/speeches/", "/api/search/?q=union", "/api/speakers/vladimir-putin/"])
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_every_method_but_reading_is_refused_with_405(client, archive, url, method):
    response = getattr(client, method)(url, data="{}", content_type="application/json")
    assert (response.status_code, response["Allow"]) == (405, "GET, HEAD, OPTIONS")
    assert response.json() == refusal(f'Method "{method.upper()}" not allowed.')


@pytest.mark.parametrize("url", ["/api/speeches/", "/api/openapi.json", "/api/docs/"])
def test_a_method_but_reading_is_refused_before_a_malformed_query_is_read(client, db, url):
    # More fields than Django reads: reading them would answer 400.
    response = client.post(f"{url}?{'a=1&' * 1200}")
    assert (response.status_code, response["Allow"]) == (405, "GET, HEAD, OPTIONS")


def test_head_answers_without_a_body_and_options_names_the_methods(client, archive):
    head = client.head("/api/speeches/")
    assert (head.status_code, head["Content-Type"], head.content) == (200, "application/json", b"")
    options = client.options("/api/speeches/")
    assert (options.status_code, options["Allow"]) == (200, "GET, HEAD, OPTIONS")


def test_any_site_may_read_the_api_and_no_other_address(client, archive):
    for _ in range(2):  # rendered, then from the cache
        response = client.get("/api/speeches/", HTTP_ORIGIN="https://reader.example")
        assert response["Access-Control-Allow-Origin"] == "*"
    page = client.get("/speeches/", HTTP_ORIGIN="https://reader.example")
    assert page.status_code == 200
    assert "Access-Control-Allow-Origin" not in page


def test_a_cross_site_request_may_only_read(client, archive):
    preflight = client.options(
        "/api/search/", HTTP_ORIGIN="https://reader.example", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET"
    )
    assert preflight.status_code == 200
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"


# The OpenAPI document and the documentation page


@pytest.fixture
def document(client, db):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    return json.loads(response.content)


def parameters(document, path):
    return {parameter["name"]: parameter for parameter in document["paths"][path]["get"]["parameters"]}


def test_the_document_describes_every_address_of_the_api(document):
    assert document["openapi"].startswith("3.")
    assert sorted(document["paths"]) == sorted(API_ADDRESSES)
    assert all(list(operations) == ["get"] for operations in document["paths"].values())


def test_the_document_names_every_filter_and_parameter(document):
    filters = set(SpeechFilter.base_filters)
    assert set(parameters(document, "/api/speeches/")) == filters | {"page", "page_size"}
    searched = parameters(document, "/api/search/")
    assert set(searched) == filters | {"q", "exact", "page"}
    assert searched["q"]["required"] is True
    lines = parameters(document, "/api/concordance/")
    assert set(lines) == filters - {"sort"} | {"q", "exact", "order", "page"}
    assert lines["order"]["schema"]["enum"] == ["date", "left", "newest", "right", "speaker"]
    assert searched["kind"]["schema"]["enum"] == sorted(Speech.Kind.values)
    assert parameters(document, "/api/speeches/")["page_size"]["schema"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 100,
    }


def test_the_document_describes_every_refusal(document):
    errors = {"$ref": "#/components/schemas/Errors"}
    for path, codes in {
        "/api/speeches/": ["200", "400", "404"],
        "/api/speeches/{id}/": ["200", "404"],
        "/api/search/": ["200", "400", "404", "503"],
        "/api/concordance/": ["200", "400", "404", "503"],
        "/api/speakers/{slug}/": ["200", "301", "404"],
    }.items():
        responses = document["paths"][path]["get"]["responses"]
        assert sorted(responses) == codes
        for code in codes:
            if code >= "400":
                assert responses[code]["content"]["application/json"]["schema"] == errors
    assert sorted(document["components"]["schemas"]["Error"]["properties"]) == ["choices", "message", "parameter"]
    assert list(document["paths"]["/api/search/"]["get"]["responses"]["503"]["headers"]) == ["Retry-After"]
    assert list(document["paths"]["/api/venues/{slug}/"]["get"]["responses"]["301"]["headers"]) == ["Location"]


def test_the_documentation_page_runs_no_inline_script_or_style(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert [re.search(r'src="([^"]+)"', attributes)[1] for attributes, _ in scripts] == [
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-standalone-preset.js",
        "/api/docs/?script=",
    ]
    assert all(body.strip() == "" for _, body in scripts)
    assert "<style" not in html and "style=" not in html
    setup = client.get("/api/docs/?script=")
    assert (setup.status_code, setup["Content-Type"]) == (200, "application/javascript")
    assert 'url: "/api/openapi.json"' in setup.content.decode()


# Requests generated from the OpenAPI document

# The document as the archive's WSGI application serves it. It shows no data, so it is read once, when the tests are
# collected, over HTTPS, which the settings never redirect.
generated = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application(), base_url="https://localhost")


@pytest.fixture
def application():
    """The archive's WSGI application with the test's settings, answering inside the test's transaction."""
    # Closing the connection when a request ends, as Django does, would end the test's transaction; Django's test
    # client leaves it open too.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@generated.parametrize()
@hypothesis_settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=False,
    suppress_health_check=list(HealthCheck),
)
def test_every_answer_conforms_to_the_document(case, archive, application):
    # Every check but one: the document cannot say which names the archive knows or which queries hold words to
    # search, and a request with a name or query it does not know is refused with 400, as documented. Answers are
    # asked for uncompressed: the in-process client reads a body as it is sent.
    case.call_and_validate(
        app=application, headers={"Accept-Encoding": "identity"}, excluded_checks=[positive_data_acceptance]
    )
