import datetime

import pytest

from speeches.models import Speech
from tests.factories import make_speaker, make_speech

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
