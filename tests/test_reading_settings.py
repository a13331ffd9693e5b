import datetime

import pytest

from speeches import reading
from tests.factories import make_speech

pytestmark = pytest.mark.django_db

DEFAULT_HTML_TAG = (
    '<html lang="en" data-size="100" data-colours="default" data-spacing="normal" data-line="normal"'
    ' data-font="mixed" data-images="on" data-language="auto">'
)


def test_parse_cookie_reads_valid_settings_and_fills_the_rest_with_defaults():
    assert reading.parse_cookie("size:150|colours:white-black") == {
        "size": "150",
        "colours": "white-black",
        "spacing": "normal",
        "line": "normal",
        "font": "mixed",
        "images": "on",
        "language": "auto",
    }


@pytest.mark.parametrize(
    "raw",
    [
        "size:999",
        "size:150;colours:blue",
        "colours:<script>",
        "nonsense",
        "size",
        ":|:|",
        "font:sans" + "|x:y" * 200,
        "Size:150",
        "size: 150",
    ],
)
def test_parse_cookie_ignores_invalid_values(raw):
    assert reading.parse_cookie(raw) == reading.DEFAULTS


def test_parse_cookie_keeps_valid_pairs_beside_invalid_ones():
    assert reading.parse_cookie("size:999|colours:beige|bogus:1|images:off")["colours"] == "beige"
    assert reading.parse_cookie("size:999|colours:beige|bogus:1|images:off")["size"] == "100"
    assert reading.parse_cookie("size:999|colours:beige|bogus:1|images:off")["images"] == "off"


def test_parse_cookie_reads_a_cookie_of_the_longest_length_it_accepts():
    padded = "size:150|" + "padding:"
    padded += "x" * (reading.COOKIE_MAX_LENGTH - len(padded))
    assert len(padded) == reading.COOKIE_MAX_LENGTH
    assert reading.parse_cookie(padded)["size"] == "150"
    assert reading.parse_cookie(padded + "x") == reading.DEFAULTS  # one character more is not read at all


def test_cookie_value_keeps_only_what_differs_from_the_defaults():
    assert reading.cookie_value(reading.DEFAULTS) == ""
    assert reading.cookie_value({}) == ""
    assert reading.cookie_value({"size": "150"}) == "size:150"  # settings not given are the defaults
    assert reading.cookie_value({**reading.DEFAULTS, "size": "200", "line": "loose"}) == "size:200|line:loose"
    assert reading.parse_cookie("size:200|line:loose") == {**reading.DEFAULTS, "size": "200", "line": "loose"}


def test_every_setting_offers_what_readers_asked_for():
    assert reading.BY_NAME["size"].values == ["100", "125", "150", "175", "200"]
    assert [label for _, label in reading.BY_NAME["colours"].choices] == [
        "Default",
        "Black on white",
        "White on black",
        "Dark blue on light blue",
        "Brown on beige",
        "Green on dark brown",
    ]
    assert reading.BY_NAME["spacing"].values == ["normal", "wider", "widest"]
    assert reading.BY_NAME["images"].values == ["on", "off"]


def test_page_without_cookie_renders_defaults_on_html(client):
    html = client.get("/").content.decode()
    assert DEFAULT_HTML_TAG in html


def test_page_renders_the_cookie_settings_on_html_and_checks_them_in_the_panel(client):
    client.cookies[reading.COOKIE_NAME] = "size:175|colours:blue|font:sans"
    response = client.get("/")
    html = response.content.decode()
    assert (
        '<html lang="en" data-size="175" data-colours="blue" data-spacing="normal" data-line="normal"'
        ' data-font="sans" data-images="on" data-language="auto">' in html
    )
    assert '<input type="radio" name="size" value="175" checked>' in html
    assert '<input type="radio" name="colours" value="blue" checked>' in html
    assert '<input type="radio" name="size" value="100">' in html
    assert "Cookie" in response["Vary"]


@pytest.mark.parametrize("raw", ["size:1000", "x" * 5000, 'colours:"><script>alert(1)</script>', "%%%|::"])
def test_page_with_an_invalid_cookie_renders_defaults(client, raw):
    client.cookies[reading.COOKIE_NAME] = raw
    response = client.get("/")
    assert response.status_code == 200
    assert DEFAULT_HTML_TAG in response.content.decode()


