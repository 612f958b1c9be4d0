"""A researcher sets up a study with two cases, fills the selection matrices, sees the gaps,
imports a DOCX and a PDF in one batch and reads them."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from e2e.conftest import App, assert_accessible, log_in
from verbindend.studies import samples

SECOND_NETWORK = """
from verbindend.accounts.models import User
from verbindend.accounts.services import grant_network_role
from verbindend.networks.models import Network, Person
network, created = Network.objects.get_or_create(
    slug="leerpunt-oost",
    defaults=dict(name="Leerpunt Oost", goal_origin="mandated", scale="regional",
                  governance_form="participant_governed", sectors=["care"], phase="starting"),
)
Person.objects.get_or_create(network=network, name="Nora Oost", lead_role="trekker")
grant_network_role(user=User.objects.get(username="coordinator@verbindend.demo"),
                   network=network, role="coordinator")
"""


def agree_to_case(browser: Browser, app: App, network_slug: str) -> None:
    """The network's coordinator agrees that the network takes part."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    log_in(page, app, "coordinator@verbindend.demo")
    page.goto(f"{app.base_url}/networks/{network_slug}/")
    row = page.locator("tr", has_text="Verbindend onderzocht")
    expect(row).to_be_visible()  # the coordinator sees which studies use the network
    row.get_by_role("button", name="Agree to take part").click()
    expect(page.locator("tr", has_text="Verbindend onderzocht")).not_to_contain_text("Proposed")
    context.close()


def test_a_study_from_cases_to_reading_imported_documents(
    app: App, browser: Browser, page: Page, tmp_path: Path
) -> None:
    app.manage("shell", "-c", SECOND_NETWORK)
    log_in(page, app, "researcher@verbindend.demo")
    page.goto(app.base_url + "/studies/new/")
    page.fill("input[name=name]", "Verbindend onderzocht")
    page.fill("textarea[name=research_questions]", "Hoe leren netwerken samen?")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("h1")).to_have_text("Verbindend onderzocht")
    study_url = page.url
    for slug in ("werkwinkel-gent", "leerpunt-oost"):
        page.fill("input[name=network]", slug)
        page.get_by_role("button", name="Propose as case").click()
        expect(page.locator(".messages")).to_contain_text("asked to agree")
    for slug in ("werkwinkel-gent", "leerpunt-oost"):
        agree_to_case(browser, app, slug)

    # case selection: the profiles fill the table, the gaps are flagged
    page.goto(study_url + "cases/")
    table = page.locator("#case-coverage")
    expect(table).to_contain_text("Werkwinkel Gent")
    expect(table).to_contain_text("Leerpunt Oost")
    gaps = page.locator("#case-gaps")
    expect(gaps).to_contain_text("no case yet with Lead organisation")
    expect(gaps).to_contain_text("Durable")
    assert_accessible(page, context="case selection")
    form = page.locator("form", has=page.get_by_role("heading", name="Leerpunt Oost"))
    form.get_by_label("durable partnership").select_option("yes")
    form.get_by_label("open about its history").select_option("yes")
    form.get_by_role("button", name="Save judgement").click()
    expect(page.locator(".messages")).to_contain_text("Leerpunt Oost")
    expect(page.locator("#case-gaps")).not_to_contain_text("Durable")

    # respondent selection in the first case
    page.goto(study_url)
    page.locator("tr", has_text="Werkwinkel Gent").get_by_role(
        "link", name="Respondent selection"
    ).click()
    for index in (1, 2):
        page.locator("select[name=person]").select_option(index=index)
        page.get_by_role("button", name="Add candidate").click()
    matrix = page.locator("#respondent-matrix")
    expect(matrix.locator("tbody tr")).to_have_count(2)
    # nobody selected yet: every criterion but gender (judged only where recorded) is a gap
    expect(page.locator("#respondent-gaps li")).to_have_count(5)
    matrix.locator("tbody tr").first.get_by_role("link").click()
    page.check("input[name=selected]")
    page.check("input[name=positive_experiences]")
    page.check("input[name=critical_experiences]")
    page.select_option("select[name=reflective]", "yes")
    page.locator("button[name=save]").click()
    gaps = page.locator("#respondent-gaps li")
    expect(gaps.first).to_be_visible()
    assert gaps.count() < 5
    expect(page.locator("#respondent-gaps")).not_to_contain_text("Reflective")
    expect(page.locator("#respondent-gaps")).not_to_contain_text("Good and critical")
    assert_accessible(page, context="respondent selection")

    # material: a DOCX and a PDF in one batch, plus one broken file
    docx = tmp_path / "interview-nora.docx"
    docx.write_bytes(samples.docx_bytes(["Wat doen we nu anders?", "We bellen elkaar eerst. ☕"]))
    pdf = tmp_path / "jaarverslag.pdf"
    pdf.write_bytes(samples.pdf_bytes([["Jaarverslag van het netwerk"], ["Tweede pagina: café"]]))
    broken = tmp_path / "kapot.pdf"
    broken.write_bytes(b"%PDF-1.4 this is not really a PDF")
    page.goto(study_url + "material/")
    page.set_input_files("input[name=documents]", [str(docx), str(pdf), str(broken)])
    page.select_option("select[name=kind]", "network_document")
    page.fill("input[name=source]", "Gedeelde map van het netwerk")
    page.get_by_role("button", name="Import").click()
    progress = page.locator("#import-progress")
    expect(progress).to_have_attribute("data-finished", "true")
    expect(progress).to_contain_text("2 imported, 1 not imported")
    expect(page.locator("#import-items")).to_contain_text("damaged")
    assert_accessible(page, context="import progress")

    page.get_by_role("link", name="interview-nora.docx").click()
    expect(page.locator("#reader")).to_contain_text("We bellen elkaar eerst. ☕")
    page.go_back()
    page.get_by_role("link", name="jaarverslag.pdf").click()
    expect(page.locator("#reader")).to_contain_text("Tweede pagina: café")
    assert_accessible(page, context="reader")

    page.goto(study_url + "search/?q=bellen")
    page.get_by_role("link", name="interview-nora").click()
    expect(page.locator("#reader")).to_contain_text("We bellen elkaar eerst.")


def test_a_long_document_loads_further_parts_as_you_scroll(app: App, page: Page) -> None:
    code = (
        "from verbindend.studies import services; from verbindend.studies.models import Study; "
        "services.add_material(study=Study.objects.get(slug='verbindend-leren-gent'), "
        "kind='other', title='Lange tekst', origin_ref='e2e:long', "
        "text='\\n'.join(f'Alinea {n} van de lange tekst' for n in range(400)))"
    )
    app.manage("shell", "-c", code)
    log_in(page, app, "researcher@verbindend.demo")
    page.goto(app.base_url + "/studies/verbindend-leren-gent/material/")
    page.get_by_role("link", name="Lange tekst").click()
    reader = page.locator("#reader")
    expect(reader).to_contain_text("Alinea 59 van")
    expect(reader).not_to_contain_text("Alinea 399 van")
    for _ in range(10):
        page.mouse.wheel(0, 20000)
        page.wait_for_timeout(150)
    expect(reader).to_contain_text("Alinea 399 van")
