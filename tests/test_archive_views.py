import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from speeches.models import Speech
from tests.factories import make_speaker, make_speech, make_venue

pytestmark = pytest.mark.django_db


def titles(response):
    return [speech.title for speech in response.context["object_list"]]


@pytest.fixture
def archive():
    putin = make_speaker()
    kremlin = make_venue()
    return {
        "june28": make_speech(
            "Forum of Regions", datetime.date(2023, 6, 28), speaker=putin, venue=kremlin, time=datetime.time(12, 0)
        ),
        "june28_late": make_speech("Evening meeting", datetime.date(2023, 6, 28), time=datetime.time(19, 30)),
        "june02": make_speech("Early June", datetime.date(2023, 6, 2)),
        "march": make_speech("Spring address", datetime.date(2023, 3, 15)),
        "older": make_speech("Valdai Club", datetime.date(2017, 10, 19)),
        "draft": make_speech("Secret draft", datetime.date(2023, 6, 28), status=Speech.Status.DRAFT),
        "draft_year": make_speech("Only a draft this year", datetime.date(2019, 1, 1), status=Speech.Status.DRAFT),
    }


def test_home_lists_latest_and_links_days_in_calendar(client, archive):
    response = client.get("/")
    assert [s.title for s in response.context["latest"]] == [
        "Evening meeting",
        "Forum of Regions",
        "Early June",
        "Spring address",
        "Valdai Club",
    ]
    html = response.content.decode()
    assert 'href="/speeches/2023/06/28/"' in html
    assert 'href="/speeches/2023/06/02/"' in html
    assert 'href="/speeches/2023/06/15/"' not in html
    assert "Secret draft" not in html


def test_archive_index_lists_years_with_counts(client, archive):
    response = client.get("/speeches/")
    assert response.status_code == 200
    assert [(year.year, n) for year, n in response.context["years"]] == [(2023, 4), (2017, 1)]
    assert "2019" not in response.content.decode()


def test_year_archive_lists_months_with_counts(client, archive):
    response = client.get("/speeches/2023/")
    assert [(month.month, n) for month, n in response.context["months"]] == [(3, 1), (6, 3)]
    assert response.context["previous_year"] == datetime.date(2017, 1, 1)
    assert response.context["next_year"] is None
    assert 'href="/speeches/2023/06/"' in response.content.decode()


def test_month_archive_lists_speeches_and_calendar(client, archive):
    response = client.get("/speeches/2023/06/")
    assert titles(response) == ["Evening meeting", "Forum of Regions", "Early June"]
    html = response.content.decode()
    assert 'aria-label="28 June 2023: 2 addresses"' in html
    assert 'aria-label="2 June 2023: 1 address"' in html
    assert response.context["calendar_moves"] == {
        "previous_month": datetime.date(2023, 3, 1),
        "next_month": None,
        "previous_year": datetime.date(2017, 10, 1),
        "next_year": None,
    }
    assert '<a rel="prev" href="/speeches/2023/03/">‹ March 2023</a>' in html
    assert '<a href="/speeches/2017/">« 2017</a>' in html
    assert 'rel="next"' not in html


def test_home_calendar_moves_to_the_nearest_months_and_years_with_addresses(client, archive):
    make_speech("New Year greeting", datetime.date(2024, 12, 31))
    make_speech("Spring of 2026", datetime.date(2026, 4, 1))
    html = client.get("/").content.decode()
    nav = html[html.index('<nav class="calendar-nav"') :]
    nav = nav[: nav.index("</nav>")]
    # The calendar shows April 2026; March 2026 to January 2025 have nothing, nor has 2025.
    assert re.findall(r'href="([^"]+)">([^<]+)</a>', nav) == [
        ("/speeches/2024/", "« 2024"),
        ("/speeches/2024/12/", "‹ December 2024"),
    ]


def test_year_page_lists_its_addresses_under_their_months(client, archive):
    html = client.get("/speeches/2023/").content.decode()
    june, march = html.index('<h2 id="month-6">'), html.index('<h2 id="month-3">')
    assert june < html.index("Evening meeting") < html.index("Early June") < march < html.index("Spring address")
    assert '<h2 id="month-6"><a href="/speeches/2023/06/">June</a></h2>' in html
    assert "Secret draft" not in html


