"""What other sites read of the pages: a description of their own, OpenGraph and schema.org data on addresses."""

import datetime
import json
import re

import pytest

from tests.factories import make_speaker, make_speech, make_venue

pytestmark = pytest.mark.django_db

DEFAULT = "Transcripts of the addresses of the head of state, searchable and citable."


@pytest.fixture
def address():
    return make_speech(
        "Meeting on </script><b>roads</b>",
        datetime.date(2023, 6, 28),
        time=datetime.time(18, 0),
        slug="meeting-on-roads",
        venue=make_venue("Sochi"),
        lead="The President discussed roads & bridges.",
        source_url="http://en.kremlin.ru/events/president/news/71522",
        speaker=make_speaker(),
        paragraphs=[("Vladimir Putin", "Good afternoon.")],
    )


def structured(html):
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(block)


def test_an_address_page_describes_itself_as_a_creative_work(client, address):
    html = client.get(address.get_absolute_url()).content.decode()
    data = structured(html)
    assert data["@type"] == "CreativeWork"
    assert data["name"] == "Meeting on </script><b>roads</b>"
    assert data["dateCreated"] == "2023-06-28T18:00"
    assert data["inLanguage"] == "en"
    assert data["url"] == "http://testserver/speeches/2023/06/28/meeting-on-roads/"
    assert data["author"] == [
        {"@type": "Person", "name": "Vladimir Putin", "url": "http://testserver/speakers/vladimir-putin/"}
    ]
    assert data["isBasedOn"] == {
        "@type": "CreativeWork",
        "url": "http://en.kremlin.ru/events/president/news/71522",
        "publisher": "President of Russia",
    }
    assert data["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert data["locationCreated"] == {"@type": "Place", "name": "Sochi"}
    # The title's markup cannot end the script element early.
    assert html.count("</script>") == html.count("<script")


def test_an_address_page_points_to_its_record_in_the_api_and_in_tei(client, address):
    html = client.get(address.get_absolute_url()).content.decode()
    alternates = dict(re.findall(r'<link rel="alternate" type="([^"]+)" href="([^"]+)">', html))
    assert alternates == {
        "application/json": f"/api/speeches/{address.pk}/",
        "application/tei+xml": "/speeches/2023/06/28/meeting-on-roads.xml",
    }
    record = client.get(alternates["application/json"])
    assert (record.status_code, record.json()["title"]) == (200, "Meeting on </script><b>roads</b>")
    tei = client.get(alternates["application/tei+xml"])
    assert (tei.status_code, tei["Content-Type"]) == (200, "application/tei+xml")


def test_an_address_page_carries_opengraph(client, address):
    html = client.get(address.get_absolute_url()).content.decode()
    properties = dict(re.findall(r'<meta property="([^"]+)" content="([^"]*)">', html))
    assert properties["og:type"] == "article"
    assert properties["og:title"] == "Meeting on &lt;/script&gt;&lt;b&gt;roads&lt;/b&gt;"
    assert properties["og:description"] == "The President discussed roads &amp; bridges."
    assert properties["og:url"] == "http://testserver/speeches/2023/06/28/meeting-on-roads/"
    assert properties["og:locale"] == "en_GB"
    assert properties["article:published_time"] == "2023-06-28T18:00"


def description(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return re.search(r'<meta name="description" content="([^"]*)">', response.content.decode()).group(1)


def test_every_page_has_its_own_title_and_description(client, address):
    pages = [
        "/about/",
        "/speeches/",
        "/speeches/2023/",
        "/speeches/2023/06/",
        "/speeches/2023/06/28/",
        "/speakers/",
        "/speakers/vladimir-putin/",
        "/venues/",
        "/venues/sochi/",
        "/search/",
        "/settings/",
        address.get_absolute_url(),
        address.get_absolute_url() + "cite/",
        address.get_absolute_url() + "versions/",
    ]
    descriptions = {url: description(client, url) for url in pages}
    assert DEFAULT not in descriptions.values()
    assert len(set(descriptions.values())) == len(pages)
    titles = {re.search(r"<title>(.*?)</title>", client.get(url).content.decode(), re.S).group(1) for url in pages}
    assert len(titles) == len(pages)
