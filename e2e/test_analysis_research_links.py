"""From the analysis workbench to the research team's shared ground, in a real browser: a code
query's results start a focus group, and codes and memos show the glossary's definitions."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from e2e.conftest import App, assert_accessible, log_in, new_phone_page
from e2e.test_research import shot

STUDY = "verbindend-leren-gent"


def _code(app: App, method_key: str, field: str = "pk") -> str:
    return (
        app.manage(
            "shell",
            "-c",
            "from verbindend.analysis.models import Code; "
            f"print(Code.objects.get(study__slug='{STUDY}', method_key='{method_key}').{field})",
        )
        .strip()
        .splitlines()[-1]
    )  # the shell may say first what it imported


def test_a_code_querys_results_start_a_focus_group(app: App, page: Page) -> None:
    first, second = _code(app, "principle.p1"), _code(app, "condition.anchored")
    log_in(page, app, "researcher@verbindend.demo")
    page.goto(f"{app.base_url}/analysis/{STUDY}/queries/?first={first}&op=or&second={second}")
    expect(page.locator("#query-count")).to_contain_text("fragments")
    button = page.get_by_role("button", name="Make a focus group from these fragments")
    expect(button).to_be_visible()
    assert_accessible(page, context="query results with the focus-group button")
    shot(page, "query-focus-desktop")
    button.click()
    page.wait_for_url(re.compile(r".*/live/\d+/$"))
    expect(page.locator("main")).to_contain_text(
        "Focus group: Act together OR It is anchored in the network"
    )
    expect(page.locator("main")).to_contain_text("How do you recognise th")  # the step, shortened


def test_codes_and_memos_show_the_glossarys_definitions(app: App, page: Page) -> None:
    anchored = _code(app, "condition.anchored", "uuid")
    log_in(page, app, "researcher@verbindend.demo")
    page.goto(f"{app.base_url}/analysis/{STUDY}/codes/{anchored}/")
    aside = page.locator("aside.glossary-terms")
    expect(aside).to_contain_text("In the study's glossary")
    expect(aside).to_contain_text(
        "In deze studie: zichtbaar in een afspraak"
    )  # the team's revision
    page.locator("#memo-form textarea").fill("Bij de Mensen van het kernteam zie je dit het best.")
    page.locator("#memo-form").get_by_role("button", name="Save memo").click()
    memo = page.locator("article.memo", has_text="kernteam zie je dit")
    memo.locator("details.glossary-terms summary").click()
    expect(memo.locator("details.glossary-terms")).to_contain_text("Glossary: Mensen")
    assert_accessible(page, context="code page with glossary terms")
    shot(page, "code-glossary-desktop")
    memo.locator("details.glossary-terms").get_by_role("link", name="Mensen").click()
    expect(page.locator("h1")).to_contain_text("Mensen")


def test_the_code_page_with_its_glossary_on_a_phone(app: App, browser: Browser) -> None:
    anchored = _code(app, "condition.anchored", "uuid")
    phone = new_phone_page(browser)
    log_in(phone, app, "researcher@verbindend.demo")
    phone.goto(f"{app.base_url}/analysis/{STUDY}/codes/{anchored}/")
    expect(phone.locator("aside.glossary-terms")).to_contain_text(
        "In de woordenlijst van de studie"
    )
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways on a phone ({width}px)"
    shot(phone, "code-glossary-phone")
    phone.context.close()