def test_invalid_cookie_on_a_missing_page_still_gives_the_404_page(client):
    client.cookies[reading.COOKIE_NAME] = "size:abc"
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Page not found</h1>" in html
    assert DEFAULT_HTML_TAG in html


def test_panel_is_on_every_page_with_a_plain_form(client):
    speech = make_speech("An address", datetime.date(2023, 6, 28), paragraphs=["Text."])
    for url in ["/", "/speeches/", "/speeches/2023/06/", speech.get_absolute_url(), "/no/such/page/"]:
        html = client.get(url).content.decode()
        assert "<summary>View settings</summary>" in html, url
        assert '<form class="reading-form" method="post" action="/settings/">' in html, url
        assert f'<input type="hidden" name="next" value="{url}">' in html, url


def test_settings_post_sets_cookie_and_returns_the_reader_to_the_page(client):
    response = client.post(
        "/settings/", {"size": "200", "colours": "green", "spacing": "wider", "next": "/speeches/2023/?page=2"}
    )
    assert response.status_code == 303
    assert response["Location"] == "/speeches/2023/?page=2"
    cookie = response.cookies[reading.COOKIE_NAME]
    assert cookie.value == "size:200|colours:green|spacing:wider"
    assert cookie["max-age"] == reading.COOKIE_MAX_AGE
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/"
    html = client.get("/").content.decode()
    assert 'data-size="200" data-colours="green" data-spacing="wider"' in html


def test_settings_post_of_one_setting_keeps_the_others(client):
    client.cookies[reading.COOKIE_NAME] = "size:150|images:off"
    response = client.post("/settings/", {"colours": "beige", "next": "/"})
    assert response.cookies[reading.COOKIE_NAME].value == "size:150|colours:beige|images:off"


def test_settings_reset_removes_the_cookie(client):
    client.cookies[reading.COOKIE_NAME] = "size:150|images:off"
    response = client.post("/settings/", {"size": "200", "reset": "1", "next": "/speeches/"})
    assert response["Location"] == "/speeches/"
    assert response.cookies[reading.COOKIE_NAME].value == ""
    assert response.cookies[reading.COOKIE_NAME]["max-age"] == 0
    assert DEFAULT_HTML_TAG in client.get("/").content.decode()


def test_settings_post_back_to_defaults_removes_the_cookie(client):
    client.cookies[reading.COOKIE_NAME] = "size:150"
    response = client.post("/settings/", {"size": "100", "next": "/"})
    assert response.cookies[reading.COOKIE_NAME]["max-age"] == 0


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/path",
        "/\\evil.example",
        "javascript:alert(1)",
        "http://testserver.evil.example/",
        "",
    ],
)
def test_settings_never_redirect_off_site(client, next_url):
    response = client.post("/settings/", {"size": "125", "next": next_url})
    assert response.status_code == 303
    assert response["Location"] == "/"


def test_settings_accept_an_absolute_next_on_this_site(client):
    response = client.post("/settings/", {"size": "125", "next": "http://testserver/speeches/"})
    assert response["Location"] == "http://testserver/speeches/"


def test_settings_reject_an_invalid_value_with_a_message_and_keep_the_cookie(client):
    client.cookies[reading.COOKIE_NAME] = "size:150"
    response = client.post("/settings/", {"size": "900", "colours": "blue", "next": "/"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "The settings were not changed:" in html
    assert "“900” is not one of the choices for text size." in html
    assert reading.COOKIE_NAME not in response.cookies
    # The form on the error page keeps the reader's current choice and the page to return to.
    assert '<input type="radio" name="size" value="150" checked>' in html
    assert '<input type="hidden" name="next" value="/">' in html


def test_settings_page_offers_the_form_without_a_second_panel(client):
    response = client.get("/settings/", {"next": "/speeches/"})
    html = response.content.decode()
    assert "<h1>View settings</h1>" in html
    assert html.count('<form class="reading-form"') == 1
    assert '<input type="hidden" name="next" value="/speeches/">' in html
    assert (
        '<input type="hidden" name="next" value="/">'
        in client.get("/settings/?next=https://evil.example/").content.decode()
    )


def test_settings_refuse_other_methods(client):
    assert client.put("/settings/").status_code == 405
