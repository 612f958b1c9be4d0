"""The foundation, as a person uses it: language, login, a network, its people, an import."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from e2e.conftest import App, assert_accessible, log_in


def test_home_switches_language_and_is_accessible(page: Page, app: App) -> None:
    page.goto(app.base_url + "/")
    page.click(".lang-switch button[value=nl]")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.locator(".site-nav")).to_contain_text("De methode")
    assert_accessible(page, context="home (nl)")
    page.click(".lang-switch button[value=en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".site-nav")).to_contain_text("The method")
    assert_accessible(page, context="home (en)")


def test_skip_link_and_focus_are_visible(page: Page, app: App) -> None:
    page.goto(app.base_url + "/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0


def test_coordinator_builds_a_network_and_imports_people(
    page: Page, app: App, tmp_path: Path
) -> None:
    page.goto(app.base_url + "/")
    page.click(".lang-switch button[value=en]")
    log_in(page, app, "coordinator@verbindend.demo")
    assert_accessible(page, context="overview")

    page.click("text=New network")
    expect(page.locator("h1")).to_have_text("New network")
    assert_accessible(page, context="network form")
    page.fill("#id_name", "Leernetwerk <b>Test</b>")
    page.fill("#id_common_goal", "Samen leren over grenzen heen")
    page.select_option("#id_governance_form", "participant_governed")
    page.check("input[name=sectors][value=education]")
    page.select_option("#id_scale", "regional")
    page.click("form.stacked button[type=submit]")
    expect(page.locator("h1")).to_have_text("Leernetwerk <b>Test</b>")
    assert_accessible(page, context="network page")

    page.click(".subnav >> text=Organisations")
    page.click("text=Add an organisation")
    page.fill("#id_org-name", "Vzw Brug")
    page.select_option("#id_org-sector", "education")
    page.click("form.stacked button[type=submit]")
    expect(page.locator("table")).to_contain_text("Vzw Brug")
    assert_accessible(page, context="organisations")

    page.click(".subnav >> text=People")
    page.click("text=Add a person")
    assert_accessible(page, context="person form")
    page.fill("#id_name", "Hanne Hendrickx")
    page.select_option("#id_organisation", label="Vzw Brug")
    page.select_option("#id_lead_role", "trekker")
    page.click("form.stacked button[type=submit]")
    expect(page.locator("#people-table")).to_contain_text("Hanne Hendrickx")

    csv = tmp_path / "mensen.csv"
    csv.write_text(
        "naam;e-mail;organisatie;rol;statuut\n"
        "Ilias Claes;ilias@example.org;Vzw Brug;volger;vrijwilliger\n"
        "Jolien Maes;jolien@example.org;Nieuw Huis;trekker;professional\n"
        "Kapotte Rij;geen-adres;;;\n",
        encoding="utf-8",
    )
    page.click("text=Import from a file")
    page.set_input_files("#id_file", str(csv))
    page.click("form.stacked button[type=submit]")
    expect(page.locator("#import-preview")).to_contain_text("Kapotte Rij")
    expect(page.locator("tr.row-error")).to_have_count(1)
    assert_accessible(page, context="import preview")
    page.click("text=Import 2 people")
    table = page.locator("#people-table")
    expect(table).to_contain_text("Ilias Claes")
    expect(table).to_contain_text("Jolien Maes")
    expect(table).not_to_contain_text("Kapotte Rij")
    assert_accessible(page, context="people")


def test_the_layout_fits_a_phone(browser, app: App) -> None:  # type: ignore[no-untyped-def]
    from e2e.conftest import new_phone_page

    phone = new_phone_page(browser)
    phone.goto(app.base_url + "/")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
    assert_accessible(phone, context="home on a phone")
    phone.context.close()
