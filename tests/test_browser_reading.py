"""The reading experience in a real browser: settings, paragraph aids, print and small screens."""

import pytest
from playwright.sync_api import expect

from tests.browser import OVERFLOW_REPORT, TEXT_SPACING_CSS, browser_test, html_settings, set_reading_cookie

pytestmark = browser_test


def test_settings_apply_at_once_and_persist_across_navigation_and_reload(page, live_server, archive):
    page.goto(live_server.url + archive.get_absolute_url())
    page.evaluate("window.unchanged = true")
    page.get_by_text("View settings").click()
    page.get_by_label("200%").check()
    page.get_by_label("White on black").check()
    page.get_by_label("Widest").check()

    # Applied without a reload: the page's own state survives, the look has changed.
    assert page.evaluate("window.unchanged") is True
    assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "32px"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(0, 0, 0)"
    assert page.get_by_role("status").first.text_content() == "Saved."

    page.get_by_role("link", name="Vladimir Putin", exact=True).first.click()
    page.wait_for_url("**/speakers/vladimir-putin/")
    assert html_settings(page) | {} == {
        "size": "200",
        "colours": "white-black",
        "spacing": "widest",
        "line": "normal",
        "font": "mixed",
        "images": "on",
        "language": "auto",
    }
    page.reload()
    assert html_settings(page)["colours"] == "white-black"
    # The server rendered them: the first byte of the page already carries the settings.
    response = page.request.get(live_server.url + "/")
    assert 'data-size="200" data-colours="white-black" data-spacing="widest"' in response.text()

    page.get_by_text("View settings").click()
    page.get_by_role("button", name="Reset to defaults").click()
    assert html_settings(page)["size"] == "100"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
    page.reload()
    assert html_settings(page)["colours"] == "default"


def test_settings_panel_is_operable_by_keyboard(page, live_server, archive):
    page.goto(live_server.url + "/")
    summary = page.locator("summary", has_text="View settings")
    summary.focus()
    page.keyboard.press("Enter")
    assert page.locator("details.view-settings").get_attribute("open") == ""
    page.get_by_label("100%").focus()
    page.keyboard.press("ArrowRight")
    assert html_settings(page)["size"] == "125"


def test_settings_work_with_javascript_off(browser, live_server, archive):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        url = live_server.url + archive.get_absolute_url() + "?from=test"
        page.goto(url)
        page.get_by_text("View settings").click()
        page.get_by_label("Dark blue on light blue").check()
        page.get_by_label("175%").check()
        page.get_by_label("Sans-serif throughout").check()
        page.get_by_role("button", name="Apply").click()
        page.wait_for_load_state()
        # Back on the same page, rendered by the server in the new settings.
        assert page.url == url
        assert html_settings(page)["colours"] == "blue"
        assert page.locator("html").get_attribute("data-size") == "175"
        assert page.locator("html").get_attribute("data-font") == "sans"
        page.get_by_text("View settings").click()
        assert page.get_by_label("Dark blue on light blue").is_checked()
        # Without a script there is nothing to copy a link with; the anchors are still there.
        assert page.get_by_role("button", name="Copy link to paragraph 3", exact=True).count() == 0
        assert page.get_by_role("link", name="Link to paragraph 3", exact=True).count() == 1

        page.get_by_role("button", name="Reset to defaults").click()
        page.wait_for_load_state()
        assert page.url == url
        assert page.locator("html").get_attribute("data-colours") == "default"
    finally:
        context.close()


def test_invalid_cookie_values_are_ignored(browser_context, page, live_server, archive):
    browser_context.add_cookies(
        [{"name": "reading", "value": "size:9000|colours:purple|font:sans", "url": live_server.url}]
    )
    response = page.goto(live_server.url + archive.get_absolute_url())
    assert response.status == 200
    assert html_settings(page)["size"] == "100"
    assert html_settings(page)["colours"] == "default"
    assert html_settings(page)["font"] == "sans"


def test_paragraph_anchor_scrolls_to_and_marks_the_paragraph(page, live_server, archive):
    page.goto(live_server.url + archive.get_absolute_url() + "#p45")
    paragraph = page.locator("#p45")
    box = paragraph.bounding_box()
    assert -2 <= box["y"] < 800
    assert page.locator("#p5").bounding_box()["y"] < 0
    assert paragraph.evaluate("(p) => p.matches(':target')")
    assert paragraph.evaluate("(p) => getComputedStyle(p).borderLeftWidth") == "4px"
    assert page.locator("#p44").evaluate("(p) => getComputedStyle(p).borderLeftWidth") == "0px"
    # Its tools show; those of other paragraphs stay out of the way until reached.
    assert page.get_by_role("button", name="Copy link to paragraph 45").is_visible()
    assert page.get_by_role("link", name="Cite paragraph 45").is_visible()
    assert not page.get_by_role("button", name="Copy link to paragraph 44").is_visible()

    page.get_by_role("link", name="Link to paragraph 12", exact=True).click()
    assert page.url.endswith("#p12")
    assert page.locator("#p12").evaluate("(p) => p.matches(':target')")


