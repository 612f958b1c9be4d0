"""One focus group with every step kind, as a room sees it: a console, a dark wall at 1920×1080,
a light wall on a 1280×720 beamer and fifteen phones at 360 px. Screenshots of wall, console and
phone per kind go to e2e/artifacts/live/ (kept by CI)."""

from __future__ import annotations

import io
import re
import time
from pathlib import Path

import segno
from playwright.sync_api import Browser, Page, expect

from e2e.conftest import App, assert_accessible, log_in, new_phone_page

ARTEFACTS = Path(__file__).resolve().parent / "artifacts" / "live"
PHONES = 15

SETUP = """
from verbindend.accounts.models import User
from verbindend.live import services
from verbindend.live.models import Step
from verbindend.networks.models import Network
network = Network.objects.get(slug="werkwinkel-gent")
user = User.objects.get(username="facilitator@verbindend.demo")
s = services.create_session(
    creator=user, template="blank", network=network, title="Focusgroep met alles"
)
def add(kind, prompt, **o):
    services.add_step(session=s, kind=kind, prompt=prompt, options=o)
add("open_answer",
    "Wat heeft het netwerk jullie organisatie opgeleverd, concreet en in eigen woorden?",
    several=True)
add("dot_vote", "Welke opbrengst is voor jullie het belangrijkst?", source_back=1, dots=2)
add("scale", "We leren als netwerk meer dan elke organisatie apart zou leren.")
add("choice", "Welk ontwerpprincipe verdient nu de meeste aandacht in ons netwerk?", items=[
    "Samen doen: gezamenlijke projecten en acties die iedereen betrekken",
    "Taal en aandacht voor leren en veranderen"])
add("ranking", "Wat heeft een netwerk het meest nodig?", items=[
    "Tijd om elkaar te ontmoeten", "Geld en middelen", "Mensen die trekken"])
add("word_cloud", "Eén woord voor ons netwerk?")
add("questions", "Welke vraag wil je stellen aan de coördinator?")
add("slide", "De drie niveaus van leren", aid="aid.levels")
Step.objects.create(
    session=s, order=99, kind="principle_card", content_key="principle.p1",
    options={"field": "title"})
print(s.pk, s.join_code)
"""

WORDS = ["vertrouwen", "samenwerking", "samenwerkingen", "leren", "vertrouwen", "energie"]


def _picture() -> bytes:
    """A 1600×900 picture, as a facilitator's photo of the room would be."""
    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (1600, 900), (29, 78, 95))
    ImageDraw.Draw(picture).ellipse((500, 150, 1100, 750), fill=(245, 200, 60))
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return out.getvalue()


def _visible_images_ok(page: Page, where: str) -> None:
    """Every <img> and inline <svg> has rendered with a size."""
    page.wait_for_load_state("load")
    broken = page.evaluate(
        """() => [...document.images].filter(i => !i.complete || i.naturalWidth === 0)
              .map(i => i.src)
           .concat([...document.querySelectorAll('svg')].filter(s => {
              const r = s.getBoundingClientRect(); return r.width === 0 && s.checkVisibility();
           }).map(s => 'svg ' + (s.getAttribute('aria-label') || s.id || '')))"""
    )
    assert not broken, f"{where}: not rendered: {broken}"


def _wall_readable(wall: Page, kind: str) -> None:
    """Chart labels are whole and inside the screen; answers and labels at least 32 px."""
    found = wall.evaluate(
        """() => {
          const out = {clipped: [], small: [], count: 0};
          const W = window.innerWidth;
          const seen = '[data-testid=chart-label], .wall-cards li, .bar-count, .wall-items li';
          for (const el of document.querySelectorAll(seen)) {
            out.count++;
            const r = el.getBoundingClientRect();
            if (el.scrollWidth > el.clientWidth + 1 || r.left < 0 || r.right > W + 1)
              out.clipped.push(el.textContent.trim().slice(0, 40));
            if (parseFloat(getComputedStyle(el).fontSize) < 32)
              out.small.push(el.textContent.trim().slice(0, 40) + getComputedStyle(el).fontSize);
          }
          return out;
        }"""
    )
    assert not found["clipped"], (kind, found["clipped"])
    assert not found["small"], (kind, found["small"])


def _shoot(page: Page, name: str) -> None:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"{name}.png"))


