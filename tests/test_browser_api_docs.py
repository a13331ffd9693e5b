"""The API's documentation page in a real browser, under the archive's Content-Security-Policy."""

from tests.browser import browser_test
from tests.test_api import API_ADDRESSES

pytestmark = browser_test


def test_the_documentation_page_lists_every_address_of_the_api(page, live_server, transactional_db):
    page.goto(live_server.url + "/api/docs/")
    paths = page.locator(".opblock-summary-path")
    paths.first.wait_for()
    assert sorted(paths.all_inner_texts()) == sorted(API_ADDRESSES)
    # The browser_context fixture fails the test if the Content-Security-Policy blocked anything the page tried.
