"""Finding one's way in a real browser: a long transcript's contents, the compact header, the view settings panel
and the Russian interface."""

import contextlib
import datetime
import re

import pytest
from playwright.sync_api import expect

from speeches import reading, search
from speeches.models import Paragraph, Speaker
from tests.browser import browser_test, set_reading_cookie, watch_policy
from tests.factories import make_direct_line, make_speech
from tests.test_browser_accessibility import _open_disclosures, assert_no_axe_violations

pytestmark = browser_test

NARROW = {"width": 320, "height": 640}
WIDE = {"width": 1280, "height": 800}


@contextlib.contextmanager
def new_context(browser, **options):
    """A browser context that fails the test if the Content-Security-Policy blocked anything."""
    context = browser.new_context(**options)
    blocked = watch_policy(context)
    try:
        yield context
    finally:
        context.close()
    assert blocked == [], f"the Content-Security-Policy blocked: {blocked}"


@pytest.fixture
def direct_line(archive):
    speech = make_direct_line(
        Speaker.objects.get(name="Vladimir Putin"), datetime.date(2023, 12, 14), slug="direct-line"
    )
    search.rebuild()
    return speech


@pytest.fixture
def russian_long(archive):
    """A Russian address of 45 paragraphs in three parts."""
    putin = Speaker.objects.get(name="Vladimir Putin")
    speech = make_speech(
        "Послание Федеральному Собранию",
        datetime.date(2025, 4, 25),
        slug="poslanie",
        language="ru",
        speaker=putin,
        paragraphs=[f"Абзац номер {n} о дорогах и урожае." for n in range(1, 46)],
    )
    for position, heading in [(1, "Экономика"), (15, "Оборона"), (30, "Образование")]:
        Paragraph.objects.filter(speech=speech, position=position).update(kind=Paragraph.Kind.HEADING, text=heading)
    search.rebuild()
    return speech


def fully_in_view(page, locator):
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["y"] >= -1 and box["y"] + box["height"] <= height + 1


def scroll_y(page):
    return page.evaluate("window.scrollY")


def is_target(locator):
    return locator.evaluate("(element) => element.matches(':target')")


# A long transcript: its contents, going to a paragraph by number, and the way back up.


def test_a_contents_entry_leads_to_its_paragraph(page, live_server, direct_line):
    url = live_server.url + direct_line.get_absolute_url()
    page.goto(url)
    contents = page.get_by_role("navigation", name="Contents", exact=True)
    summary = contents.locator("details.contents__list > summary")
    expect(summary).to_have_text("Contents: 20 turns of the other speakers")
    entry = contents.get_by_role("link", name=re.compile(r"^Caller 3: Question number 16 about the harvest"))
    paragraph = page.locator("#p49")
    # Closed at first: the entries wait behind the summary, the paragraph is far below.
    expect(entry).to_be_hidden()
    assert not fully_in_view(page, paragraph)

    summary.click()
    expect(contents.get_by_role("link")).to_have_count(20)
    expect(entry).to_be_visible()
    assert entry.get_attribute("href") == "#p49"
    entry.click()
    page.wait_for_url("**#p49")
    assert page.url == url + "#p49"
    assert scroll_y(page) > 0
    assert fully_in_view(page, paragraph)
    assert is_target(paragraph)
    expect(paragraph).to_contain_text("Question number 16 about the harvest and the roads.")


def test_go_to_paragraph_lands_on_that_paragraph(page, live_server, direct_line):
    url = live_server.url + direct_line.get_absolute_url()
    page.goto(url)
    paragraph = page.locator("#p37")
    assert not fully_in_view(page, paragraph)
    page.get_by_label("Go to paragraph", exact=True).fill("37")
    page.get_by_role("button", name="Go", exact=True).click()
    page.wait_for_url("**#p37")
    assert page.url == url + "#p37"
    assert fully_in_view(page, paragraph)
    assert is_target(paragraph)
    expect(paragraph).to_contain_text("Question number 12 about the harvest and the roads.")


