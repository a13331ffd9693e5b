"""axe-core scans of every page type in every colour scheme, in normal and in the largest text."""

import pytest

from speeches import reading
from tests.browser import MISSING, browser_test, set_reading_cookie, watch_policy

pytestmark = browser_test

if MISSING is None:
    from axe_playwright_python.sync_playwright import Axe

    AXE = Axe()

# WCAG 2.2 A and AA, and axe's best practices (landmarks, heading order, one main region).
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
}


PAGES = [
    ("home", "/"),
    ("year archive", "/speeches/2023/"),
    ("month archive", "/speeches/2023/06/"),
    ("speech", "{speech}"),
    ("speech side by side", "{speech}side-by-side/"),
    ("paragraph citation", "{speech}cite/?p=3"),
    ("speaker", "/speakers/vladimir-putin/"),
    ("venue", "/venues/ufa-republic-of-bashkortostan/"),
    ("view settings", "/settings/"),
    ("about", "/about/"),
    ("speakers", "/speakers/"),
    ("venues by number of addresses", "/venues/?sort=addresses"),
    ("topics", "/topics/"),
    ("countries and regions by number of addresses", "/places/?sort=addresses"),
    ("topic", "/topics/regions/"),
    ("place", "/places/belarus/"),
    ("place with a bad date", "/places/belarus/?date_from=2023-13-01"),
    ("addresses filed under a person", "/speakers/vladimir-putin/?addresses=filed"),
    ("search within a topic", "/search/?q=cooperation&topic=regions"),
    ("not found", "/no/such/page/"),
    ("search results", "/search/?q=cooperation"),
    ("search for an unknown speaker", "/search/?q=cooperation&speaker=Puti"),
    ("speech with search highlights", "{speech}?q=cooperation"),
    ("speech versions", "{speech}versions/"),
    ("withdrawn address", "/speeches/2023/06/12/withdrawn/"),
    ("concordance", "/concordance/?q=cooperation"),
    ("concordance refused", "/concordance/?q=cooperation&order=sideways"),
    ("trends", "/trends/?q=cooperation&q=Putin&by=month"),
    ("who says it most", "/who-says/?q=cooperation"),
    ("quote finder", "/quote/?quote=cooperation+between+our+countries"),
]


def assert_no_axe_violations(page, label):
    results = AXE.run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, f"{label}: {results.generate_report()}"


def _open_disclosures(page):
    # Scan what a reader sees with every panel open: the view settings and the citations too.
    page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")


@pytest.mark.parametrize("colours", reading.BY_NAME["colours"].values)
def test_every_page_has_no_axe_violations_in_each_colour_scheme(browser, live_server, archive, colours):
    context = browser.new_context(viewport={"width": 1024, "height": 800})
    blocked = watch_policy(context)
    try:
        page = context.new_page()
        for size in ("100", "200"):
            set_reading_cookie(context, live_server.url, colours=colours, size=size)
            for label, path in PAGES:
                page.goto(live_server.url + path.format(speech=archive.get_absolute_url()))
                assert page.locator("html").get_attribute("data-colours") == colours
                assert page.locator("html").get_attribute("data-size") == size
                _open_disclosures(page)
                assert_no_axe_violations(page, f"{label} ({path}) in {colours} at {size}%")
    finally:
        context.close()
    assert blocked == [], f"the Content-Security-Policy blocked: {blocked}"


def test_the_paragraph_tools_and_marked_paragraph_have_no_axe_violations(page, live_server, archive):
    page.goto(live_server.url + archive.get_absolute_url() + "#p3")
    page.get_by_role("link", name="Link to paragraph 4", exact=True).focus()
    assert page.get_by_role("button", name="Copy link to paragraph 3", exact=True).is_visible()
    assert_no_axe_violations(page, "speech with a marked paragraph")


def test_the_scan_reports_a_real_violation(page):
    page.set_content(
        '<!doctype html><html lang="en"><head><title>Broken</title></head><body><main>'
        '<h1>A page with faults</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
        '<p style="color: #aaaaaa; background: #ffffff">Pale grey text on white.</p>'
        "</main></body></html>"
    )
    with pytest.raises(AssertionError) as failure:
        assert_no_axe_violations(page, "broken page")
    report = str(failure.value)
    assert report.startswith("broken page: Found 2 accessibility violations")
    assert "image-alt" in report
    assert "color-contrast" in report
