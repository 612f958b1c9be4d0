"""A history-line step in a live interview: two phones draw by touch, the wall shows both lines."""

from __future__ import annotations

import math
import re

from playwright.sync_api import Browser, Locator, Page, expect

from e2e.conftest import App, assert_accessible, log_in, new_phone_page

# the drawing's plot area in viewBox units (see historyline/_draw.html and draw.js)
VIEW_W, VIEW_H = 960, 480
LEFT, RIGHT, TOP, BOTTOM = 44, 944, 24, 416


def join(browser: Browser, app: App, code: str, name: str) -> tuple[Page, list[str]]:
    phone = new_phone_page(browser)
    errors: list[str] = []
    phone.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    phone.on("pageerror", lambda e: errors.append(str(e)))
    phone.goto(app.base_url + "/")
    phone.fill("#join-code-big", code)
    phone.press("#join-code-big", "Enter")
    phone.fill("input[name=display_name]", name)
    phone.click("form.stacked button[type=submit]")
    phone.wait_for_url(re.compile(r".*/live/s/.+/$"))
    return phone, errors


def touch_drag(phone: Page, svg: Locator, phase: float) -> None:
    """A finger dragged from left to right across the drawing, as real touch events."""
    svg.scroll_into_view_if_needed()
    box = svg.bounding_box()
    assert box is not None
    points = []
    for i in range(1, 40):
        fraction = i / 40
        value = 50 + 35 * math.sin(fraction * 3 * math.pi + phase)
        vx = LEFT + (RIGHT - LEFT) * fraction
        vy = TOP + (BOTTOM - TOP) * (1 - value / 100)
        points.append(
            {
                "x": box["x"] + box["width"] * vx / VIEW_W,
                "y": box["y"] + box["height"] * vy / VIEW_H,
            }
        )
    cdp = phone.context.new_cdp_session(phone)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [points[0]]})
    for point in points[1:]:
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def test_two_phones_draw_and_the_wall_shows_both_lines(
    page: Page, browser: Browser, app: App
) -> None:
    log_in(page, app, "facilitator@verbindend.demo")
    page.goto(app.base_url + "/live/network/werkwinkel-gent/")
    page.click("button[data-template=interview]")
    page.click("text=Open the console")
    code = page.locator("[data-testid=join-code]").inner_text().strip()
    console_url = page.url

    wall = page.context.new_page()
    wall_errors: list[str] = []
    wall.on("console", lambda m: wall_errors.append(m.text) if m.type == "error" else None)
    wall.on("pageerror", lambda e: wall_errors.append(str(e)))
    wall.goto(console_url + "wall/")
    expect(wall.locator("[data-testid=wall-code]")).to_have_text(code)
    wall.evaluate("window.__marker = 'no reload'")

    phones = [join(browser, app, code, name) for name in ("Els", "Karim")]

    # Start, then on to the history line (the interview's third step).
    page.click("button[value=start]")
    for _ in range(2):
        page.click("button[value=next]")
    expect(wall.locator(".hl-wall")).to_be_visible()
    expect(wall.locator(".hl-wall .hl-count")).to_contain_text("0")
    # Phones spread their step refreshes over 1.5 s after each state change (so a room does not
    # hit the server at once); draw only once the last refresh has landed.
    page.wait_for_timeout(2000)

    for index, (phone, _errors) in enumerate(phones):
        # The phone follows the facilitator without a reload, and the drawing comes alive.
        drawing = phone.locator("[data-historyline][data-mounted]")
        expect(drawing).to_have_count(1)
        svg = phone.locator(".hl-svg")
        touch_drag(phone, svg, phase=index * math.pi)
        assert len((phone.locator(".hl-ink").get_attribute("points") or "").split()) > 15
        phone.click("[data-action=save]")
        expect(phone.locator("[data-historyline]")).not_to_have_attribute("data-dirty", "1")
        expect(phone.locator(".hl-status")).not_to_have_class(re.compile("is-error"))
        expect(wall.locator(".hl-line")).to_have_count(index + 1)
    # The wall counts lines on a history step, not answers (there are none to count).
    expect(wall.locator("[data-testid=wall-count]")).to_have_count(0)

    assert_accessible(phones[0][0], context="phone drawing a history line")
    assert_accessible(wall, context="wall with two history lines")

    # Both lines are on the wall, which never reloaded; a participant keeps their own line.
    expect(wall.locator(".hl-line")).to_have_count(2)
    assert wall.evaluate("window.__marker") == "no reload"
    first = phones[0][0]
    first.reload()
    assert len((first.locator(".hl-ink").get_attribute("points") or "").split()) > 15

    assert not wall_errors, wall_errors
    for phone, errors in phones:
        assert not errors, errors
        phone.context.close()
    wall.close()


def test_an_unsaved_drawing_survives_a_reveal_and_is_saved_before_the_step_moves_on(
    page: Page, browser: Browser, app: App
) -> None:
    log_in(page, app, "facilitator@verbindend.demo")
    page.goto(app.base_url + "/live/network/werkwinkel-gent/")
    page.click("button[data-template=interview]")
    page.click("text=Open the console")
    code = page.locator("[data-testid=join-code]").inner_text().strip()
    phone, errors = join(browser, app, code, "Mira")
    page.click("button[value=start]")
    for _ in range(2):
        page.click("button[value=next]")
    expect(phone.locator("[data-historyline][data-mounted]")).to_have_count(1)
    page.wait_for_timeout(2000)  # the phone's spread refresh has landed

    touch_drag(phone, phone.locator(".hl-svg"), phase=0.5)
    drawn = phone.locator(".hl-ink").get_attribute("points") or ""
    assert len(drawn.split()) > 15
    expect(phone.locator("[data-historyline]")).to_have_attribute("data-dirty", "1")

    # The facilitator reveals the results: the phone's step is refreshed, the drawing stays.
    phone.evaluate("document.getElementById('step').dataset.before = 'reveal'")
    page.click("button[value=reveal]")
    expect(phone.locator("#step[data-before]")).to_have_count(0, timeout=10_000)
    expect(phone.locator("[data-historyline][data-mounted]")).to_have_count(1)
    expect(phone.locator("[data-historyline]")).to_have_attribute("data-dirty", "1")
    assert phone.locator(".hl-ink").get_attribute("points") == drawn

    # The facilitator goes back a step: the phone saves the line before the step goes away.
    page.click("button[value=back]")
    expect(phone.locator("[data-historyline]")).to_have_count(0, timeout=10_000)
    page.click("button[value=next]")
    expect(phone.locator("[data-historyline][data-mounted]")).to_have_count(1, timeout=10_000)
    expect(phone.locator("[data-historyline]")).not_to_have_attribute("data-dirty", "1")
    saved = phone.locator(".hl-ink").get_attribute("points") or ""
    assert len(saved.split()) > 15
    assert not errors, errors
    phone.context.close()
