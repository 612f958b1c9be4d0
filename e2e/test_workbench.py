"""The coding workbench as a researcher uses it: code at the selection by mouse, touch and
keyboard without the page moving, undo a deletion, a three-speaker WebVTT transcript coded by
turn, search hits auto-coded and undone, a NEAR query within one respondent attribute."""

from __future__ import annotations

import json
import os
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from e2e.conftest import App, log_in
from e2e.test_analysis import STUDY, english, select_by_mouse

SHOTS = os.environ.get("SCREENSHOTS_DIR", "")

LONG_DOCUMENT = f"""
from verbindend.studies import services
from verbindend.studies.models import Study
study = Study.objects.get(slug={STUDY!r})
parts = []
for n in range(60):
    parts.append(f"Alinea {{n}}: de partners in het netwerk bespraken hoe zij samen leren.")
parts[40] = "Hier staat de zin over een gedeelde onthaalmap voor nieuwe vrijwilligers."
document = services.add_material(
    study=study, kind="other", title="Lang verslag", text="\\n".join(parts),
    origin_ref="e2e:long", case=study.cases.first(),
)
print(document.pk)
"""

VTT = """WEBVTT

1
00:00:01.000 --> 00:00:04.000
<v Sarah De Smet>Welkom, fijn dat jullie er zijn.</v>

2
00:00:04.500 --> 00:00:09.000
<v Ahmed El Amrani>Ik trek de werkgroep vrijwilligers in het buurtcentrum.</v>

3
00:00:09.500 --> 00:00:15.000
<v Lien Vermeulen>En ik coördineer het netwerk sinds het begin, samen met de stad.</v>
"""


def _scroll_to_phrase(page: Page, phrase: str) -> int:
    page.evaluate(
        """(phrase) => {
            const el = document.getElementById("coding-text");
            const span = [...el.querySelectorAll("span[data-start]")]
                .find(s => s.textContent.includes(phrase));
            const node = span.firstChild;
            const range = document.createRange();
            range.setStart(node, node.data.indexOf(phrase));
            range.setEnd(node, node.data.indexOf(phrase) + phrase.length);
            const top = range.getBoundingClientRect().top;
            window.scrollTo({top: top + window.scrollY - 300, behavior: "instant"});
        }""",
        phrase,
    )
    page.wait_for_timeout(100)
    y = int(page.evaluate("window.scrollY"))
    assert y > 300, "the phrase should be well down the page"
    return y


def _long_document(app: App) -> int:
    return int(json.loads(app.manage("shell", "-c", LONG_DOCUMENT).strip().splitlines()[-1]))


def _my_codings(page: Page) -> int:
    return page.locator("#my-codings .margin-item").count()


def test_code_by_mouse_keyboard_and_undo_without_the_page_moving(page: Page, app: App) -> None:
    pk = _long_document(app)
    english(page, app)
    log_in(page, app, "researcher@verbindend.demo")
    page.goto(f"{app.base_url}/analysis/{STUDY}/documents/{pk}/")
    phrase = "een gedeelde onthaalmap"
    y = _scroll_to_phrase(page, phrase)

    # mouse: the menu opens at the selection, typing filters, Enter applies
    select_by_mouse(page, phrase)
    menu = page.locator("#code-menu")
    expect(menu).to_be_visible()
    box = menu.bounding_box()
    assert box is not None and 0 < box["y"] < 900, "the menu opens where the eye is"
    page.keyboard.type("network identity")
    expect(page.locator("#code-options .code-option:not([hidden])").first).to_contain_text(
        "Build a strong network identity"
    )
    page.keyboard.press("Enter")
    highlight = page.locator("#coding-text span.coded", has_text="gedeelde onthaalmap")
    expect(highlight).to_be_visible()
    assert page.evaluate("window.scrollY") == y
    expect(menu).to_be_hidden()
    colour = highlight.evaluate("el => getComputedStyle(el).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "rgb(255, 241, 184)"), colour  # the code's own tint
    expect(page.locator("#stripes .stripe")).to_have_count(1)
    assert "–" not in (page.locator("#margin").text_content() or "")  # no offsets on screen

    # keyboard: Shift+arrows select, Enter opens the menu, 1 would be the recent code
    page.locator("#coding-text").focus()
    page.evaluate(
        """() => {
            const el = document.getElementById("coding-text");
            const span = [...el.querySelectorAll("span[data-start]")]
                .find(s => s.textContent.includes("nieuwe vrijwilligers"));
            const node = span.firstChild;
            document.getSelection().collapse(node, node.data.indexOf("nieuwe vrijwilligers"));
        }"""
    )
    for _ in range(len("nieuwe vrijwilligers")):
        page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Enter")
    expect(menu).to_be_visible()
    page.keyboard.type("Act together")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    expect(page.locator("#coding-text span.coded", has_text="nieuwe vrijwilligers")).to_be_visible()
    assert page.evaluate("window.scrollY") == y
    assert _my_codings(page) == 2

    # a click on a highlight shows its codings; delete, then undo, without moving
    page.locator("#coding-text span.coded", has_text="gedeelde onthaalmap").click()
    pop = page.locator("#coding-pop")
    expect(pop).to_contain_text("Build a strong network identity")
    pop.locator("button.delete").first.click()
    expect(page.locator("#undo-bar")).to_be_visible()
    expect(page.locator("#my-codings .margin-item")).to_have_count(1)
    assert page.evaluate("window.scrollY") == y
    page.click("#undo-button")
    expect(page.locator("#my-codings .margin-item")).to_have_count(2)
    expect(page.locator("#coding-text span.coded", has_text="gedeelde onthaalmap")).to_be_visible()
    assert page.evaluate("window.scrollY") == y
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / "document-desktop.png"), full_page=False)


