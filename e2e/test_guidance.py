"""Advice for the network's kind on the dialogue agenda, on a desktop and on a phone."""

from __future__ import annotations

import os
import re
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from e2e.conftest import App, assert_accessible, log_in, new_phone_page

SHOTS = Path(os.environ["SCREENSHOTS"]) if os.environ.get("SCREENSHOTS") else None


def _agenda_url(page: Page, app: App) -> str:
    """The agenda of the demo's recent closed round, reached the way a coordinator clicks."""
    page.goto(app.base_url + "/scan/n/werkwinkel-gent/")
    page.get_by_role("link", name=re.compile(r"^Scan \d{4}$")).first.click()
    page.get_by_role("link", name=re.compile("^(Dialogue agenda|Dialoogagenda)$")).click()
    page.wait_for_url("**/agenda/")
    return page.url


def test_the_coordinator_sees_advice_for_the_networks_kind_beside_its_principle(
    app: App, browser: Browser, page: Page
) -> None:
    log_in(page, app, "coordinator@verbindend.demo")
    url = _agenda_url(page, app)
    # Werkwinkel Gent is run by a network organisation and is growing; principle 2 scores lowest.
    topic = page.locator('li.topic[data-principle="principle.p2"]')
    advice = topic.locator('[data-guidance="guidance.nao_steering"]')
    expect(advice).to_be_visible()
    expect(advice).to_contain_text("Give the network organisation a task in learning too")
    expect(advice).to_contain_text("Form of governance: Network administrative organisation (NAO)")
    source = advice.locator("[data-source]")
    expect(source).to_be_visible()
    expect(source).to_contain_text("Source:")
    expect(source).to_contain_text("principle 2 (who is best placed to lead this?)")
    expect(topic.locator('[data-guidance="guidance.look_back"]')).to_be_visible()
    expect(page.locator("[data-guidance-empty]")).to_have_count(0)
    assert_accessible(page, context="dialogue agenda with advice")
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "agenda-guidance-1280.png"), full_page=True)

    phone = new_phone_page(browser)
    log_in(phone, app, "coordinator@verbindend.demo")
    phone.goto(url)
    advice = phone.locator(
        'li.topic[data-principle="principle.p2"] [data-guidance="guidance.nao_steering"]'
    )
    expect(advice).to_be_visible()
    expect(advice.locator("[data-source]")).to_contain_text("Bron:")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the agenda is wider than the phone: {width}px"
    box = advice.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
    assert_accessible(phone, context="dialogue agenda with advice on a phone")
    if SHOTS is not None:
        phone.screenshot(path=str(SHOTS / "agenda-guidance-360.png"), full_page=True)
    phone.context.close()
