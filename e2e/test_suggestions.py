"""Suggested codes in the browser: small talk gets none, one row per sentence, accept and reject
by keyboard with the focus moving on, on a desktop and on a 360 px phone."""

from __future__ import annotations

import json
import os
from pathlib import Path

from playwright.sync_api import Page, expect

from e2e.conftest import App, assert_accessible, log_in, new_phone_page

STUDY = "verbindend-leren-gent"
TEXT = (
    "Fijn dat je tijd maakt. "
    "We hebben samen de jobbeurs georganiseerd en daar veel van elkaar geleerd. "
    "Nieuwe partners die instappen, zijn vaak niet mee met de geschiedenis van het netwerk. "
    "Can you say more about that? "
    "We chose a shared name and a logo, so the city recognises us as one network. "
    "Wat ik in het netwerk leer, raakt vaak niet verder dan mijn eigen bureau."
)
ADD = f"""
from verbindend.studies import services
from verbindend.studies.models import Study
study = Study.objects.get(slug={STUDY!r})
document = services.add_material(
    study=study, kind="transcript", title="Gesprek met suggesties", text={TEXT!r},
    origin_ref="e2e:suggestions", case=study.cases.first(),
)
print(document.pk)
"""
CODINGS = """
from verbindend.analysis.models import Coding
print(Coding.objects.filter(document_id={pk}).count())
"""
SHOTS = Path(os.environ.get("E2E_SCREENSHOTS", "/tmp"))


def _open(page: Page, app: App, pk: int) -> None:
    page.goto(f"{app.base_url}/")
    page.click(".lang-switch button[value=en]")
    log_in(page, app, "researcher@verbindend.demo")
    page.goto(f"{app.base_url}/analysis/{STUDY}/documents/{pk}/suggestions/")


def test_suggestions_by_keyboard(page: Page, app: App, browser: object) -> None:
    pk = json.loads(app.manage("shell", "-c", ADD).strip().splitlines()[-1])
    _open(page, app, pk)
    page.click("#find-form button")
    expect(page.locator("#suggestions")).to_be_visible()
    body = page.locator("#suggestions").inner_text()
    assert "Fijn dat je tijd maakt" not in body and "Can you say more" not in body
    quotes = page.locator("#suggestions blockquote").all_inner_texts()
    assert len(quotes) == len(set(quotes)) >= 3  # each sentence once
    expect(page.locator("#threshold")).to_have_value("0.6")
    assert "Enter" in page.locator("#suggest-keys").inner_text()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(SHOTS / "suggestions-desktop.png"), full_page=True)
    assert_accessible(page, context="on the suggestions page")

    codes = page.locator("[data-suggestion]")
    before = codes.count()
    codes.first.focus()
    page.keyboard.press("a")
    expect(codes).to_have_count(before - 1)
    expect(page.locator("[data-suggestion]:focus")).to_have_count(1)  # the focus moved on
    page.keyboard.press("r")
    expect(codes).to_have_count(before - 2)
    coded = app.manage("shell", "-c", CODINGS.format(pk=pk)).strip().splitlines()[-1]
    assert int(coded) == 1  # accepted once; the rejected one codes nothing

    phone = new_phone_page(browser)  # type: ignore[arg-type]
    _open(phone, app, pk)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 361
    phone.screenshot(path=str(SHOTS / "suggestions-phone.png"), full_page=True)
    phone.context.close()
