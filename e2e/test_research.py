"""The research team's shared ground in a real browser: the committee comments on a report
draft and the researcher resolves it; glossary and literature at phone and desktop width."""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from e2e.conftest import App, assert_accessible, log_in, new_phone_page

STUDY = "/studies/verbindend-leren-gent/"
SHOTS = Path(os.environ.get("SCREENSHOTS", "")) if os.environ.get("SCREENSHOTS") else None


def shot(page: Page, name: str) -> None:
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_the_committee_comments_on_a_report_draft_and_the_researcher_resolves_it(
    app: App, page: Page, browser: Browser
) -> None:
    # the researcher makes a study report draft
    log_in(page, app, "researcher@verbindend.demo")
    page.goto(app.base_url + "/reports/study/verbindend-leren-gent/")
    page.get_by_role("button", name="Make the report").click()
    page.wait_for_url("**/reports/study/verbindend-leren-gent/*/")
    expect(page.locator("#report-progress")).to_have_attribute("data-status", "done")
    draft = page.url
    page.context.clear_cookies()

    # a member of the guidance committee reads it and comments
    log_in(page, app, "committee@verbindend.demo")
    page.goto(draft)
    page.get_by_role("link", name="Comments on this draft").click()
    expect(page.locator("h1")).to_contain_text("Report draft")
    page.locator("#id_text").fill("De literatuurlijst mist Provan & Kenis.")
    page.get_by_role("button", name="Post the comment").click()
    thread = page.locator("article.thread", has_text="mist Provan & Kenis")
    expect(thread).to_contain_text("Open")
    expect(thread.get_by_role("button", name="Resolve")).to_have_count(0)  # not for the committee
    assert_accessible(page, context="comments on a report draft")
    shot(page, "comments-desktop")
    page.context.clear_cookies()

    # the researcher sees it on the study's overview, answers and resolves it
    log_in(page, app, "researcher@verbindend.demo")
    page.goto(app.base_url + STUDY)
    panel = page.locator("section.overview-panel")
    expect(panel).to_contain_text("mist Provan & Kenis")
    panel.get_by_role("link", name="Report draft", exact=False).first.click()
    thread = page.locator("article.thread", has_text="mist Provan & Kenis")
    thread.get_by_label("Reply").fill("Toegevoegd in versie 2.")
    thread.get_by_role("button", name="Reply").click()
    thread = page.locator("article.thread", has_text="mist Provan & Kenis")
    expect(thread).to_contain_text("Toegevoegd in versie 2.")
    thread.get_by_role("button", name="Resolve").click()
    thread = page.locator("article.thread", has_text="mist Provan & Kenis")
    expect(thread).to_contain_text("Resolved")
    expect(thread).to_contain_text("Rik Onderzoeker")
    page.goto(app.base_url + STUDY)
    expect(page.locator("section.overview-panel")).not_to_contain_text("mist Provan & Kenis")

    phone = new_phone_page(browser)
    log_in(phone, app, "committee@verbindend.demo")
    phone.goto(draft)
    phone.get_by_role("link", name="Reacties op dit ontwerp").click()
    thread = phone.locator("article.thread", has_text="mist Provan & Kenis")
    expect(thread).to_contain_text("Opgelost")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the comments page is {width}px wide on a phone"
    shot(phone, "comments-phone")
    phone.context.close()


def test_glossary_and_literature_read_well_on_a_phone_and_a_desktop(
    app: App, page: Page, browser: Browser
) -> None:
    log_in(page, app, "researcher@verbindend.demo")
    page.goto(app.base_url + "/research/verbindend-leren-gent/glossary/")
    expect(page.locator("dl.glossary dt").first).to_be_visible()
    expect(page.locator("dl.glossary")).to_contain_text("from the method")
    assert_accessible(page, context="glossary")
    shot(page, "glossary-desktop")
    page.locator("dl.glossary dt a", has_text="verankerd in het netwerk").first.click()
    expect(page.locator("ol.history li")).to_have_count(2)
    expect(page.locator("ol.history")).to_contain_text("Bea Begeleiding")
    shot(page, "term-desktop")
    page.goto(app.base_url + "/research/verbindend-leren-gent/literature/")
    expect(page.locator("ol.references li")).to_have_count(3)
    expect(page.locator("ol.references")).to_contain_text("Provan, K. G., & Kenis, P. (2008).")
    assert_accessible(page, context="literature")
    shot(page, "literature-desktop")

    phone = new_phone_page(browser)
    log_in(phone, app, "committee@verbindend.demo")
    for name in ("glossary", "literature"):
        phone.goto(app.base_url + f"/research/verbindend-leren-gent/{name}/")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"the {name} page is {width}px wide on a phone"
        shot(phone, f"{name}-phone")
    phone.context.close()