def test_code_by_touch_on_a_phone(browser: Browser, app: App) -> None:
    pk = _long_document(app)
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True, locale="en-GB"
    )
    phone = context.new_page()
    errors: list[str] = []
    phone.on("pageerror", lambda exc: errors.append(str(exc)))
    english(phone, app)
    log_in(phone, app, "researcher@verbindend.demo")
    phone.goto(f"{app.base_url}/analysis/{STUDY}/documents/{pk}/")
    y = _scroll_to_phrase(phone, "Alinea 30:")
    # a long press selects a word and its handles widen it; the page then has a selection and
    # no finger down: the same state is made here, then every choice is a tap
    heading = phone.locator("h1").bounding_box()
    assert heading is not None
    phone.touchscreen.tap(heading["x"] + 5, heading["y"] + 5)
    phone.evaluate(
        """() => {
            const el = document.getElementById("coding-text");
            const span = [...el.querySelectorAll("span[data-start]")]
                .find(s => s.textContent.includes("Alinea 30:"));
            const node = span.firstChild;
            const at = node.data.indexOf("Alinea 30:");
            const range = document.createRange();
            range.setStart(node, at);
            range.setEnd(node, at + "Alinea 30".length);
            document.getSelection().removeAllRanges();
            document.getSelection().addRange(range);
        }"""
    )
    menu = phone.locator("#code-menu")
    expect(menu).to_be_visible()
    option = phone.locator("#code-options .code-option", has_text="Act together").first
    box = option.bounding_box()
    assert box is not None
    phone.touchscreen.tap(box["x"] + 20, box["y"] + box["height"] / 2)
    expect(phone.locator("#coding-text span.coded", has_text="Alinea 30")).to_be_visible()
    assert abs(phone.evaluate("window.scrollY") - y) <= 1
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 361
    if SHOTS:
        phone.screenshot(path=str(Path(SHOTS) / "document-phone.png"), full_page=False)
    context.close()
    assert not errors, errors


def test_vtt_with_three_speakers_coded_by_turn(page: Page, app: App, tmp_path: Path) -> None:
    english(page, app)
    log_in(page, app, "researcher@verbindend.demo")
    path = tmp_path / "Groepsgesprek.vtt"
    path.write_text(VTT, encoding="utf-8")
    page.goto(f"{app.base_url}/studies/{STUDY}/material/")
    page.set_input_files("input[name=documents]", str(path))
    page.select_option("select[name=kind]", "transcript")
    page.get_by_role("button", name="Import").click()
    expect(page.locator("#import-progress")).to_have_attribute("data-finished", "true")
    page.goto(f"{app.base_url}/analysis/{STUDY}/")
    page.click("text=Groepsgesprek")
    speakers = page.locator("#coding-text .speaker")
    expect(speakers).to_have_count(3)
    assert [s.strip(": ") for s in speakers.all_text_contents()] == [
        "Sarah De Smet",
        "Ahmed El Amrani",
        "Lien Vermeulen",
    ]
    colours = {s.evaluate("el => getComputedStyle(el).color") for s in speakers.all()}
    assert len(colours) == 3  # each speaker set apart
    # place the cursor in Ahmed's turn; T selects the turn and opens the menu
    page.locator("#coding-text").focus()
    page.evaluate(
        """() => {
            const span = document.querySelector(
                "#coding-text span[data-turn='1']:not(.speaker)");
            document.getSelection().collapse(span.firstChild, 3);
        }"""
    )
    page.keyboard.press("t")
    expect(page.locator("#code-menu")).to_be_visible()
    page.keyboard.type("Act together")
    page.keyboard.press("Enter")
    coded = page.locator("#coding-text span.coded")
    expect(coded).to_have_count(1)
    assert coded.text_content() == "Ik trek de werkgroep vrijwilligers in het buurtcentrum."


def _batch_codings(app: App) -> int:
    """Codings made in a batch; other tests share the app, so callers compare counts."""
    out = app.manage(
        "shell",
        "-c",
        "from verbindend.analysis.models import Coding;"
        "print(Coding.objects.filter(batch__isnull=False).count())",
    )
    return int(out.strip().splitlines()[-1])


