"""Feeds of the newest addresses (Atom and RSS, read by a feed parser), the sitemap and robots.txt."""

import datetime
import re
import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.utils.timezone import localtime

from speeches import reading
from speeches.models import Speech
from tests.factories import make_speaker, make_speech, make_venue

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def addresses(backend, indexed):
    putin = make_speaker()
    sochi = make_venue("Sochi")
    with indexed():
        made = {
            "gas": make_speech(
                "Talks on gas",
                datetime.date(2020, 3, 1),
                time=datetime.time(14, 30),
                speaker=putin,
                venue=sochi,
                lead="The President discussed gas supplies.",
                paragraphs=[("Vladimir Putin", "Gas transit through Ukraine.")],
            ),
            "roads": make_speech(
                "Meeting on roads", datetime.date(2021, 5, 5), paragraphs=["Roads and bridges, and gas stations."]
            ),
            "draft": make_speech(
                "Draft on gas", datetime.date(2022, 1, 1), status=Speech.Status.DRAFT, paragraphs=["Gas."]
            ),
            "old": make_speech("Gas in 2010", datetime.date(2010, 1, 1), speaker=putin, paragraphs=["Gas prices."]),
        }
    return made


def read(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:500]
    return response, feedparser.parse(response.content)


@pytest.mark.parametrize("url, kind", [("/feed/", "atom10"), ("/rss/", "rss20")])
def test_the_latest_addresses_feed_lists_published_addresses_newest_first(client, addresses, url, kind):
    response, feed = read(client, url)
    assert feed.bozo == 0, feed.bozo_exception
    assert feed.version == kind
    assert response["Content-Type"].startswith("application/atom+xml" if kind == "atom10" else "application/rss+xml")
    assert [entry.title for entry in feed.entries] == ["Meeting on roads", "Talks on gas", "Gas in 2010"]
    gas = feed.entries[1]
    assert gas.link == "http://testserver" + addresses["gas"].get_absolute_url()
    assert gas.summary == "The President discussed gas supplies."
    # 14:30 in Moscow is 11:30 UTC.
    assert gas.published_parsed[:5] == (2020, 3, 1, 11, 30)
    assert gas.author == "Vladimir Putin"
    assert [tag.term for tag in gas.tags] == ["Speech"]  # the kind of address the factory gives
    assert feed.feed.link == "http://testserver/"


def test_feeds_of_a_speaker_and_of_a_venue_list_only_their_addresses(client, addresses):
    _, feed = read(client, "/speakers/vladimir-putin/feed/")
    assert [entry.title for entry in feed.entries] == ["Talks on gas", "Gas in 2010"]
    assert "Vladimir Putin" in feed.feed.title
    _, feed = read(client, "/venues/sochi/rss/")
    assert [entry.title for entry in feed.entries] == ["Talks on gas"]
    assert client.get("/speakers/nobody/feed/").status_code == 404
    assert client.get("/venues/nowhere/rss/").status_code == 404


def test_a_search_feed_lists_the_newest_matches_with_the_search_filters(client, addresses):
    _, feed = read(client, "/search/feed/", q="gas")
    assert [entry.title for entry in feed.entries] == ["Meeting on roads", "Talks on gas", "Gas in 2010"]
    assert "“gas”" in feed.feed.title
    _, feed = read(client, "/search/rss/", q="gas", speaker="vladimir-putin", date_from="2015-01-01")
    assert [entry.title for entry in feed.entries] == ["Talks on gas"]
    assert feed.feed.link.endswith("/search/?q=gas&speaker=vladimir-putin&date_from=2015-01-01")


def test_a_search_feed_of_words_with_a_control_character_names_them_without_it(client, addresses):
    response, feed = read(client, "/search/rss/", q="gas \x1b")
    assert response.status_code == 200
    assert [entry.title for entry in feed.entries] == ["Meeting on roads", "Talks on gas", "Gas in 2010"]
    assert "“gas”" in feed.feed.title


