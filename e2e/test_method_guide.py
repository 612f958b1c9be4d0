"""The method guide as a reader meets it: both languages, phone and desktop, aids, keys, print."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from e2e.conftest import App, assert_accessible, new_phone_page

#: Principle P3's title in each language (from verbindend/method/content/principles.toml).
P3_TITLE = {"nl": "Een sterke identiteit als netwerk", "en": "Build a strong network identity"}
SECTION_TITLE = {"nl": "Begrippen", "en": "Concepts"}


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    page = new_phone_page(browser)
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    page.context.close()
    assert not errors, f"errors in the browser console: {errors}"


def read_the_guide(page: Page, app: App, device: str) -> None:
    page.goto(app.base_url + "/")
    page.click(".site-nav >> a[href='/method/']")
    for lang in ("nl", "en"):
        page.click(f".lang-switch button[value={lang}]")
        expect(page.locator("html")).to_have_attribute("lang", lang)
        expect(page.locator("#principle\\.p3")).to_contain_text(P3_TITLE[lang])
        expect(page.locator("#principle\\.p1 .reflections li")).to_have_count(8)
        assert_accessible(page, context=f"guide overview ({lang}, {device})")
        aid = page.locator("svg[data-key='aid.principles']")
        expect(aid).to_be_visible()
        box = aid.bounding_box()
        assert box is not None and box["width"] > 200 and box["height"] > 50

        page.click(f".guide-toc >> text={SECTION_TITLE[lang]}")
        expect(page.locator("h1")).to_have_text(SECTION_TITLE[lang])
        for key in ("aid.conditions", "aid.levels", "aid.carriers", "aid.knowledge_types"):
            drawn = page.locator(f"svg[data-key='{key}']")
            drawn.scroll_into_view_if_needed()
            size = drawn.bounding_box()
            assert size is not None and size["width"] > 200 and size["height"] > 100, key
        assert_accessible(page, context=f"concepts ({lang}, {device})")
        page.goto(app.base_url + "/method/")


def test_the_guide_on_a_desktop(page: Page, app: App) -> None:
    read_the_guide(page, app, "desktop")


def test_the_guide_on_a_phone(phone: Page, app: App) -> None:
    read_the_guide(phone, app, "phone")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, "the guide scrolls sideways on a phone"


def test_a_key_link_jumps_to_its_anchor(page: Page, app: App) -> None:
    page.goto(app.base_url + "/method/k/condition.anchored/")
    assert page.url.endswith("/method/concepts/#condition.anchored")
    target = page.locator("#condition\\.anchored")
    expect(target).to_be_in_viewport()
    page.goto(app.base_url + "/method/k/principle.p4.r2/")
    expect(page.locator("#principle\\.p4\\.r2")).to_be_in_viewport()


def test_the_aids_section_projector_and_svg(page: Page, app: App) -> None:
    page.goto(app.base_url + "/method/aids/")
    expect(page.locator(".aid-cards svg[role=img]")).to_have_count(6)
    assert_accessible(page, context="aids")
    page.click("#aid\\.history_line_frame >> text=Show on a projector")
    svg = page.locator(".projector-aid svg")
    expect(svg).to_be_visible()
    box = svg.bounding_box()
    assert box is not None and box["width"] > 600
    assert_accessible(page, context="projector")
    page.keyboard.press("ArrowLeft")  # a presenter's clicker steps back to the previous aid
    page.wait_for_url("**/method/aids/principles/projector/")
    expect(page.locator(".projector-aid svg[data-key='aid.principles']")).to_be_visible()
    response = page.request.get(app.base_url + "/method/aids/conditions.svg")
    assert response.ok and response.headers["content-type"].startswith("image/svg+xml")


def test_the_print_view_loads_and_prints(page: Page, app: App) -> None:
    page.goto(app.base_url + "/method/print/")
    expect(page.locator("[data-print]")).to_be_visible()  # the module ran under the CSP
    # every aid where the text uses it, and once more as a card of its own
    expect(page.locator(".aid-cards svg[role=img]")).to_have_count(6)
    assert page.locator("svg[role=img]").count() >= 12
    assert_accessible(page, context="print view")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 50_000
