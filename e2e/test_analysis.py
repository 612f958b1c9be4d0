"""The analysis workbench in the browser: select, code, memo, matrix, cell, export; offsets with
accents, emoji and combining characters selected by mouse and by keyboard."""

from __future__ import annotations

import io
import json
import unicodedata
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from e2e.conftest import App, assert_accessible, log_in

STUDY = "verbindend-leren-gent"
TRICKY = "Één café 😀 in Gent: Spin\u0308al-samenwerking 🇧🇪 groeit.\nNieuwe lijn met ß en 😀."

ADD_TRICKY = f"""
from verbindend.studies import services
from verbindend.studies.models import Study
study = Study.objects.get(slug={STUDY!r})
document = services.add_material(
    study=study, kind="other", title="Moeilijke tekens", text={TRICKY!r},
    origin_ref="e2e:tricky", case=study.cases.first(),
)
print(document.pk)
"""


def english(page: Page, app: App) -> None:
    page.goto(app.base_url + "/")
    page.click(".lang-switch button[value=en]")


def select_by_mouse(page: Page, phrase: str) -> None:
    """Drag the mouse from the phrase's first to its last character."""
    box = page.evaluate(
        """(phrase) => {
            const el = document.getElementById("coding-text");
            const text = el.textContent;
            const at = text.indexOf(phrase);
            const find = (offset) => {
                let seen = 0;
                for (const span of el.querySelectorAll("span[data-start]")) {
                    const node = span.firstChild;
                    if (node && seen + node.data.length > offset) return [node, offset - seen];
                    seen += node ? node.data.length : 0;
                }
            };
            const rect = (offset, length) => {
                const [node, local] = find(offset);
                const range = document.createRange();
                range.setStart(node, local);
                range.setEnd(node, local + length);
                const r = range.getClientRects()[0];
                return [r.left, r.top + r.height / 2, r.right];
            };
            const first = rect(at, 1);
            const last = rect(at + phrase.length - 1, 1);
            return {x1: first[0] + 0.5, y1: first[1], x2: last[2] - 0.5, y2: last[1]};
        }""",
        phrase,
    )
    page.mouse.move(box["x1"], box["y1"])
    page.mouse.down()
    page.mouse.move(box["x2"], box["y2"], steps=8)
    page.mouse.up()


def code_points(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


def test_select_code_memo_matrix_cell_and_export(page: Page, app: App, tmp_path: Path) -> None:
    english(page, app)
    log_in(page, app, "researcher@verbindend.demo")
    page.goto(f"{app.base_url}/analysis/{STUDY}/")
    assert_accessible(page, context="codebook")
    page.click("text=Interview met een trekker")
    expect(page.locator("#coding-text")).to_be_visible()
    assert_accessible(page, context="coding")
    phrase = "een gezamenlijke vacaturebank"
    select_by_mouse(page, phrase)
    text = unicodedata.normalize("NFC", page.locator("#coding-text").text_content() or "")
    start, end = code_points(text, phrase)
    expect(page.locator("#id_start")).to_have_value(str(start))
    expect(page.locator("#id_end")).to_have_value(str(end))
    expect(page.locator("#code-menu")).to_be_visible()
    page.keyboard.type("Build a strong network identity")
    page.keyboard.press("Enter")
    item = page.locator(f'#my-codings li[data-start="{start}"][data-end="{end}"]')
    expect(item).to_contain_text("Build a strong network identity")
    expect(page.locator(f'#coding-text span[data-start="{start}"].coded')).to_be_visible()

    item.locator("a").first.click()
    expect(page.locator("mark")).to_have_text(phrase)
    page.fill("#memo-form textarea", "Gezamenlijk project als begin van de identiteit.")
    page.click("#memo-form button[type=submit]")
    expect(page.locator("#memos")).to_contain_text("Gezamenlijk project als begin")

    page.goto(f"{app.base_url}/analysis/{STUDY}/matrix/case/")
    assert_accessible(page, context="matrix")
    row = page.locator("table.matrix tbody tr", has_text="Build a strong network identity")
    row.locator("td a").first.click()
    expect(page.locator(".fragments")).to_contain_text(phrase)

    page.goto(f"{app.base_url}/analysis/{STUDY}/matrix/case/")
    with page.expect_download() as csv_download:
        page.click("text=Export as CSV")
    csv_text = Path(csv_download.value.path()).read_text(encoding="utf-8")
    assert "Build a strong network identity" in csv_text
    with page.expect_download() as xlsx_download:
        page.click("text=Export as XLSX")
    book = load_workbook(io.BytesIO(Path(xlsx_download.value.path()).read_bytes()))
    sheet = book.active
    assert sheet is not None
    labels = [row[0].value for row in sheet.iter_rows()]
    assert "Build a strong network identity" in labels


def test_offsets_with_emoji_and_combining_characters(page: Page, app: App) -> None:
    pk = json.loads(app.manage("shell", "-c", ADD_TRICKY).strip().splitlines()[-1])
    english(page, app)
    log_in(page, app, "researcher@verbindend.demo")
    page.goto(f"{app.base_url}/analysis/{STUDY}/documents/{pk}/")
    for phrase in ("Spin\u0308al-samenwerking 🇧🇪", "ß en 😀", "😀 in Gent"):
        select_by_mouse(page, phrase)
        start, end = code_points(TRICKY, phrase)
        expect(page.locator("#id_start")).to_have_value(str(start))
        expect(page.locator("#id_end")).to_have_value(str(end))
    expect(page.locator("#code-menu")).to_be_visible()
    page.keyboard.type("Act together")
    page.keyboard.press("Enter")
    start, end = code_points(TRICKY, "😀 in Gent")
    expect(page.locator(f'#my-codings li[data-start="{start}"][data-end="{end}"]')).to_be_visible()

    # keyboard: arrows move, Shift+arrows extend — across the emoji, one code point each
    page.focus("#coding-text")
    before = TRICKY.index("😀")
    for _ in range(before):
        page.keyboard.press("ArrowRight")
    for _ in range(4):
        page.keyboard.press("Shift+ArrowRight")
    expect(page.locator("#id_start")).to_have_value(str(before))
    expect(page.locator("#id_end")).to_have_value(str(before + 4))


def test_the_networks_coordinator_outside_the_study_sees_nothing(page: Page, app: App) -> None:
    english(page, app)
    log_in(page, app, "coordinator@verbindend.demo")
    for path in ("", "matrix/case/", "matrix/case/?format=csv", "agreement/"):
        response = page.request.get(f"{app.base_url}/analysis/{STUDY}/{path}")
        assert response.status == 404, path


def test_coding_view_works_on_a_phone(browser: object, app: App) -> None:
    from e2e.conftest import new_phone_page

    phone = new_phone_page(browser)  # type: ignore[arg-type]
    english(phone, app)
    log_in(phone, app, "researcher@verbindend.demo")
    phone.goto(f"{app.base_url}/analysis/{STUDY}/")
    phone.click("text=Interview met een trekker")
    expect(phone.locator("#coding-text")).to_be_visible()
    expect(phone.locator("#code-menu")).to_be_hidden()  # it opens at a selection
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360 + 1
    phone.context.close()