def test_copy_link_puts_the_paragraph_address_on_the_clipboard(browser, live_server, archive):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    try:
        page = context.new_page()
        page.goto(live_server.url + archive.get_absolute_url())
        page.get_by_role("link", name="Link to paragraph 3", exact=True).focus()
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Copy link to paragraph 3"
        page.keyboard.press("Enter")
        # The focused button says so (the state is awaited, not read once: the label resets after a while).
        # Awaited through Playwright's own locators: the page's policy forbids evaluating strings as script.
        expect(page.locator(":focus")).to_have_text("Link copied")
        expect(page.locator(":focus")).to_have_text("Copy link", timeout=15_000)
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied == live_server.url + archive.get_absolute_url() + "#p3"

        page.get_by_role("link", name="Cite paragraph 3", exact=True).click()
        page.wait_for_url("**/cite/?p=3")
        assert page.get_by_role("heading", level=1).text_content().startswith("Cite paragraph 3 of")
    finally:
        context.close()


def test_print_shows_the_text_and_its_details_without_navigation_or_controls(page, live_server, archive):
    page.goto(live_server.url + archive.get_absolute_url())
    page.emulate_media(media="print")
    for hidden in [".site-header", ".site-footer", ".breadcrumbs", ".period-nav", ".view-settings", ".cite", "nav"]:
        assert not page.locator(hidden).first.is_visible(), hidden
    assert page.get_by_role("heading", level=1).is_visible()
    assert page.locator(".speech__meta time").text_content() == "28 June 2023"
    assert page.locator(".speech__meta time").is_visible()
    assert page.get_by_role("link", name="Ufa, Republic of Bashkortostan").is_visible()
    assert page.locator(".speech__meta").get_by_role("link", name="Fyodor Lukyanov").is_visible()
    assert page.locator(".speech__meta").get_by_role("link", name="Vladimir Putin").first.is_visible()
    # What the address is filed under is part of its details on paper too.
    assert page.locator(".speech__meta").get_by_role("link", name="Regions").is_visible()
    assert page.locator("#p60").is_visible()
    address = page.get_by_text("Permanent address: " + live_server.url + archive.get_absolute_url(), exact=True)
    assert address.is_visible()
    assert page.evaluate("getComputedStyle(document.body).color") == "rgb(0, 0, 0)"
    page.emulate_media(media="screen")
    assert not address.is_visible()
    assert page.locator(".site-header").is_visible()


PAGES_320 = [
    "/",
    "/speeches/2023/06/",
    "{speech}",
    "{speech}side-by-side/",
    "{speech}cite/?p=3",
    "/settings/",
    "/search/?q=year",
    "/search/?q=year&speaker=Ivan",
]


ADOPT_STYLE_SHEET = """(css) => {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(css);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}"""


@pytest.mark.parametrize("spacing", ["normal", "widest"])
def test_pages_reflow_at_320_pixels_in_the_largest_text(browser, live_server, archive, spacing):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    try:
        set_reading_cookie(context, live_server.url, size="200", spacing=spacing, line="loosest")
        page = context.new_page()
        for path in PAGES_320:
            page.goto(live_server.url + path.format(speech=archive.get_absolute_url()))
            page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
            for extra_css in ["", TEXT_SPACING_CSS]:
                if extra_css:
                    # As a reader's style sheet would: through the style sheet interface, which the page's policy
                    # leaves to the reader, not as an inline <style> element, which it refuses.
                    page.evaluate(ADOPT_STYLE_SHEET, extra_css)
                report = page.evaluate(OVERFLOW_REPORT)
                assert report["scrollWidth"] <= report["clientWidth"], (path, extra_css, report)
                assert report["wide"] == [], (path, extra_css, report)
                assert report["clipped"] == [], (path, extra_css, report)
    finally:
        context.close()


def test_side_by_side_stacks_on_a_narrow_screen(browser, live_server, archive):
    context = browser.new_context(viewport={"width": 360, "height": 640})
    try:
        page = context.new_page()
        page.goto(live_server.url + archive.get_absolute_url() + "side-by-side/")
        english = page.locator('#p1 [lang="en"]').bounding_box()
        russian = page.locator('#p1 [lang="ru"]').bounding_box()
        assert russian["y"] >= english["y"] + english["height"] - 1
        page.set_viewport_size({"width": 1200, "height": 800})
        english = page.locator('#p1 [lang="en"]').bounding_box()
        russian = page.locator('#p1 [lang="ru"]').bounding_box()
        assert russian["y"] == english["y"]
        assert russian["x"] > english["x"] + english["width"]
    finally:
        context.close()


def test_each_setting_changes_what_the_reader_sees(page, live_server, archive):
    page.goto(live_server.url + archive.get_absolute_url())
    photo = (
        '<img id="photo" alt="A photograph" width="40" height="40" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
    )
    page.evaluate("(html) => document.querySelector('main').insertAdjacentHTML('afterbegin', html)", photo)
    paragraph = page.locator("#p2")

    def look():
        return paragraph.evaluate(
            "(p) => { const s = getComputedStyle(p);"
            " return [s.fontSize, s.letterSpacing, s.lineHeight, s.fontFamily]; }"
        )

    size, spacing, line, family = look()
    assert (size, spacing, line) == ("18px", "normal", "28.8px")
    assert family.startswith("Georgia")
    assert page.locator("#photo").is_visible()

    page.get_by_text("View settings").click()
    page.get_by_label("150%").check()
    page.get_by_label("Widest").check()
    page.get_by_label("Loosest").check()
    page.get_by_label("Sans-serif throughout").check()
    page.get_by_label("Hide").check()
    size, spacing, line, family = look()
    assert size == "27px"
    assert spacing == "3.24px"  # 0.12em
    assert line == "59.4px"  # 2.2
    assert family.startswith("system-ui")
    assert not page.locator("#photo").is_visible()
    assert page.evaluate("document.cookie") == "reading=size:150|spacing:widest|line:loosest|font:sans|images:off"
