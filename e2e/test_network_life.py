"""Network life in a real browser, one persona at a time: the member fills the scan from the
overview, the coordinator decides a case request from the overview and reads its notice, and a
newcomer opens a welcome-pack link on a phone."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from e2e.conftest import App, assert_accessible, log_in, new_phone_page

STUDY = "Netwerkleven onderzocht"


def test_the_member_fills_the_scan_from_the_overview_in_two_clicks(app: App, page: Page) -> None:
    log_in(page, app, "member@verbindend.demo")
    task = page.locator(".task[data-kind=scan]").first
    expect(task).to_be_visible()
    expect(page.get_by_role("link", name="New network")).to_have_count(0)  # members read only
    expect(page.get_by_role("link", name="New study")).to_have_count(0)
    assert_accessible(page, context="member's overview")

    task.get_by_role("link", name="Fill in the scan").click()  # click 1
    page.wait_for_url(re.compile(r"/scan/r/i/[^/]+/$"))
    page.locator("form.stacked button[type=submit]").click()  # click 2: start
    page.wait_for_url("**/1/")
    expect(page.locator("fieldset.item").first).to_be_visible()

    for _ in range(8):  # then answer every page and finish
        if "/done/" in page.url:
            break
        for fieldset in page.locator("fieldset.item").all():
            fieldset.locator('input[value="4"]').check()
        page.locator("form.scan-page button[type=submit]:not([name=back])").click()
        page.wait_for_load_state()
    page.wait_for_url("**/done/")
    page.locator(".respond form button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("Thank you")

    page.goto(app.base_url + "/overview/")  # done: the task has left the overview
    titles = page.locator(".task[data-kind=scan] strong").all_inner_texts()
    assert not any("najaar" in t for t in titles), titles


def test_the_coordinator_decides_a_case_request_from_the_overview_and_gets_its_notice(
    app: App, browser: Browser, page: Page
) -> None:
    # a researcher starts a study and proposes the demo network as a case
    log_in(page, app, "researcher@verbindend.demo")
    page.goto(app.base_url + "/studies/new/")
    page.fill("input[name=name]", STUDY)
    page.get_by_role("button", name="Save").click()
    expect(page.locator("h1")).to_have_text(STUDY)
    page.fill("input[name=network]", "werkwinkel-gent")
    page.locator("button[name=propose]").click()
    page.context.clear_cookies()

    log_in(page, app, "coordinator@verbindend.demo")
    unread = page.get_by_test_id("unread-count")
    expect(unread).to_be_visible()
    before = int(unread.inner_text())
    task = page.locator(".task[data-kind=case]", has_text=STUDY)
    expect(task).to_be_visible()
    assert_accessible(page, context="coordinator's overview")
    task.get_by_role("button", name="Agree to take part").click()
    page.wait_for_url("**/overview/")
    expect(page.locator(".message")).to_contain_text("now takes part")
    expect(page.locator(".task[data-kind=case]", has_text=STUDY)).to_have_count(0)

    page.get_by_test_id("notices-link").click()
    notice = page.locator(".notice.unread", has_text=STUDY)
    expect(notice).to_be_visible()
    assert_accessible(page, context="inbox")
    notice.get_by_role("button", name="Open").click()
    page.wait_for_url("**/overview/")
    expect(page.get_by_test_id("unread-count")).to_have_text(str(before - 1))
    page.context.clear_cookies()

    # the researcher hears of the decision
    log_in(page, app, "researcher@verbindend.demo")
    page.get_by_test_id("notices-link").click()
    expect(page.locator(".notice", has_text=STUDY)).to_contain_text("agreed")


def test_a_newcomer_opens_the_welcome_pack_link_on_a_phone(app: App, browser: Browser) -> None:
    phone = new_phone_page(browser)
    phone.goto(app.base_url + "/networks/w/demo-welkom-werkwinkel/")
    expect(phone.locator("html")).to_have_attribute("lang", "nl")
    expect(phone.locator("h1")).to_have_text("Welkom bij Werkwinkel Gent")
    for key in ("profile", "learning_goals", "historyline", "milestones", "roles"):
        expect(phone.get_by_test_id(f"welcome-{key}")).to_be_visible()
    expect(phone.get_by_test_id("welcome-roles")).to_contain_text("Voorzitter")
    carriers = phone.get_by_test_id("welcome-knowledge_carriers").locator("svg").first
    carriers.scroll_into_view_if_needed()
    box = carriers.bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 100
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page is {width}px wide on a 360px phone"
    sizes = phone.evaluate(
        "[...document.querySelectorAll('main p, main li, main td')]"
        ".map(e => parseFloat(getComputedStyle(e).fontSize))"
    )
    assert min(sizes) >= 12, min(sizes)
    assert_accessible(phone, context="welcome pack on a phone")
    pdf = phone.request.get(app.base_url + "/networks/w/demo-welkom-werkwinkel/pdf/")
    assert pdf.ok and pdf.body()[:4] == b"%PDF"
    expired = phone.request.get(app.base_url + "/networks/w/not-a-real-link/")
    assert expired.status == 404
    phone.context.close()
