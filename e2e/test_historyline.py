"""The history line as people use it: drawing by touch and mouse, marking moments, the keyboard
table, the interview, the wall — and everything saved and shown again identically."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from e2e.conftest import App, assert_accessible, log_in, new_phone_page

VIEW_W, VIEW_H = 960, 480
LEFT, RIGHT, TOP, BOTTOM = 44, 944, 24, 416


def shell(app: App, code: str) -> Any:
    """Run Python against the app's database and read the JSON it prints."""
    out = app.manage("shell", "-v", "0", "-c", code)
    return json.loads(out.strip().splitlines()[-1])


def exercise_pk(app: App) -> int:
    """The demo network's history line: its first one (other tests may have added more)."""
    return int(
        shell(
            app,
            "import json; from verbindend.historyline.models import Exercise; print(json.dumps("
            "Exercise.objects.filter(network__slug='werkwinkel-gent').order_by('pk').first().pk))",
        )
    )


def saved(app: App, pk: int, email: str | None = None, person: str | None = None) -> dict:
    """A line as stored: its points and its moments (with answers and tags)."""
    who = (
        f"key = 'person:%d' % Person.objects.get(name={person!r}).pk"
        if person
        else f"key = participant_key_for(exercise=e, user=User.objects.get(username={email!r}))"
    )
    code = (
        "import json\n"
        "from verbindend.accounts.models import User\n"
        "from verbindend.networks.models import Person\n"
        "from verbindend.historyline.models import Exercise, Line\n"
        "from verbindend.historyline.services import participant_key_for\n"
        f"e = Exercise.objects.get(pk={pk})\n"
        f"{who}\n"
        "line = Line.objects.filter(exercise=e, participant_key=key).first()\n"
        "print(json.dumps(None if line is None else {'pseudonym': line.pseudonym, "
        "'points': line.points, 'moments': [m.as_json() for m in line.moments.all()]}))"
    )
    return shell(app, code)  # type: ignore[no-any-return]


def at(svg: Locator, fraction: float, value: float) -> tuple[float, float]:
    """Page coordinates of a spot on the drawing: a fraction of the time axis, a value 0–100."""
    box = svg.bounding_box()
    assert box is not None
    vx = LEFT + (RIGHT - LEFT) * fraction
    vy = TOP + (BOTTOM - TOP) * (1 - value / 100)
    return box["x"] + box["width"] * vx / VIEW_W, box["y"] + box["height"] * vy / VIEW_H


def curve(fraction: float) -> float:
    """A peak at one sixth of the axis and a valley at one half."""
    return 50 + 35 * math.sin(fraction * 3 * math.pi)


FRACTIONS = [i / 60 for i in range(1, 60)]


def wait_until_drawable(page: Page) -> None:
    """The drawing module loads as an ES module; on a busy machine that can take a moment."""
    expect(page.locator("[data-historyline][data-mounted]")).to_have_count(1)


def touch_drag(page: Page, svg: Locator) -> None:
    """Drag a finger across the drawing (real touch events, as a phone sends them)."""
    wait_until_drawable(page)
    cdp = page.context.new_cdp_session(page)
    svg.scroll_into_view_if_needed()
    points = [at(svg, f, curve(f)) for f in FRACTIONS]
    x, y = points[0]
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for x, y in points[1:]:
        cdp.send(
            "Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]}
        )
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def mouse_drag(page: Page, svg: Locator) -> None:
    wait_until_drawable(page)
    svg.scroll_into_view_if_needed()
    x, y = at(svg, FRACTIONS[0], curve(FRACTIONS[0]))
    page.mouse.move(x, y)
    page.mouse.down()
    for f in FRACTIONS[1:]:
        page.mouse.move(*at(svg, f, curve(f)))
    page.mouse.up()


def set_marking(page: Page, on: bool, *, tap: bool) -> None:
    wait_until_drawable(page)
    button = page.locator("[data-action=mark]")
    wanted = "true" if on else "false"
    # A status line that appears after saving can shift the button under a tap on a busy
    # machine; tap again only while the state is still not the wanted one.
    for _attempt in range(3):
        if button.get_attribute("aria-pressed") == wanted:
            break
        button.tap() if tap else button.click()
        page.wait_for_timeout(300)
    expect(button).to_have_attribute("aria-pressed", wanted)


def mark_moment(
    page: Page, svg: Locator, fraction: float, kind: str, title: str, tap: bool
) -> None:
    set_marking(page, True, tap=tap)
    svg.scroll_into_view_if_needed()
    x, y = at(svg, fraction, curve(fraction))
    if tap:
        page.touchscreen.tap(x, y)
    else:
        page.mouse.click(x, y)
    expect(page.locator("#id_kind")).to_have_value(kind)
    page.fill("#id_title", title)
    page.fill("#id_story", f"Het verhaal van {title}")
    page.fill("#id_q_peaks", f"Wat we leerden bij {title}")
    page.fill("#id_q_valleys", f"Hoe we verder konden na {title}")
    page.fill("#id_q_red_thread", "Samen doen, telkens opnieuw")
    page.select_option("#id_level", "level.network")
    page.select_option("#id_principle", "principle.p1")
    count = page.locator(".hl-moments li").count()
    page.click(".hl-moment-form button[type=submit]")
    expect(page.locator(".hl-moments li")).to_have_count(count + 1)
    set_marking(page, False, tap=tap)  # back to drawing


