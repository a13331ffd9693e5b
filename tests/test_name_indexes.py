"""The lists of all speakers and all venues: every name with its published addresses, by letter, in both scripts."""

import re

import pytest

from speeches.models import Speaker, Speech
from tests.factories import make_speech, make_venue

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    names = {
        "Vladimir Putin": 3,
        "Sergei Lavrov": 1,
        "Alexander Lukashenko": 2,
        "Дмитрий Песков": 1,
        "Эльвира Набиуллина": 2,
        "М.Кузнецов": 1,
    }
    made = {}
    for name, count in names.items():
        speaker = made[name] = Speaker.objects.create(name=name)
        for n in range(count):
            make_speech(f"{name} {n}").speakers.add(speaker)
    # Only in a draft: not listed.
    make_speech("Draft", status=Speech.Status.DRAFT).speakers.add(Speaker.objects.create(name="Hidden Person"))
    return made


def listed(response):
    items = re.findall(
        r'<li><a href="/speakers/[^"]+/">([^<]+)</a>[^<]*<span class="name-index__count">\((\d+)',
        response.content.decode(),
    )
    return [(name, int(count)) for name, count in items]


def test_speakers_are_listed_by_family_name_with_their_published_addresses(client, people):
    response = client.get("/speakers/")
    assert response.status_code == 200
    assert listed(response) == [
        ("Sergei Lavrov", 1),
        ("Alexander Lukashenko", 2),
        ("Vladimir Putin", 3),
        ("М.Кузнецов", 1),
        ("Эльвира Набиуллина", 2),
        ("Дмитрий Песков", 1),
    ]
    assert "<p>6 people speak in the published addresses.</p>" in response.content.decode()


def test_speakers_by_number_of_addresses_keep_names_in_order_within_a_count(client, people):
    response = client.get("/speakers/", {"sort": "addresses"})
    assert listed(response) == [
        ("Vladimir Putin", 3),
        ("Alexander Lukashenko", 2),
        ("Эльвира Набиуллина", 2),
        ("Sergei Lavrov", 1),
        ("М.Кузнецов", 1),
        ("Дмитрий Песков", 1),
    ]


def test_letters_of_both_scripts_filter_the_list(client, people):
    html = client.get("/speakers/").content.decode()
    latin = re.search(r'<ul aria-label="Latin letters" lang="en">(.*?)</ul>', html, re.S).group(1)
    cyrillic = re.search(r'<ul aria-label="Cyrillic letters" lang="ru">(.*?)</ul>', html, re.S).group(1)
    assert re.findall(r">(\w)</a>", latin) == ["L", "P"]
    assert re.findall(r">(\w)</a>", cyrillic) == ["К", "Н", "П"]
    assert listed(client.get("/speakers/", {"letter": "l"})) == [("Sergei Lavrov", 1), ("Alexander Lukashenko", 2)]
    assert listed(client.get("/speakers/", {"letter": "П", "sort": "addresses"})) == [("Дмитрий Песков", 1)]
    response = client.get("/speakers/", {"letter": "Q"})
    assert listed(response) == []
    assert "No speakers under this letter." in response.content.decode()


@pytest.mark.parametrize(
    "query, message",
    [
        ({"letter": "AB"}, "Choose one letter, as in the list of letters."),
        ({"letter": "1"}, "Choose one letter, as in the list of letters."),
        ({"sort": "age"}, "“age” is not a way to sort this list: choose by name or by number."),
    ],
)
def test_a_letter_or_order_that_is_not_offered_answers_400_with_the_reason(client, people, query, message):
    response = client.get("/speakers/", query)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_venues_are_listed_by_name_and_link_to_their_pages(client):
    kremlin, sochi = make_venue(), make_venue("Sochi", city="Sochi")
    make_speech("One", venue=kremlin)
    make_speech("Two", venue=kremlin)
    make_speech("Three", venue=sochi)
    make_venue("Empty hall")
    html = client.get("/venues/").content.decode()
    items = re.findall(
        r'<li><a href="(/venues/[^"]+/)">([^<]+)</a>[^<]*<span class="name-index__count">\(([^)]+)\)', html
    )
    assert items == [
        ("/venues/sochi/", "Sochi", "1 address"),
        ("/venues/the-kremlin-moscow/", "The Kremlin, Moscow", "2 addresses"),
    ]
    assert '<li><a href="/venues/">Venues</a></li>' in html  # in the site's navigation
