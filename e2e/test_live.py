"""A whole focus group in the browser: a facilitator, the wall and three phones."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from e2e.conftest import App, assert_accessible, log_in, new_phone_page

HOSTILE = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'


def join(browser: Browser, app: App, code: str, name: str) -> tuple[Page, list[str]]:
    phone = new_phone_page(browser)
    errors: list[str] = []
    phone.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    phone.on("pageerror", lambda e: errors.append(str(e)))
    phone.goto(app.base_url + "/")
    phone.fill("#join-code-big", code.lower())
    phone.press("#join-code-big", "Enter")
    phone.fill("input[name=display_name]", name)
    if phone.locator("select[name=network]").count():  # a study's session asks where you come from
        phone.select_option("select[name=network]", index=1)
    phone.click("form.stacked button[type=submit]")
    phone.wait_for_url(re.compile(r".*/live/s/.+/$"))
    return phone, errors


def test_a_focus_group_runs_live_from_join_to_export(
    page: Page, browser: Browser, app: App
) -> None:
    log_in(page, app, "facilitator@verbindend.demo")
    page.goto(app.base_url + "/live/network/werkwinkel-gent/")
    page.click("button[data-template=focus_group]")
    page.click("text=Open the console")
    code = page.locator("[data-testid=join-code]").inner_text().strip()
    console_url = page.url

    wall = page.context.new_page()
    wall_errors: list[str] = []
    wall.on("console", lambda m: wall_errors.append(m.text) if m.type == "error" else None)
    wall.goto(console_url + "wall/")
    expect(wall.locator("[data-testid=wall-code]")).to_have_text(code)
    wall.evaluate("window.__marker = 'no reload'")

    phones = [join(browser, app, code, name) for name in ("Els", "Karim", "Nele")]
    for phone, _errors in phones:
        expect(phone.locator("#step form")).to_have_count(0)  # the lobby: nothing to answer
    assert_accessible(phones[0][0], context="phone in the lobby")

    page.click("button[value=start]")
    expect(wall.locator("[data-testid=wall-prompt]")).to_be_visible()
    answers = ["Samen de jobbeurs organiseren", "Elkaar helpen bij de subsidie", HOSTILE]
    for (phone, _errors), answer in zip(phones, answers, strict=True):
        phone.locator("textarea[name=text]").fill(answer)
        phone.click("form.answer button[type=submit]")
        expect(phone.locator("#status")).to_have_class(re.compile("ok"))
    assert_accessible(phones[0][0], context="phone with a question")

    # Think alone first: the wall counts, without showing the answers, and without a reload.
    expect(wall.locator("[data-testid=wall-count]")).to_have_text("3")
    expect(wall.locator("[data-testid=wall-cards] li")).to_have_count(0)

    page.reload()
    page.click("button[value=reveal]")
    cards = wall.locator("[data-testid=wall-cards] li")
    expect(cards).to_have_count(3)
    expect(wall.locator("[data-testid=wall-cards]")).to_contain_text("<script>window.__pwned = 1")
    assert (
        wall.locator("[data-testid=wall-cards] img, [data-testid=wall-cards] script").count() == 0
    )
    assert wall.evaluate("window.__pwned") is None
    assert wall.evaluate("window.__marker") == "no reload"

    # A fourth answer after the reveal appears on the wall live, as text.
    expect(phones[0][0].locator("#step[data-revealed='1']")).to_have_count(1)
    # Half-typed text survives the next state change (the facilitator's timer) on the phone,
    # which counts the timer down.
    phones[0][0].locator("textarea[name=text]").fill("Nog een")
    page.fill("#minutes", "2")
    page.click("form:has(#minutes) button[type=submit]")
    expect(phones[0][0].locator(".phone-timer [data-left]")).to_have_text(
        re.compile(r"^[12]:\d\d$")
    )
    expect(phones[0][0].locator("textarea[name=text]")).to_have_value("Nog een")
    phones[0][0].locator("textarea[name=text]").fill("Nog een idee")
    phones[0][0].click("form.answer button[type=submit]")
    expect(cards).to_have_count(4)

    # Offline: the phone keeps the answer and sends it when the connection is back.
    offline = phones[1][0]
    offline.context.set_offline(True)
    offline.locator("textarea[name=text]").fill("Geschreven zonder verbinding")
    offline.click("form.answer button[type=submit]")
    expect(offline.locator("#status")).to_have_class(re.compile("warn"))
    offline.context.set_offline(False)
    expect(offline.locator("#status")).to_have_class(re.compile("ok"), timeout=20000)
    expect(cards).to_have_count(5)
    expect(wall.locator("[data-testid=wall-cards]")).to_contain_text("zonder verbinding")
    phones[1] = (offline, [e for e in phones[1][1] if "INTERNET_DISCONNECTED" not in e])

    # Group into a theme, from the console.
    page.fill("form[action$='/themes/'] input[name=name]", "Samenwerken")
    page.click("form[action$='/themes/'] button[type=submit]")
    expect(page.locator("[data-testid=theme]")).to_have_text("Samenwerken")
    item = page.locator(".contribution").filter(has=page.locator("p.text", has_text="jobbeurs"))
    item.locator("summary").click()
    item.locator("select[name=theme]").select_option(label="Samenwerken")
    item.locator("form:has(select[name=theme]) button").click()
    expect(item.locator("p.meta")).to_contain_text("Samenwerken")
    assert_accessible(page, context="console")

    page.goto(console_url + "synthesis/")
    expect(page.locator("body")).to_contain_text("Samenwerken")
    with page.expect_download() as download:
        page.click("[data-testid=export-csv]")
    exported = open(download.value.path(), encoding="utf-8").read()  # noqa: SIM115
    assert "Samen de jobbeurs organiseren" in exported and "Samenwerken" in exported
    assert "<script>window.__pwned = 1</script>" in exported

    assert not wall_errors, wall_errors
    for phone, errors in phones:
        assert not errors, errors
        phone.context.close()


def test_a_wrong_code_says_so(browser: Browser, app: App) -> None:
    phone = new_phone_page(browser)
    phone.goto(app.base_url + "/live/join/?code=AAAAAA")
    expect(phone.locator("[role=alert]")).to_be_visible()
    assert phone.locator("[data-code='live.wrong_code']").count() == 1
    phone.context.close()


def test_the_console_lists_every_step_in_full_text_and_at_most_three_lines(
    page: Page, app: App
) -> None:
    log_in(page, app, "facilitator@verbindend.demo")
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(app.base_url + "/live/network/werkwinkel-gent/")
    page.click("button[data-template=focus_group]")
    page.click("text=Open the console")
    page.click("button[value=start]")
    expect(page.locator(".step-list li.current")).to_have_count(1)
    items = page.locator(".step-list .clamp").evaluate_all(
        """spans => spans.map(s => ({
            text: s.textContent.trim(),
            lines: s.clientHeight / parseFloat(getComputedStyle(s).lineHeight),
            cut: s.scrollHeight > s.clientHeight + 1,
            current: !!s.closest('li.current'),
        }))"""
    )
    assert len(items) >= 5
    assert all(i["text"] for i in items), items
    assert max(len(i["text"]) for i in items) > 100, items  # whole prompts, not cut in the page
    assert all(i["lines"] <= 3.2 for i in items if not i["current"]), items
    assert any(i["cut"] for i in items), "no prompt long enough to be cut at 360 px"
    current = next(i for i in items if i["current"])
    assert not current["cut"]
    assert current["text"] == page.locator("#step-h").inner_text().strip()
