"""The learning log as a facilitator uses it: from a session answer to an entry in one click,
completing the conditions, and the pages passing the accessibility check."""

from __future__ import annotations

import json

from playwright.sync_api import Page, expect

from e2e.conftest import App, assert_accessible, log_in

LOG = "/log/network/werkwinkel-gent/"


def synthesis_url(app: App) -> str:
    out = app.manage(
        "shell",
        "-v",
        "0",
        "-c",
        "import json; from verbindend.live.models import LiveSession; "
        "print(json.dumps(LiveSession.objects.get(title='Focusgroep voorjaar').pk))",
    )
    return f"/live/{json.loads(out.strip().splitlines()[-1])}/synthesis/"


def test_an_answer_becomes_an_entry_once_and_climbs_the_conditions(page: Page, app: App) -> None:
    log_in(page, app, "facilitator@verbindend.demo")
    page.goto(app.base_url + synthesis_url(app))
    page.get_by_test_id("to-log-contribution").first.click()
    page.wait_for_url("**/edit/")  # the edit form of the new draft
    edit_url = page.url
    page.get_by_label("Individuals learn").fill("Begeleiders leerden elkaars werking kennen.")
    page.get_by_label("What was learned is shared").fill("Verteld op het netwerkoverleg.")
    page.get_by_role("button", name="Save and record (no longer a draft)").click()
    expect(page.locator(".steps")).to_have_attribute("aria-label", "2 of 4 conditions reached")
    expect(
        page.get_by_role("heading", name="Next step: Look at what the group now does differently")
    ).to_be_visible()
    assert_accessible(page, context="entry")

    page.goto(app.base_url + synthesis_url(app))
    page.get_by_test_id("to-log-contribution").first.click()
    assert page.url == edit_url  # the second click opens the same entry
    expect(page.get_by_text("You already made an entry from this")).to_be_visible()


def test_the_log_pages_are_accessible(page: Page, app: App) -> None:
    log_in(page, app, "coordinator@verbindend.demo")
    for path in ("", "goals/", "carriers/", "new/"):
        page.goto(app.base_url + LOG + path)
        assert_accessible(page, context=path or "log")
    page.goto(app.base_url + LOG + "carriers/")
    expect(page.locator("#carriers-t")).to_contain_text("Knowledge carriers")