def _answer(phone: Page, kind: str, i: int) -> bool:
    """One phone answers the current step; returns whether it sent something."""
    form = phone.locator("form.answer")
    if kind == "open_answer":
        form.locator("textarea[name=text]").fill(
            f"Opbrengst {i % 4}: samen sterker staan bij subsidies"
        )
    elif kind == "dot_vote":
        form.locator("input[name=dots]").nth(i % 2).check()
    elif kind == "scale":
        form.locator("input[name=scale]").nth(i % 5).check()
    elif kind == "choice":
        form.locator("input[name=choices]").nth(i % 2).check()
    elif kind == "ranking":
        form.locator("select[data-rank]").nth(0).select_option(str(1 + i % 3))
        form.locator("select[data-rank]").nth(i % 3 if i % 3 else 1).select_option("1")
        if i % 3 == 0:  # keep the default order: a valid ranking
            phone.reload()
    elif kind == "word_cloud":
        form.locator("input[data-item]").nth(0).fill(WORDS[i % len(WORDS)])
    elif kind == "questions":
        if i >= 3:
            return False
        form.locator("textarea[name=text]").fill(f"Hoe gaan we verder na {2027 + i}?")
    elif kind == "principle_card":
        form.locator("textarea[data-item]").nth(0).fill("Ja, we bouwen samen een jobbeurs")
    else:
        return False
    form.locator("button[type=submit].primary").click()
    return True


