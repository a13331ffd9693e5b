"""The research tools in a real browser: from a point of the trends chart to its lines, from a line to its paragraph."""

from tests.browser import browser_test

pytestmark = browser_test


def test_a_point_of_the_trends_chart_opens_the_concordance_of_its_period(page, live_server, archive):
    page.goto(live_server.url + "/trends/?q=cooperation")
    rows = page.locator(".trends-table tbody tr")
    assert rows.count() == 1  # the archive's addresses are all of one year
    assert rows.first.locator("th").text_content() == "2023"
    counted = int(rows.first.locator("td").nth(1).text_content().split()[0])

    page.locator(".trends-chart a").first.click()

    page.wait_for_url("**/concordance/?q=cooperation&date_from=2023-01-01&date_to=2023-12-31")
    assert page.locator(".search-total").text_content().startswith(f"{counted} occurrences")
    assert page.locator(".concordance tbody tr").count() == min(counted, 50)


def test_the_concordance_keeps_the_order_chosen_and_each_line_leads_to_its_paragraph(page, live_server, archive):
    page.goto(live_server.url + "/concordance/?q=cooperation")
    page.get_by_label("Order").select_option(label="By the words right of the keyword")
    page.get_by_role("button", name="Show the lines").click()

    page.wait_for_url("**/concordance/?q=cooperation&order=right*")
    keywords = page.locator(".concordance tbody .concordance__keyword").all_text_contents()
    assert set(keywords) == {"cooperation"}
    assert page.get_by_label("Order").input_value() == "right"
    # Each line leads to its paragraph, and the paragraph holds the keyword.
    page.locator(".concordance__where a").first.click()
    assert "#p" in page.url
    anchor = page.url.rsplit("#", 1)[1]
    assert "cooperation" in page.locator(f"#{anchor}").text_content()
