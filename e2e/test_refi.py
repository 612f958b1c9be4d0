"""REFI-QDA exchange in the browser: download the project and the codebook, upload a project from
another tool, see the preview, confirm and read the report; each page passes axe."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from playwright.sync_api import Page, expect

from e2e.conftest import App, assert_accessible, log_in

STUDY = "verbindend-leren-gent"
FILES = Path(__file__).resolve().parent.parent / "verbindend/analysis/tests/refi_files"


def test_export_and_import_through_the_exchange_page(page: Page, app: App) -> None:
    log_in(page, app, "researcher@verbindend.demo")
    page.goto(f"{app.base_url}/analysis/{STUDY}/exchange/")
    assert_accessible(page, context="exchange")
    with page.expect_download() as project:
        page.click("a[href$='project.qdpx']")
    archive = zipfile.ZipFile(io.BytesIO(Path(project.value.path()).read_bytes()))
    assert "project.qde" in archive.namelist()
    assert "Vertrouwen 🤝 tussen partners" in archive.read("project.qde").decode("utf-8")
    texts = [
        archive.read(n).decode("utf-8") for n in archive.namelist() if n.startswith("sources/")
    ]
    assert any("„hartelijk” 😀" in text for text in texts)
    with page.expect_download() as codebook:
        page.click("a[href$='codebook.qdc']")
    assert b"urn:QDA-XML:codebook:1.0" in Path(codebook.value.path()).read_bytes()

    page.set_input_files("#refi-file", str(FILES / "inline_plaintext.qde"))
    page.click("form[enctype] button[type=submit]")
    expect(page.get_by_role("table", name="What the file holds")).to_be_visible()
    assert_accessible(page, context="import preview")
    page.click("form[action$='confirm/'] button[type=submit]")
    expect(page.locator("table.data caption").first).to_be_visible()
    assert_accessible(page, context="import report")
    page.goto(f"{app.base_url}/analysis/{STUDY}/")
    expect(page.locator(".code-tree")).to_contain_text("Blij 😀")
