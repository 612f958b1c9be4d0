"""The network's main page and the charts people read, in a real browser: milestones to celebrate
with one click, the link to the welcome pack, chart labels whole and inside their pictures on a
phone and on a room's screen, and the email settings form."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from e2e.conftest import App, assert_accessible, log_in
from e2e.test_historyline import exercise_pk

NETWORK = "/networks/werkwinkel-gent/"
SCAN = "/scan/n/werkwinkel-gent/"
CARRIERS = "/log/network/werkwinkel-gent/carriers/"
SIZES = {"phone": (360, 740), "room": (1920, 1080)}

#: every inline SVG on the page: its texts that reach outside the picture, or are cut short
SVG_TEXT = """() => [...document.querySelectorAll('main svg')].filter(s => s.checkVisibility())
  .map(svg => {
    const box = svg.getBoundingClientRect();
    const texts = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim());
    const outside = texts.filter(t => {
      const r = t.getBoundingClientRect();
      return r.left < box.left - 0.5 || r.right > box.right + 0.5
        || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5;
    }).map(t => t.textContent.trim());
    const cut = texts.map(t => t.textContent.trim()).filter(t => t.endsWith('…'));
    const axes = [...svg.querySelectorAll('text[data-axis]')]
      .map(t => [...t.querySelectorAll('tspan')].map(s => s.textContent).join(' '));
    const smallest = Math.min(...texts.map(
      t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a));
    return {width: box.width, count: texts.length, outside, cut, axes, smallest,
            name: svg.getAttribute('class') || ''};
  })"""


def _svg_texts_inside(page: Page, where: str) -> list[dict[str, Any]]:
    charts = page.evaluate(SVG_TEXT)
    assert charts, f"{where}: no chart"
    for chart in charts:
        assert chart["width"] > 200, (where, chart)
        assert chart["count"] > 0, (where, chart)
        assert not chart["outside"], f"{where}: text outside the chart: {chart['outside']}"
        assert not chart["cut"], f"{where}: labels cut short: {chart['cut']}"
        assert chart["smallest"] >= 10, f"{where}: {chart['name']} text {chart['smallest']:.1f} px"
    return list(charts)


@pytest.mark.parametrize("locale", ["nl-BE", "en-GB"])
@pytest.mark.parametrize("size", SIZES)
def test_chart_labels_are_whole_and_inside_their_charts(
    app: App, browser: Browser, size: str, locale: str
) -> None:
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height}, locale=locale)
    page = context.new_page()
    log_in(page, app, "coordinator@verbindend.demo")

    page.goto(app.base_url + NETWORK)  # bar charts of the network's composition
    _svg_texts_inside(page, f"network page, {size}, {locale}")

    page.goto(app.base_url + SCAN)  # the radar of the latest closed round
    radars = [c for c in _svg_texts_inside(page, f"scan, {size}, {locale}") if c["axes"]]
    assert len(radars) == 1
    # numbers at the axes, in type a person reads at arm's length; the whole names beside it
    assert radars[0]["axes"] == ["P1", "P2", "P3", "P4", "P5"], radars[0]["axes"]
    assert radars[0]["smallest"] >= 11, f"radar text {radars[0]['smallest']:.1f} px on a {size}"
    key = page.locator("figure.radar-figure .radar-key li").all_inner_texts()
    whole = (
        "Competenties erkennen en samen opbouwen"
        if locale == "nl-BE"
        else "Recognise and build the needed competences"
    )
    assert len(key) == 5 and key[4].split() == ["P5", *whole.split()], key

    # the carrier map writes every name out whole, inside its box
    page.goto(app.base_url + CARRIERS)
    _svg_texts_inside(page, f"carrier map, {size}, {locale}")

    # wide diagrams scroll sideways on a phone, in their pages and in the welcome pack
    # (the welcome pack: each history line the network drew, and the carrier map)
    lines = f"/history-lines/{exercise_pk(app)}/"
    wide = [(NETWORK + "welcome/", 2), (lines + "together/", 1), (lines + "wall/", 1)]
    for path, count in [(CARRIERS, 1), *wide]:
        page.goto(app.base_url + path)
        charts = page.evaluate(SVG_TEXT)
        assert len(charts) >= count, (path, charts)
        small = [(c["name"], round(c["smallest"], 1)) for c in charts if c["smallest"] < 10]
        assert not small, f"{path}, {size}: text too small to read: {small}"

    page.goto(app.base_url + SCAN)
    round_url = page.locator("main p a[href*='/scan/n/werkwinkel-gent/']").first
    round_url.click()
    page.wait_for_url(re.compile(r"/scan/n/werkwinkel-gent/\d+/$"))
    _svg_texts_inside(page, f"scan round, {size}, {locale}")

    # the groups' radar, shown as an image: opened on its own, its labels lie inside it too
    image = page.locator("figure.radar-figure img").first
    if image.count():
        src = image.get_attribute("src")
        assert src
        page.goto(app.base_url + src if src.startswith("/") else src)
        inside = page.evaluate(
            """() => {
              const svg = document.documentElement, [x, y, w, h] = svg.getAttribute('viewBox')
                .split(' ').map(Number);
              return [...svg.querySelectorAll('text')].filter(t => t.textContent.trim())
                .filter(t => { const b = t.getBBox();
                  return b.x < x || b.y < y || b.x + b.width > x + w || b.y + b.height > y + h; })
                .map(t => t.textContent.trim());
            }"""
        )
        assert not inside, f"groups' radar, {locale}: outside the viewBox: {inside}"
    context.close()


def test_the_network_page_shows_milestones_and_celebrates_one_in_the_next_session(
    app: App, page: Page
) -> None:
    log_in(page, app, "coordinator@verbindend.demo")
    page.goto(app.base_url + NETWORK)
    panel = page.get_by_test_id("panel-milestones")
    expect(panel).to_be_visible()
    expect(panel.get_by_role("heading")).to_have_text("Milestones to celebrate")
    expect(panel).to_contain_text("celebrated in “Netwerkoverleg januari”")
    waiting = panel.locator("li.milestone:not(.celebrated)")
    expect(waiting.first).to_be_visible()
    before = waiting.count()
    title = waiting.first.locator("a").first.inner_text()
    expect(panel).to_contain_text("“Focusgroep najaar”, the next session")
    assert_accessible(page, context="network page with milestones")

    waiting.first.get_by_role("button", name="Celebrate").click()  # the one click
    page.wait_for_url("**" + NETWORK)
    expect(page.locator(".message")).to_contain_text("on the agenda of “Focusgroep najaar”")
    row = panel.locator("li.milestone", has_text=title)
    expect(row).to_have_class(re.compile("celebrated"))
    expect(row).to_contain_text("celebrated in “Focusgroep najaar”")
    expect(row.get_by_role("button", name="Celebrate")).to_have_count(0)
    expect(panel.locator("li.milestone:not(.celebrated)")).to_have_count(before - 1)

    steps = app.manage(
        "shell",
        "-c",
        "from verbindend.live.models import LiveSession;"
        "s = LiveSession.objects.get(title='Focusgroep najaar');"
        "print('\\n'.join(st.prompt for st in s.steps.all()))",
    )
    assert f"We celebrate: {title}." in steps, steps


def test_a_member_sees_the_milestones_and_the_welcome_pack_without_the_button(
    app: App, page: Page
) -> None:
    log_in(page, app, "member@verbindend.demo")
    page.goto(app.base_url + NETWORK)
    panel = page.get_by_test_id("panel-milestones")
    expect(panel.locator("li.milestone").first).to_be_visible()
    expect(panel.get_by_role("button", name="Celebrate")).to_have_count(0)
    link = page.get_by_test_id("welcome-pack-link").get_by_role("link")
    expect(link).to_have_text("Read the welcome pack")
    link.click()
    page.wait_for_url("**/networks/werkwinkel-gent/welcome/")
    expect(page.get_by_test_id("welcome-roles")).to_be_visible()


def test_the_email_settings_save_a_choice_per_kind_and_the_consent_checkbox(
    app: App, page: Page
) -> None:
    log_in(page, app, "observer@verbindend.demo")
    page.goto(app.base_url + "/notices/settings/")
    expect(page.locator("h1")).to_have_text("Email settings")
    consent = page.get_by_label("I agree to receive email from Verbindend")
    expect(consent).to_be_visible()
    labels = page.locator("main form label, main form legend").all_inner_texts()
    assert labels and not [t for t in labels if re.search(r"kind_|\w\.\w|_", t)], labels
    scan = page.locator("fieldset", has_text="A scan round opens")
    for option in ("By email at once", "In a daily email digest", "Only here, no email"):
        expect(scan.get_by_label(option)).to_be_visible()
    # the checkbox sits beside its words: clicking the words ticks it
    consent_box = consent.bounding_box()
    words = page.locator("label", has_text="I agree to receive email").locator("span")
    words_box = words.bounding_box()
    assert consent_box and words_box
    assert abs(consent_box["y"] - words_box["y"]) < 12, (consent_box, words_box)
    was = consent.is_checked()
    words.click()
    assert consent.is_checked() is not was
    scan.get_by_label("In a daily email digest").check()
    assert_accessible(page, context="email settings")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".message")).to_contain_text("Your notice settings were saved.")

    page.reload()  # what was saved is what the form shows again
    expect(consent).to_be_checked(checked=not was)
    expect(scan.get_by_label("In a daily email digest")).to_be_checked()
    expect(
        page.locator("fieldset", has_text="A report you asked for").locator(":checked")
    ).to_have_count(1)
    consent.set_checked(was)
    scan.get_by_label("By email at once").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".message")).to_contain_text("saved")
    page.reload()
    expect(consent).to_be_checked(checked=was)
    expect(scan.get_by_label("By email at once")).to_be_checked()