def test_a_focus_group_with_every_step_kind(browser: Browser, app: App, page: Page) -> None:
    pk, code = app.manage("shell", "-c", SETUP).strip().splitlines()[-1].split()
    console = page
    log_in(console, app, "facilitator@verbindend.demo")
    console.set_viewport_size({"width": 1440, "height": 900})
    # A slide with the facilitator's own picture, uploaded on the steps page.
    console.goto(f"{app.base_url}/live/{pk}/steps/")
    add = console.locator("form[enctype]")
    add.locator("select[name=kind]").select_option("slide")
    add.locator("textarea[name=prompt]").fill("Foto van onze jobbeurs")
    add.locator("input[name=picture]").set_input_files(
        files=[{"name": "jobbeurs.png", "mimeType": "image/png", "buffer": _picture()}],
    )
    add.locator("button[type=submit].primary").click()
    expect(console.locator("img.step-picture")).to_have_count(1)
    _visible_images_ok(console, "steps page")
    console.goto(f"{app.base_url}/live/{pk}/")
    wall_context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="nl-BE")
    wall = wall_context.new_page()
    wall_context.add_cookies(console.context.cookies())
    wall.goto(f"{app.base_url}/live/{pk}/wall/")
    expect(wall.locator("[data-testid=wall-code]")).to_have_text(code)
    _visible_images_ok(wall, "wall lobby")
    _shoot(wall, "00-wall-lobby")
    # The same session on a small beamer with the light theme: as readable, WCAG AA contrast.
    beamer_context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="nl-BE")
    beamer_context.add_cookies(console.context.cookies())
    beamer = beamer_context.new_page()
    beamer.goto(f"{app.base_url}/live/{pk}/wall/?theme=light")
    expect(beamer.locator("body")).to_have_class(re.compile("wall-light"))
    expect(beamer.locator("[data-testid=wall-code]")).to_have_text(code)
    _visible_images_ok(beamer, "light wall lobby")
    assert_accessible(beamer, context="light wall lobby")
    assert_accessible(wall, context="dark wall lobby")

    # The QR on the wall holds the short address; opened, it leads to this session's join.
    qr = wall.locator("img[data-testid=wall-qr]").get_attribute("src")
    served = console.request.get(app.base_url + str(qr)).body()
    short = f"{app.base_url}/{code}"
    expected = io.BytesIO()
    segno.make(short, error="m").save(
        expected, kind="svg", scale=8, border=2, dark="#10252d", light="#ffffff", xmldecl=False
    )
    assert served == expected.getvalue()

    # Phone 1 from the home page: typed code, (no name), later one answer; inputs counted.
    phones: list[Page] = []
    first = new_phone_page(browser)
    inputs = 0
    first.goto(app.base_url + "/")
    first.locator("#join-code-big").fill(code.lower())
    inputs += 1
    first.locator("#join-code-big").press("Enter")
    first.locator("form.stacked button[type=submit]").click()  # "Doe mee" with the name empty
    first.wait_for_url(re.compile(r".*/live/s/.+/$"))
    phones.append(first)
    # The other fourteen scan the QR: the short address, then their name.
    for i in range(1, PHONES):
        phone = new_phone_page(browser)
        phone.goto(short)
        phone.fill("input[name=display_name]", f"Deelnemer {i}")
        phone.locator("form.stacked button[type=submit]").click()
        phone.wait_for_url(re.compile(r".*/live/s/.+/$"))
        phones.append(phone)
    expect(console.locator("#connected")).to_have_text(str(PHONES), timeout=15000)

    handout = console.context.new_page()
    handout.goto(f"{app.base_url}/live/{pk}/handout/")
    _visible_images_ok(handout, "handout")
    _shoot(handout, "00-handout")
    handout.close()

    console.locator("form[data-control] button[value=start]").click()
    kinds = [
        "open_answer", "dot_vote", "scale", "choice", "ranking",
        "word_cloud", "questions", "slide", "principle_card", "slide",
    ]  # fmt: skip
    for number, kind in enumerate(kinds, start=1):
        if number > 1:
            console.locator("form[data-control] button[value=next]").click()
        expect(wall.locator("#frame")).to_have_attribute("data-state", "running")
        expect(console.locator("#connected")).to_have_text(str(PHONES), timeout=15000)
        sent = 0
        for i, phone in enumerate(phones):
            expect(phone.locator("#step")).not_to_have_attribute("data-step", "", timeout=15000)
            if phone.locator("form.answer").count() == 0 and kind != "slide":
                phone.reload()
            if _answer(phone, kind, i):
                if i == 0 and number == 3:
                    inputs += 1
                sent += 1
                expect(phone.locator("#status")).to_have_class(re.compile("ok"), timeout=15000)
        if kind == "scale":  # a second vote changes the first: still fifteen votes
            phones[1].locator("input[name=scale]").nth(4).check()
            phones[1].locator("form.answer button.primary").click()
            expect(phones[1].locator("#status")).to_have_class(re.compile("ok"))
        if sent:
            expect(wall.locator("[data-testid=wall-count]")).to_have_text(
                str(3 if kind == "questions" else PHONES), timeout=15000
            )
        if console.locator("form[data-control] button[value=reveal]").count():
            console.locator("form[data-control] button[value=reveal]").click()
            expect(console.locator("form[data-control] button[value=hide]")).to_be_visible()
        expect(console.locator("#connected")).to_have_text(str(PHONES), timeout=15000)
        if kind in ("dot_vote", "scale", "choice", "ranking", "word_cloud", "questions"):
            expect(wall.locator("[data-testid=wall-results]")).to_be_visible(timeout=15000)
        if kind == "open_answer" or kind == "principle_card":
            expect(wall.locator("[data-testid=wall-cards] li").first).to_be_visible(timeout=15000)
        time.sleep(0.6)  # the wall redraws at most twice a second
        _visible_images_ok(wall, f"wall {kind}")
        _wall_readable(wall, kind)
        expect(beamer.locator("#frame")).to_have_attribute("data-state", "running")
        if sent:
            expect(beamer.locator("[data-testid=wall-count]")).to_have_text(
                str(3 if kind == "questions" else PHONES), timeout=15000
            )
        _visible_images_ok(beamer, f"light wall {kind}")
        _wall_readable(beamer, f"{kind} on 1280×720")
        assert_accessible(beamer, context=f"light wall {kind}")
        assert_accessible(wall, context=f"dark wall {kind}")
        _shoot(beamer, f"{number:02d}-{kind}-wall-light-1280")
        _visible_images_ok(phones[0], f"phone {kind}")
        if kind == "slide" and number == len(kinds):  # the uploaded picture, on wall and phone
            for screen in (wall, beamer, phones[0]):
                expect(screen.locator("img.slide-picture")).to_be_visible()
                assert screen.locator("img.slide-picture").evaluate("i => i.naturalWidth") == 1600
        _shoot(wall, f"{number:02d}-{kind}-wall")
        _shoot(console, f"{number:02d}-{kind}-console")
        _shoot(phones[0], f"{number:02d}-{kind}-phone")
        if kind == "scale":
            assert wall.locator("[data-testid=chart-label]").first.inner_text().startswith("1 ·")
            counts = [int(c) for c in wall.locator(".bar-count").all_inner_texts()]
            assert sum(counts) == PHONES
    assert inputs <= 3, inputs

    # The exports: human labels only.
    synth = console.context.new_page()
    synth.goto(f"{app.base_url}/live/{pk}/synthesis/")
    with synth.expect_download() as download:
        synth.click("[data-testid=export-csv]")
    exported = Path(download.value.path()).read_text(encoding="utf-8")
    with synth.expect_download() as download:
        synth.click("[data-testid=export-xlsx]")
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    cells = [str(c) for r in book.active.iter_rows(values_only=True) for c in r if c is not None]
    for text in (exported, "\n".join(cells)):
        assert "{" not in text and "level." not in text and "principle.p" not in text
        assert not re.search(r"^\d+: \d+$", text, re.MULTILINE)
        assert "Samen doen: gezamenlijke projecten" in text and "Mensen die trekken" in text
    synth.close()
    for phone in phones:
        phone.context.close()
    wall_context.close()
    beamer_context.close()
