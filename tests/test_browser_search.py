"""The search form in a real browser: names suggested as one types."""

from playwright.sync_api import expect

from tests.browser import browser_test

pytestmark = browser_test

OPTIONS = "(id) => [...document.getElementById(id).options].map((option) => option.value)"


def test_speaker_box_suggests_names_as_one_types(page, live_server, archive):
    page.goto(live_server.url + "/search/?q=cooperation")
    # Without a keystroke: the speakers of the results, as the facets list them.
    assert page.evaluate(OPTIONS, "speaker-names") == ["Vladimir Putin"]

    page.get_by_label("Speaker").fill("luky")
    # Awaited through Playwright's own locators: the page's policy forbids evaluating strings as script.
    expect(page.locator("#speaker-names option[value='Fyodor Lukyanov']")).to_have_count(1)
    assert page.evaluate(OPTIONS, "speaker-names") == ["Fyodor Lukyanov"]

    # Back to nothing typed: the names the page came with.
    page.get_by_label("Speaker").fill("")
    assert page.evaluate(OPTIONS, "speaker-names") == ["Vladimir Putin"]


def test_a_typed_surname_narrows_the_search(page, live_server, archive):
    page.goto(live_server.url + "/search/?q=cooperation")
    page.get_by_label("Speaker").fill("Путин")
    page.locator(".search-form").get_by_role("button", name="Search").click()
    page.wait_for_url("**/search/?q=cooperation&speaker=*")
    assert page.get_by_label("Speaker").input_value() == "Путин"
    assert page.locator(".search-total").text_content().startswith("1 address ")
