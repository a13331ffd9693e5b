import datetime

import pytest

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
    response = client.get(putin_travels.get_absolute_url(), {"venue": "Kremlin", "kind": "speech"})
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
