"""Reports in a real browser: ask for one, see it ready, read the page, download the PDF."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from e2e.conftest import App, assert_accessible, log_in


def test_make_read_and_download_a_network_report(app: App, page: Page) -> None:
    log_in(page, app, "coordinator@verbindend.demo")
    page.goto(app.base_url + "/reports/network/werkwinkel-gent/")
    assert_accessible(page, context="reports page")
    boxes = page.locator('input[name="sections"]')
    assert boxes.count() >= 4
    for i in range(boxes.count()):
        expect(boxes.nth(i)).to_be_checked()
    page.locator('input[name="language"][value="en"]').check()
    page.get_by_role("button", name="Make the report").click()
    page.wait_for_url("**/reports/network/werkwinkel-gent/*/")
    expect(page.locator("#report-progress")).to_have_attribute("data-status", "done")
    assert_accessible(page, context="report version page")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the PDF").click()
    assert download.value.suggested_filename.endswith("-en.pdf")

    # the stored page, under its own strict policy: the embedded stylesheet applies (no CSP
    # error in the console, which the page fixture checks) and the charts are drawn inline
    page.get_by_role("link", name="Read it here (HTML)").click()
    expect(page.locator("h1")).to_contain_text("Werkwinkel Gent")
    expect(page.locator("section#section-scan svg").first).to_be_visible()
    colour = page.locator("section#section-profile h2").evaluate("el => getComputedStyle(el).color")
    assert colour == "rgb(29, 78, 95)"
    assert_accessible(page, context="the report as a web page")