@pytest.mark.parametrize(
    "params, message",
    [
        ({}, "A search feed needs the words to search for (q)."),
        ({"q": "gas", "date_from": "2020-13-45"}, "Enter a valid date."),
        ({"q": "ga*"}, "type at least 3 letters before the *."),
    ],
)
def test_a_search_feed_with_bad_parameters_says_what_is_wrong(client, addresses, params, message):
    response = client.get("/search/feed/", params)
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert message in response.content.decode()


def test_a_feed_follows_a_publication_at_once(client, addresses, indexed):
    _, before = read(client, "/feed/")
    with indexed():
        addresses["draft"].status = Speech.Status.PUBLISHED
        addresses["draft"].save()
    _, after = read(client, "/feed/")
    assert after.entries[0].title == "Draft on gas"
    assert len(after.entries) == len(before.entries) + 1


def test_pages_link_their_feeds(client, addresses):
    home = client.get("/").content.decode()
    assert '<link rel="alternate" type="application/atom+xml"' in home and 'href="/feed/"' in home
    assert 'href="/rss/"' in home
    speaker = client.get("/speakers/vladimir-putin/").content.decode()
    assert 'href="/speakers/vladimir-putin/feed/"' in speaker
    venue = client.get("/venues/sochi/").content.decode()
    assert 'href="/venues/sochi/rss/"' in venue
    search = client.get("/search/", {"q": "gas", "kind": "address"}).content.decode()
    assert 'href="/search/feed/?q=gas&amp;kind=address"' in search


def locations(client, url):
    response = client.get(url)
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return {
        loc.text: (entry.find(f"{SITEMAP}lastmod").text if entry.find(f"{SITEMAP}lastmod") is not None else None)
        for entry in root
        for loc in entry.iter(f"{SITEMAP}loc")
    }


def test_the_sitemap_lists_every_published_address_speaker_and_venue(client, addresses):
    sections = locations(client, "/sitemap.xml")
    assert set(sections) == {
        f"http://testserver/sitemap-{name}.xml"
        for name in ("pages", "speeches", "speakers", "venues", "topics", "places")
    }
    speeches = locations(client, "/sitemap-speeches.xml")
    published = [addresses[name] for name in ("old", "gas", "roads")]
    assert list(speeches) == ["http://testserver" + speech.get_absolute_url() for speech in published]
    gas = addresses["gas"]
    # The day of its last change in the archive's time zone, which is not always the day in UTC.
    assert speeches["http://testserver" + gas.get_absolute_url()] == localtime(gas.updated).date().isoformat()
    assert set(locations(client, "/sitemap-speakers.xml")) == {"http://testserver/speakers/vladimir-putin/"}
    assert set(locations(client, "/sitemap-venues.xml")) == {"http://testserver/venues/sochi/"}
    assert "http://testserver/speakers/" in locations(client, "/sitemap-pages.xml")
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_robots_keep_crawlers_off_searches_and_point_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert {"Disallow: /search/", "Disallow: /api/search/", "Disallow: /api/concordance/"} <= set(lines)
    assert {"Disallow: /concordance/", "Disallow: /trends/", "Disallow: /who-says/", "Disallow: /quote/"} <= set(lines)
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert re.match(r"User-agent: \*", lines[0])


@pytest.mark.parametrize("language, section", [("en", "Open data and API"), ("ru", "Открытые данные и API")])
def test_every_page_leads_to_the_open_data_and_each_of_its_links_answers(client, addresses, language, section):
    client.cookies[reading.COOKIE_NAME] = reading.cookie_value({**reading.DEFAULTS, "language": language})
    home = client.get("/")
    assert home.status_code == 200
    assert f'<a href="/about/#data">{section}</a>' in home.content.decode()
    about = client.get("/about/")
    assert about.status_code == 200
    data = about.content.decode().split('id="data"')[1].split("<h2")[0]
    links = re.findall(r'href="([^"]+)"', data)
    assert links == ["/feed/", "/rss/", "/api/", "/api/docs/"]
    assert [client.get(link).status_code for link in links] == [200, 200, 200, 200]