def test_go_to_a_paragraph_beyond_the_end_says_so(page, live_server, direct_line):
    url = live_server.url + direct_line.get_absolute_url()
    page.goto(url)
    field = page.get_by_label("Go to paragraph", exact=True)
    field.fill("61")
    page.get_by_role("button", name="Go", exact=True).click()
    # The browser keeps the reader on the page: the field itself says the number is too high.
    assert page.url == url
    assert field.evaluate("(input) => input.validity.rangeOverflow") is True

    # A browser that does not check the field sends the number; the server answers with the reason, not a failure.
    page.locator("form.goto").evaluate("(form) => { form.noValidate = true; }")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Go", exact=True).click()
    assert navigation.value.status == 404
    assert page.url == url + "paragraph/?p=61"
    expect(page.get_by_role("alert")).to_have_text(
        "This address has no paragraph 61; its paragraphs are numbered 1 to 60."
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Go to a paragraph of “Direct Line”")

    # The page offers the same finder again, and a number in range leads to the paragraph.
    page.get_by_label("Go to paragraph", exact=True).fill("12")
    page.get_by_role("button", name="Go", exact=True).click()
    page.wait_for_url("**#p12")
    assert page.url == url + "#p12"
    assert fully_in_view(page, page.locator("#p12"))
    assert is_target(page.locator("#p12"))


def test_back_to_the_top_returns_to_the_start_of_the_page(page, live_server, direct_line):
    page.goto(live_server.url + direct_line.get_absolute_url() + "#p60")
    assert scroll_y(page) > 1000
    back = page.get_by_role("link", name="Back to the top", exact=True)
    expect(back).to_be_visible()
    back.click()
    page.wait_for_url("**#content")
    header = page.locator("header.site-header").bounding_box()
    # At the start of the page: at most the site's header is scrolled past, the address's title is in view.
    assert scroll_y(page) <= header["height"] + 1
    # The keyboard goes on from there too.
    assert page.evaluate("document.activeElement.id") == "content"
    assert fully_in_view(page, page.get_by_role("heading", level=1))
    assert fully_in_view(page, page.get_by_role("navigation", name="Contents", exact=True))


# The header on a small screen: the sections, tools and search box behind two buttons.


def header_parts(page):
    header = page.locator("header.site-header")
    return {
        "header": header,
        "menu": header.locator('button.header-toggle[aria-controls="site-menu"]'),
        "search": header.locator('button.header-toggle[aria-controls="site-search"]'),
        "link": header.locator("nav a", has_text="Venues"),
        "settings": header.locator("details.view-settings > summary"),
        "switch": header.locator("form.language-switch button"),
        "field": header.locator("#site-search-q"),
    }


@pytest.mark.parametrize("size", ["100", "200"])
def test_the_small_screen_header_leaves_the_screen_to_the_page(browser, live_server, archive, size):
    with new_context(browser, viewport=NARROW) as context:
        set_reading_cookie(context, live_server.url, size=size)
        page = context.new_page()
        page.goto(live_server.url + archive.get_absolute_url())
        assert page.locator("html").get_attribute("data-size") == size
        parts = header_parts(page)
        assert parts["header"].bounding_box()["height"] <= NARROW["height"] / 3
        expect(parts["menu"]).to_be_visible()
        expect(parts["search"]).to_be_visible()
        for hidden in ("link", "settings", "switch", "field"):
            expect(parts[hidden]).to_be_hidden()


def test_the_menu_button_shows_and_hides_the_sections(browser, live_server, archive):
    with new_context(browser, viewport=NARROW) as context:
        page = context.new_page()
        page.goto(live_server.url + archive.get_absolute_url())
        parts = header_parts(page)
        menu = parts["menu"]
        expect(menu).to_have_accessible_name("Menu")
        expect(menu).to_have_attribute("aria-expanded", "false")
        expect(parts["link"]).to_be_hidden()

        menu.click()
        expect(menu).to_have_attribute("aria-expanded", "true")
        for shown in ("link", "settings", "switch"):
            expect(parts[shown]).to_be_visible()
        # The search box is a separate choice; the menu leaves it closed.
        expect(parts["field"]).to_be_hidden()
        parts["link"].click()
        page.wait_for_url("**/venues/")

        parts = header_parts(page)
        parts["menu"].click()
        expect(parts["link"]).to_be_visible()
        parts["menu"].click()
        expect(parts["menu"]).to_have_attribute("aria-expanded", "false")
        expect(parts["link"]).to_be_hidden()


def test_the_search_button_opens_the_search_box_ready_to_type(browser, live_server, archive):
    with new_context(browser, viewport=NARROW) as context:
        page = context.new_page()
        page.goto(live_server.url + "/")
        parts = header_parts(page)
        button = parts["search"]
        expect(button).to_have_accessible_name("Search")
        expect(button).to_have_attribute("aria-expanded", "false")
        expect(parts["field"]).to_be_hidden()

        button.click()
        expect(button).to_have_attribute("aria-expanded", "true")
        expect(parts["field"]).to_be_visible()
        expect(parts["field"]).to_be_focused()
        expect(parts["link"]).to_be_hidden()
        page.keyboard.type("cooperation")
        page.keyboard.press("Enter")
        page.wait_for_url("**/search/?q=cooperation")
        expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_a_wide_screen_shows_the_whole_header_without_buttons(browser, live_server, archive):
    with new_context(browser, viewport=NARROW) as context:
        page = context.new_page()
        page.goto(live_server.url + archive.get_absolute_url())
        parts = header_parts(page)
        expect(parts["link"]).to_be_hidden()
        # Widened with both closed: everything comes into view and the buttons go.
        page.set_viewport_size(WIDE)
        for shown in ("link", "settings", "switch", "field"):
            expect(parts[shown]).to_be_visible()
        expect(parts["menu"]).to_be_hidden()
        expect(parts["search"]).to_be_hidden()

        page.goto(live_server.url + "/")
        parts = header_parts(page)
        for shown in ("link", "settings", "switch", "field"):
            expect(parts[shown]).to_be_visible()
        expect(parts["menu"]).to_be_hidden()
        expect(parts["search"]).to_be_hidden()


def test_without_javascript_the_small_screen_header_shows_everything(browser, live_server, archive):
    with new_context(browser, viewport=NARROW, java_script_enabled=False) as context:
        page = context.new_page()
        page.goto(live_server.url + archive.get_absolute_url())
        parts = header_parts(page)
        for shown in ("link", "settings", "switch", "field"):
            expect(parts[shown]).to_be_visible()
        # Buttons that could do nothing are not offered.
        expect(parts["menu"]).to_be_hidden()
        expect(parts["search"]).to_be_hidden()


@pytest.mark.parametrize("size", ["100", "200"])
def test_the_header_takes_at_most_half_the_screen_at_200_percent_browser_zoom(browser, live_server, archive, size):
    # A window of 1280 by 800 at 200% zoom gives the page 640 by 400 CSS pixels, each two device pixels wide.
    with new_context(browser, viewport={"width": 640, "height": 400}, device_scale_factor=2) as context:
        set_reading_cookie(context, live_server.url, size=size)
        page = context.new_page()
        page.goto(live_server.url + archive.get_absolute_url())
        assert page.evaluate("window.devicePixelRatio") == 2
        parts = header_parts(page)
        expect(parts["menu"]).to_be_visible()
        assert parts["header"].bounding_box()["height"] <= 400 / 2


# The view settings panel lies over the page.


@pytest.mark.parametrize("viewport", [WIDE, NARROW], ids=["wide", "narrow"])
def test_opening_the_view_settings_moves_nothing_on_the_page(browser, live_server, archive, viewport):
    with new_context(browser, viewport=viewport) as context:
        page = context.new_page()
        page.goto(live_server.url + archive.get_absolute_url())
        parts = header_parts(page)
        if parts["menu"].is_visible():
            parts["menu"].click()
        main = page.locator("main")
        link = page.locator("header.site-header nav a").first
        panel = page.locator("details.view-settings > .reading-form")
        before = (main.bounding_box(), link.bounding_box(), page.locator("header.site-header").bounding_box())
        expect(panel).to_be_hidden()

        parts["settings"].click()
        expect(panel).to_be_visible()
        assert panel.evaluate("(form) => getComputedStyle(form).position") == "absolute"
        assert (main.bounding_box(), link.bounding_box(), page.locator("header.site-header").bounding_box()) == before
        # It lies on top of the page: what shows at its middle is the panel itself.
        assert panel.evaluate(
            "(form) => { const r = form.getBoundingClientRect();"
            " const y = r.top + Math.min(r.height, 200) / 2;"
            " return form.contains(document.elementFromPoint(r.left + r.width / 2, y)); }"
        )
        expect(panel.get_by_label("200%")).to_be_visible()

        parts["settings"].click()
        expect(panel).to_be_hidden()
        assert page.locator("details.view-settings").get_attribute("open") is None
        assert (main.bounding_box(), link.bounding_box()) == before[:2]


# The Russian interface.


def interface_language(page):
    return page.locator("html").get_attribute("lang")


def test_a_russian_address_is_shown_with_a_russian_interface(page, live_server, archive, russian_long):
    response = page.goto(live_server.url + russian_long.get_absolute_url())
    assert interface_language(page) == "ru"
    assert response.headers["content-language"] == "ru"
    assert page.locator(".transcript").get_attribute("lang") == "ru"
    expect(page.locator(".speech__meta time")).to_have_text("25 апреля 2025")
    switch = page.locator("form.language-switch button")
    expect(switch).to_have_text("English")
    assert switch.get_attribute("lang") == "en"

    page.goto(live_server.url + archive.get_absolute_url())
    assert interface_language(page) == "en"
    expect(page.locator(".speech__meta dt").first).to_have_text("Date")
    expect(page.locator(".speech__meta time")).to_have_text("28 June 2023")
    expect(switch).to_have_text("Русский")
    assert switch.get_attribute("lang") == "ru"
    page.goto(live_server.url + "/")
    assert interface_language(page) == "en"

    # The words of the interface, in Russian.
    page.goto(live_server.url + russian_long.get_absolute_url())
    expect(page.locator(".speech__meta dt").first).to_have_text("Дата")
    expect(page.locator(".speech__meta dt").first).to_be_visible()
    expect(page.locator(".site-name")).to_have_text("Архив выступлений")
    expect(page.locator("details.view-settings > summary")).to_have_text("Настройки вида")
    expect(page.locator(".header-toggle[aria-controls='site-menu']")).to_have_text("Меню")
    expect(page.locator("nav.contents")).to_have_attribute("aria-label", "Содержание")
    expect(page.get_by_label("Перейти к абзацу", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Наверх", exact=True)).to_be_visible()
    page.locator("details.view-settings > summary").click()
    expect(page.locator("fieldset[data-setting='size'] legend")).to_have_text("Размер шрифта")


def test_go_to_paragraph_on_a_russian_address_stays_in_russian(page, live_server, russian_long):
    url = live_server.url + russian_long.get_absolute_url()
    page.goto(url)
    page.locator("#goto-p").fill("33")
    page.locator("form.goto button").click()
    page.wait_for_url("**#p33")
    assert page.url == url + "#p33"
    assert fully_in_view(page, page.locator("#p33"))
    assert interface_language(page) == "ru"
    response = page.goto(url + "paragraph/?p=46")
    assert response.status == 404
    assert interface_language(page) == "ru"
    expect(page.get_by_role("alert")).to_contain_text("46")


def test_the_language_switch_keeps_the_page_and_the_choice(browser_context, page, live_server, archive):
    url = live_server.url + archive.get_absolute_url() + "?q=cooperation"
    page.goto(url)
    assert interface_language(page) == "en"
    with page.expect_navigation():
        page.locator("form.language-switch").get_by_role("button", name="Русский", exact=True).click()
    assert page.url == url
    assert interface_language(page) == "ru"
    assert page.locator("html").get_attribute("data-language") == "ru"
    expect(page.locator(".speech__meta time")).to_have_text("28 июня 2023")
    expect(page.locator("form.language-switch button")).to_have_text("English")
    cookies = {cookie["name"]: cookie["value"] for cookie in browser_context.cookies()}
    assert cookies[reading.COOKIE_NAME] == "language:ru"

    # The choice is kept: the home page speaks Russian too.
    page.goto(live_server.url + "/")
    assert interface_language(page) == "ru"

    # Back to English from the view settings: the page comes again, in English.
    page.evaluate("window.sameDocument = true")
    page.locator("details.view-settings > summary").click()
    group = page.locator("details.view-settings fieldset[data-setting='language']")
    assert group.get_by_label("Русский", exact=True).is_checked()
    with page.expect_navigation():
        group.get_by_label("English", exact=True).check()
    assert page.evaluate("window.sameDocument") is None
    assert page.url == live_server.url + "/"
    assert interface_language(page) == "en"
    assert page.locator("html").get_attribute("data-language") == "en"
    assert page.evaluate("document.cookie") == "reading=language:en"
    page.locator("details.view-settings > summary").click()
    assert group.get_by_label("English", exact=True).is_checked()

    # English was chosen, so even a Russian address keeps the interface in English; its text stays Russian.
    russian = archive.translation
    page.goto(live_server.url + russian.get_absolute_url())
    assert interface_language(page) == "en"
    assert page.locator(".transcript").get_attribute("lang") == "ru"
    expect(page.locator(".speech__meta time")).to_have_text("28 June 2023")

    # "The language of the address" gives the choice back to each page.
    page.locator("details.view-settings > summary").click()
    with page.expect_navigation():
        group.locator("input[value='auto']").check()
    assert interface_language(page) == "ru"
    assert page.evaluate("document.cookie") == ""


def test_the_language_switch_works_without_javascript(browser, live_server, archive):
    with new_context(browser, java_script_enabled=False) as context:
        page = context.new_page()
        url = live_server.url + "/speakers/vladimir-putin/"
        page.goto(url)
        assert interface_language(page) == "en"
        page.get_by_role("button", name="Русский", exact=True).click()
        page.wait_for_load_state()
        assert page.url == url
        assert interface_language(page) == "ru"
        page.get_by_role("button", name="English", exact=True).click()
        page.wait_for_load_state()
        assert page.url == url
        assert interface_language(page) == "en"


# The new states of the pages, scanned by axe in every colour scheme, in normal and in the largest text.


@pytest.mark.parametrize("colours", reading.BY_NAME["colours"].values)
def test_the_new_page_states_have_no_axe_violations(browser, live_server, direct_line, russian_long, colours):
    with new_context(browser, viewport={"width": 1024, "height": 800}) as context:
        page = context.new_page()
        for size in ("100", "200"):
            set_reading_cookie(context, live_server.url, colours=colours, size=size)
            where = f"in {colours} at {size}%"

            page.set_viewport_size({"width": 1024, "height": 800})
            # From another document, so that the address with its fragment is loaded afresh in these settings.
            page.goto("about:blank")
            page.goto(live_server.url + direct_line.get_absolute_url() + "#p49")
            assert page.locator("html").get_attribute("data-colours") == colours
            assert page.locator("html").get_attribute("data-size") == size
            page.locator("details.contents__list > summary").click()
            expect(page.locator("details.contents__list ol")).to_be_visible()
            assert_no_axe_violations(page, f"long transcript with its contents open {where}")

            page.goto(live_server.url + direct_line.get_absolute_url() + "paragraph/?p=61")
            expect(page.get_by_role("alert")).not_to_be_empty()
            assert_no_axe_violations(page, f"paragraph beyond the end {where}")

            page.goto(live_server.url + russian_long.get_absolute_url())
            assert interface_language(page) == "ru"
            _open_disclosures(page)
            assert_no_axe_violations(page, f"Russian address {where}")

            page.goto(live_server.url + direct_line.get_absolute_url())
            page.locator("details.view-settings > summary").click()
            expect(page.locator("details.view-settings > .reading-form")).to_be_visible()
            assert_no_axe_violations(page, f"view settings open over the page {where}")

            page.set_viewport_size(NARROW)
            page.goto(live_server.url + direct_line.get_absolute_url())
            parts = header_parts(page)
            parts["menu"].click()
            parts["search"].click()
            expect(parts["link"]).to_be_visible()
            expect(parts["field"]).to_be_visible()
            assert_no_axe_violations(page, f"small screen header with menu and search open {where}")