def test_day_archive_lists_published_speeches_of_the_day(client, archive):
    response = client.get("/speeches/2023/06/28/")
    assert titles(response) == ["Evening meeting", "Forum of Regions"]
    assert response.context["previous_day"] == datetime.date(2023, 6, 2)
    assert "Secret draft" not in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/speeches/2023/13/",
        "/speeches/2023/00/",
        "/speeches/2023/02/30/",
        "/speeches/2023/06/32/",
        "/speeches/0000/",
        "/speeches/9999/12/",
        "/speeches/2019/",  # only a draft that year
        "/speeches/2023/07/",  # nothing that month
        "/speeches/2023/06/28/no-such-address/",
        "/speakers/nobody/",
        "/venues/nowhere/",
    ],
)
def test_bad_or_empty_dates_and_unknown_slugs_are_404(client, archive, url):
    response = client.get(url)
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b"Browse all addresses by date" in response.content


def test_draft_speech_page_is_404(client, archive):
    assert client.get(archive["draft"].get_absolute_url()).status_code == 404


def test_speaker_page_lists_their_published_speeches_newest_first(client, archive):
    putin = archive["june28"].speakers.get()
    archive["older"].speakers.add(putin)
    archive["draft"].speakers.add(putin)
    response = client.get(putin.get_absolute_url())
    assert [s.title for s in response.context["page_obj"]] == ["Forum of Regions", "Valdai Club"]
    assert b"President of Russia" in response.content


def test_venue_page_lists_speeches_given_there(client, archive):
    response = client.get(archive["june28"].venue.get_absolute_url())
    assert [s.title for s in response.context["page_obj"]] == ["Forum of Regions"]


def _queries_for(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url",
    ["/", "/speeches/", "/speeches/2023/", "/speeches/2023/06/", "/speeches/2023/06/28/", "/speakers/vladimir-putin/"],
)
def test_list_pages_query_count_does_not_grow(client, url):
    putin = make_speaker()
    venue = make_venue()
    for n in range(3):
        make_speech(f"Address {n}", datetime.date(2023, 6, 28), speaker=putin, venue=venue)
    few = _queries_for(client, url)
    for n in range(30):
        other = make_venue(f"Venue {n}")
        make_speech(f"More {n}", datetime.date(2023, 6, 28), speaker=putin, venue=other)
    assert _queries_for(client, url) == few
    assert few <= 8


def test_lists_link_each_address_to_its_day_venue_and_speakers(client, archive):
    html = client.get("/speeches/2023/06/").content.decode()
    assert (
        '<a href="/speeches/2023/06/28/"><time datetime="2023-06-28T12:00">28 June 2023, 12:00</time></a>\n'
        '      · Speech · <a href="/venues/the-kremlin-moscow/">The Kremlin, Moscow</a>\n'
        '       · <a href="/speakers/vladimir-putin/">Vladimir Putin</a>'
    ) in html


def test_pages_are_numbered_with_the_first_the_last_and_two_either_side(client, monkeypatch):
    monkeypatch.setattr("speeches.views.SPEECHES_PER_PAGE", 2)
    venue = make_venue()
    for day in range(1, 22):
        make_speech(f"Meeting {day:02d}", datetime.date(2023, 5, day), venue=venue)
    html = client.get(venue.get_absolute_url(), {"page": 6}).content.decode()
    start = html.index('<nav class="pagination"')
    pages = html[start : html.index("</nav>", start)]
    assert "<p>Page 6 of 11</p>" in pages
    links = re.findall(r'<li(?: aria-hidden="true")?>(?:<a [^>]*page=(\d+)"[^>]*>([^<]+)</a>|(…))</li>', pages)
    shown = [text or gap for _, text, gap in links]
    assert shown == ["Previous page", "1", "…", "4", "5", "6", "7", "8", "…", "11", "Next page"]
    assert '<a href="?page=6" aria-current="page" aria-label="Page 6, this page">6</a>' in pages
    assert '<a rel="prev" href="?page=5">Previous page</a>' in pages
