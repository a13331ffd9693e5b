"""The interface speaks the address's language, or the one the reader chose; the transcript keeps its own."""

import datetime
import re

import pytest
from django.test import Client

from speeches import reading
from tests.factories import make_speech

pytestmark = pytest.mark.django_db


@pytest.fixture
def russian():
    return make_speech(
        "Совещание с членами Правительства",
        datetime.date(2025, 4, 25),
        language="ru",
        slug="soveshchanie",
        paragraphs=[("В.Путин", "Добрый день, уважаемые коллеги!")],
    )


@pytest.fixture
def english():
    return make_speech(
        "Meeting with Government members",
        datetime.date(2025, 4, 24),
        paragraphs=[("Vladimir Putin", "Good afternoon.")],
    )


def reader(language=None):
    client = Client()
    if language:
        client.cookies[reading.COOKIE_NAME] = reading.cookie_value({**reading.DEFAULTS, "language": language})
    return client


def page_language(response):
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


def test_a_russian_address_gets_russian_labels_and_dates(russian):
    for _ in range(2):  # rendered, then from the cache
        response = reader().get(russian.get_absolute_url())
        html = response.content.decode()
        assert page_language(response) == "ru"
        assert response["Content-Language"] == "ru"
        assert "<dt>Дата</dt>" in html
        assert ">25 апреля 2025</time>" in html
        assert "<dt>Date</dt>" not in html


def test_an_english_address_and_the_other_pages_speak_english_by_default(english, russian):
    response = reader().get(english.get_absolute_url())
    assert page_language(response) == "en"
    assert response["Content-Language"] == "en"
    assert "<dt>Date</dt>" in response.content.decode()
    assert ">24 April 2025</time>" in response.content.decode()
    home = reader().get("/")
    assert page_language(home) == "en"
    assert home["Content-Language"] == "en"


def test_the_readers_choice_comes_before_the_address_language(english, russian):
    response = reader("ru").get(english.get_absolute_url())
    html = response.content.decode()
    assert page_language(response) == "ru"
    assert "<dt>Дата</dt>" in html
    assert ">24 апреля 2025</time>" in html
    assert '<div class="transcript" lang="en"' in html  # the transcript keeps its own language
    assert page_language(reader("ru").get("/")) == "ru"
    response = reader("en").get(russian.get_absolute_url())
    assert page_language(response) == "en"
    assert "<dt>Date</dt>" in response.content.decode()
    assert '<div class="transcript" lang="ru"' in response.content.decode()


def test_one_address_is_cached_apart_for_each_interface_language(russian):
    for _ in range(2):
        assert page_language(reader().get(russian.get_absolute_url())) == "ru"
        assert page_language(reader("en").get(russian.get_absolute_url())) == "en"


def test_the_view_settings_read_the_same_in_both_languages():
    english = reader("en").get("/settings/").content.decode()
    russian = reader("ru").get("/settings/").content.decode()
    assert "<legend>Text size</legend>" in english
    assert "<legend>Размер шрифта</legend>" in russian
    # The languages are named in their own words on either page.
    for html in (english, russian):
        assert 'value="ru"' in html and "Русский" in html
        assert 'value="en"' in html and "English" in html


def test_a_reader_switches_the_interface_language_and_keeps_it(english):
    client = reader()
    response = client.post("/settings/", {"language": "ru", "next": english.get_absolute_url()})
    assert response.status_code == 303
    assert response["Location"] == english.get_absolute_url()
    assert page_language(client.get(english.get_absolute_url())) == "ru"
    assert page_language(client.get("/speeches/")) == "ru"
    client.post("/settings/", {"language": "auto", "next": "/"})
    assert page_language(client.get(english.get_absolute_url())) == "en"


def test_the_header_offers_the_other_language_in_its_own_words(english, russian):
    html = reader().get(english.get_absolute_url()).content.decode()
    switch = re.search(r'<form class="language-switch".*?</form>', html, re.S).group(0)
    assert 'name="language" value="ru" lang="ru">Русский</button>' in switch
    assert f'name="next" value="{english.get_absolute_url()}"' in switch
    html = reader().get(russian.get_absolute_url()).content.decode()
    switch = re.search(r'<form class="language-switch".*?</form>', html, re.S).group(0)
    assert 'name="language" value="en" lang="en">English</button>' in switch