def save(page: Page) -> None:
    page.click("[data-action=save]")
    expect(page.locator(".hl-status")).not_to_have_class("hl-status is-error")
    expect(page.locator("[data-historyline]")).not_to_have_attribute("data-dirty", "1")


def check_saved_and_reloaded(page: Page, stored: dict, titles: list[str]) -> None:
    drawn = page.locator(".hl-ink").get_attribute("points")
    page.reload()
    shown = json.loads(page.locator("[data-historyline]").get_attribute("data-points") or "")
    assert shown == stored["points"]
    assert page.locator(".hl-ink").get_attribute("points") == drawn
    # every stored moment is listed and marked once (the demo may already hold some)
    expect(page.locator(".hl-moments > li")).to_have_count(len(stored["moments"]))
    for title in titles:
        expect(page.locator(".hl-moments")).to_contain_text(title)
    expect(page.locator(".hl-marks .hl-mark")).to_have_count(len(stored["moments"]))


def tab_to(page: Page, condition: str) -> None:
    """Press Tab until the focused element meets a condition (as a keyboard user would)."""
    for _ in range(100):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const el = document.activeElement; return {condition}; }}"):
            return
    raise AssertionError(f"Tab never reached an element where {condition}")


def errors_of(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    page = new_phone_page(browser)
    yield page
    page.context.close()


def test_a_member_draws_on_a_phone_marks_two_moments_and_sees_it_on_the_wall(
    phone: Page, page: Page, app: App
) -> None:
    errors = errors_of(phone)
    pk = exercise_pk(app)
    log_in(phone, app, "member@verbindend.demo")
    before = {
        m["id"] for m in (saved(app, pk, email="member@verbindend.demo") or {}).get("moments", [])
    }
    phone.goto(f"{app.base_url}/history-lines/{pk}/")
    svg = phone.locator(".hl-svg")
    svg.scroll_into_view_if_needed()
    touch_drag(phone, svg)
    assert len((phone.locator(".hl-ink").get_attribute("points") or "").split()) > 20
    save(phone)
    mark_moment(phone, svg, 1 / 6, "peak", "Eerste samenwerking", tap=True)
    mark_moment(phone, svg, 1 / 2, "valley", "Moeilijk jaar", tap=True)

    stored = saved(app, pk, email="member@verbindend.demo")
    assert len(stored["points"]) > 20
    # the demo may already give this member a moment; the two marked here are the new ones
    peak, valley = [m for m in stored["moments"] if m["id"] not in before]
    assert (peak["kind"], valley["kind"]) == ("peak", "valley")
    assert peak["answers"] == {
        "q_peaks": "Wat we leerden bij Eerste samenwerking",
        "q_valleys": "Hoe we verder konden na Eerste samenwerking",
        "q_red_thread": "Samen doen, telkens opnieuw",
    }
    assert peak["level"] == "level.network" and peak["principle"] == "principle.p1"
    assert peak["value"] > 75 and valley["value"] < 25
    check_saved_and_reloaded(phone, stored, ["Eerste samenwerking", "Moeilijk jaar"])

    phone.set_viewport_size({"width": 740, "height": 360})  # landscape
    box = svg.bounding_box()
    assert box is not None and box["width"] > 600 and box["y"] + box["height"] > 0

    log_in(page, app, "observer@verbindend.demo")
    page.goto(f"{app.base_url}/history-lines/{pk}/wall/")
    expect(page.locator(f".hl-line[data-line='{stored['pseudonym']}']")).to_have_count(1)
    assert_accessible(page, context="wall")
    assert not errors, errors


def test_an_interview_on_a_desktop_with_the_mouse(page: Page, app: App) -> None:
    pk = exercise_pk(app)
    log_in(page, app, "facilitator@verbindend.demo")
    page.goto(f"{app.base_url}/history-lines/{pk}/interview/")
    assert_accessible(page, context="interview: choose")
    name = page.locator("#id_person option").last.inner_text().split(" (")[0]
    page.select_option("#id_person", index=page.locator("#id_person option").count() - 1)
    page.click("form.stacked button[type=submit]")
    expect(page.locator("h1")).to_contain_text(name)
    assert_accessible(page, context="interview: draw")
    svg = page.locator(".hl-svg")
    mouse_drag(page, svg)
    page.click("[data-action=undo]")
    expect(page.locator(".hl-ink")).to_have_attribute("points", "")
    mouse_drag(page, svg)
    save(page)
    mark_moment(page, svg, 1 / 6, "peak", "Nieuwe partner", tap=False)
    mark_moment(page, svg, 1 / 2, "valley", "Vertrek van de trekker", tap=False)
    stored = saved(app, pk, person=name)
    assert [m["title"] for m in stored["moments"]] == ["Nieuwe partner", "Vertrek van de trekker"]
    check_saved_and_reloaded(page, stored, ["Nieuwe partner", "Vertrek van de trekker"])

    page.goto(f"{app.base_url}/history-lines/{pk}/together/")
    assert_accessible(page, context="together")
    expect(page.locator(".hl-shared")).to_contain_text("Nieuwe partner")


def test_a_line_entered_with_the_keyboard_only(page: Page, app: App, browser: Browser) -> None:
    pk = exercise_pk(app)
    log_in(page, app, "coordinator@verbindend.demo")
    wall = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(wall, app, "coordinator@verbindend.demo")
    wall.goto(f"{app.base_url}/history-lines/{pk}/wall/")
    before = wall.locator(".hl-line").count()

    page.goto(f"{app.base_url}/history-lines/{pk}/")
    tab_to(page, "el.matches('.hl-table-wrap summary')")
    page.keyboard.press("Enter")
    # day = month, so the dates read the same in any locale's date field
    rows = [("01012017", "30"), ("06062018", "85"), ("03032020", "20"), ("09092024", "70")]
    for number, (date, value) in enumerate(rows):
        if number == 3:  # three empty rows are offered; "Add a row" puts the focus in a new one
            tab_to(page, "el.dataset.action === 'add-row'")
            page.keyboard.press("Enter")
        else:
            tab_to(page, "el.name === 'date' && !el.value")
        page.keyboard.type(date)
        tab_to(page, "el.name === 'value'")
        page.keyboard.type(value)
    tab_to(page, "el.type === 'submit' && !!el.closest('.hl-table-form')")
    page.keyboard.press("Enter")
    expect(page.locator("[data-historyline]")).not_to_have_attribute("data-dirty", "1")
    expect(page.locator(".hl-status")).not_to_be_empty()

    stored = saved(app, pk, email="coordinator@verbindend.demo")
    # days since the axis starts on 2016-09-01
    assert stored["points"] == [[122, 30.0], [643, 85.0], [1279, 20.0], [2930, 70.0]]
    page.reload()
    page.locator(".hl-table-wrap summary").click()
    dates = page.locator(".hl-table input[name=date]")
    values = page.locator(".hl-table input[name=value]")
    assert [dates.nth(i).input_value() for i in range(4)] == [
        "2017-01-01",
        "2018-06-06",
        "2020-03-03",
        "2024-09-09",
    ]
    assert [values.nth(i).input_value() for i in range(4)] == ["30.0", "85.0", "20.0", "70.0"]
    assert page.locator(".hl-ink").get_attribute("points")
    assert_accessible(page, context="keyboard table")

    # the wall refreshes by itself and shows the new line
    expect(wall.locator(".hl-line")).to_have_count(before + 1, timeout=15_000)
    wall.context.close()


def test_bad_input_gets_a_clear_message_and_the_line_stays(browser: Browser, app: App) -> None:
    # its own page: the refused request is logged in the console on purpose
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    pk = exercise_pk(app)
    log_in(page, app, "coordinator@verbindend.demo")
    page.goto(f"{app.base_url}/history-lines/{pk}/")
    before = saved(app, pk, email="coordinator@verbindend.demo")
    page.locator(".hl-table-wrap summary").click()
    row = page.locator(".hl-table tbody tr").last
    row.locator("input[name=date]").fill("2030-01-01")
    row.locator("input[name=value]").fill("250")
    page.click(".hl-table-form button[type=submit]")
    # the browser names the problem at the field, and nothing is sent
    assert row.locator("input[name=value]").evaluate("el => el.validationMessage")
    # a client that skips those checks gets the server's repairs or a clear refusal
    reply = page.evaluate(
        """async (url) => {
            const csrf = document.querySelector("input[name=csrfmiddlewaretoken]").value;
            const send = (points) => fetch(url, {method: "POST", body: JSON.stringify({points}),
                headers: {"Content-Type": "application/json", "X-CSRFToken": csrf}})
                .then(async (r) => [r.status, await r.json()]);
            const refused = await send([[0, 10], [5, "veel"]]);
            return [refused, await send([["2010-01-01", 250], [9e9, 5]])];
        }""",
        page.locator("[data-historyline]").get_attribute("data-save-url"),
    )
    (refused_status, refused), (repaired_status, repaired) = reply
    assert refused_status == 400 and refused["code"] == "points_not_a_number"
    assert "2" in refused["message"]  # names the point
    assert repaired_status == 200 and len(repaired["notices"]) == 2
    assert repaired["points"][0] == [0, 100.0]
    after = saved(app, pk, email="coordinator@verbindend.demo")
    assert after["points"] == repaired["points"] != before["points"]
    page.context.close()