def test_autocode_search_hits_and_undo(page: Page, app: App) -> None:
    english(page, app)
    log_in(page, app, "researcher@verbindend.demo")
    before = _batch_codings(app)
    page.goto(f"{app.base_url}/analysis/{STUDY}/search/")
    page.fill("#search-q", "samen")
    page.select_option("#search-scope", "sentence")
    page.click("#search-form button[type=submit]")
    hits = page.locator(".hits .hit")
    expect(hits.first).to_be_visible()
    count = hits.count()
    assert count >= 2
    hits.nth(0).locator("input[type=checkbox]").uncheck()
    page.select_option("#autocode-code", label="— Act together")
    page.click("#autocode-button")
    expect(page.locator(".messages, [role=status]").first).to_contain_text(
        f"{count - 1} fragments were coded"
    )
    assert _batch_codings(app) == before + count - 1
    page.click("#undo-autocode")
    expect(page.locator(".messages, [role=status]").first).to_contain_text("undone")
    assert _batch_codings(app) == before


NEAR_SETUP = f"""
from verbindend.accounts.models import User
from verbindend.analysis import services
from verbindend.networks.models import Person
from verbindend.studies import services as study_services
from verbindend.studies.models import Respondent, Study
study = Study.objects.get(slug={STUDY!r})
case = study.cases.first()
user = User.objects.get(email="researcher@verbindend.demo")
first = services.add_code(study=study, name="Samen beslissen e2e")
second = services.add_code(study=study, name="Vrijwilligers e2e")
near_text = "We beslissen nu samen in de stuurgroep. Daarna spraken we over de vrijwilligers."
far_text = (
    "We beslissen nu samen in de stuurgroep. " + "Er was veel anders te zeggen. " * 20
    + "Dan de vrijwilligers."
)
for n in range(12):
    tenure = "long_standing" if n < 6 else "newcomer"
    person = Person.objects.create(
        network=case.network, name=f"Respondent e2e {{n}}", tenure=tenure
    )
    respondent = Respondent.objects.create(study=study, case=case, person=person)
    text = far_text if n == 5 else near_text
    document = study_services.add_material(
        study=study, kind="transcript", title=f"Near e2e {{n}}", text=text,
        origin_ref=f"e2e:near:{{n}}", case=case,
    )
    document.respondent = respondent
    document.save(update_fields=["respondent"])
    services.apply_code(document=document, code=first, coder=user, start=0, end=text.index("."))
    at = text.index("vrijwilligers")
    services.apply_code(document=document, code=second, coder=user, start=at, end=at + 13)
print("ok")
"""


def test_near_query_within_one_attribute(page: Page, app: App) -> None:
    app.manage("shell", "-c", NEAR_SETUP)
    english(page, app)
    log_in(page, app, "researcher@verbindend.demo")
    page.goto(f"{app.base_url}/analysis/{STUDY}/queries/")
    page.select_option("#query-first", label="Samen beslissen e2e")
    page.select_option("#query-op", "near")
    page.select_option("#query-second", label="Vrijwilligers e2e")
    page.fill("#query-near", "10")
    page.select_option("#within-attribute", "tenure")
    page.select_option("#within-value", label="Long-standing")
    page.click("#query-form button[type=submit]")
    expect(page.locator("#query-count")).to_have_text("5 fragments")
    results = page.locator(".results .fragment")
    expect(results).to_have_count(5)
    titles = sorted(t.strip() for t in results.locator("a").all_text_contents())
    assert titles == [f"Near e2e {n}" for n in range(5)]  # not the far one, not the newcomers
    expect(results.first.locator("mark")).to_contain_text("beslissen")
    expect(results.first.locator("mark")).to_contain_text("vrijwilligers")
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / "query.png"), full_page=True)
    # saved, it runs again when opened
    page.fill("#query-name", "Beslissen bij vrijwilligers")
    page.click("text=Save the query")
    page.click("text=Beslissen bij vrijwilligers")
    expect(page.locator("#query-count")).to_have_text("5 fragments")


RELATIONS_SETUP = f"""
from verbindend.accounts.models import User
from verbindend.analysis import services
from verbindend.studies.models import Study
study = Study.objects.get(slug={STUDY!r})
user = User.objects.get(email="researcher@verbindend.demo")
one = services.add_code(study=study, name="Onthaal e2e")
two = services.add_code(study=study, name="Vrijwilligerswerk e2e")
document = study.documents.exclude(text="").first()
services.apply_code(document=document, code=one, coder=user, start=0, end=30)
services.apply_code(document=document, code=two, coder=user, start=10, end=40)
print("ok")
"""


def test_relations_map_and_codes_by_case(page: Page, app: App) -> None:
    app.manage("shell", "-c", RELATIONS_SETUP)
    english(page, app)
    log_in(page, app, "researcher@verbindend.demo")
    page.goto(f"{app.base_url}/analysis/{STUDY}/relations/")
    graph = page.locator("svg.relations-map")
    expect(graph).to_be_visible()
    box = graph.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 300
    expect(graph.locator("text", has_text="Onthaal e2e")).to_be_visible()
    expect(page.locator("table.codes-by-case")).to_contain_text("Vrijwilligerswerk e2e")
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / "relations.png"), full_page=True)
    edge = graph.locator("a.edge", has=page.locator("title", has_text="Onthaal e2e")).first
    edge.click()
    expect(page.locator(".fragments")).to_be_visible()
