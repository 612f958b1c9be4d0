"""The scan in a real browser: answer on a phone, leave halfway, come back, finish; close; radar."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from e2e.conftest import App, assert_accessible, log_in, new_phone_page

OUTSIDER = "buiten@elders.demo"
MAKE_OUTSIDER = f"""
from verbindend.accounts.models import User
from verbindend.accounts.services import grant_network_role
from verbindend.networks.models import Network
network, _ = Network.objects.get_or_create(slug="elders", defaults={{"name": "Elders"}})
user, _ = User.objects.get_or_create(username="{OUTSIDER}", email="{OUTSIDER}")
user.set_password("verbindend-demo")
user.save()
grant_network_role(user=user, network=network, role="coordinator")
"""


def _open_round(page: Page, app: App) -> tuple[str, str]:
    """The demo's open round: its page URL and its share code (as the coordinator sees them)."""
    page.goto(app.base_url + "/scan/n/werkwinkel-gent/")
    page.get_by_role("link", name=re.compile("najaar")).click()
    return page.url, page.locator(".join-code").inner_text().strip()


def _answer_item(phone: Page, item: str, value: str) -> None:
    phone.locator(f'input[name="item-{item}"][value="{value}"]').check()
    fieldset = phone.locator("fieldset.item", has=phone.locator(f'input[name="item-{item}"]'))
    expect(fieldset.locator(".saved")).not_to_be_empty()


def _watch(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def test_answer_on_a_phone_leave_come_back_close_and_see_the_radar(
    app: App, browser: Browser, page: Page
) -> None:
    log_in(page, app, "coordinator@verbindend.demo")
    round_url, code = _open_round(page, app)

    phone = new_phone_page(browser)
    errors = _watch(phone)
    phone.goto(f"{app.base_url}/scan/r/c/{code}/")
    assert_accessible(phone, context="scan start on a phone")
    phone.select_option("select[name=organisation]", label="De Stek vzw")
    phone.select_option("select[name=lead_role]", value="follower")
    phone.locator("form.stacked button[type=submit]").click()
    phone.wait_for_url("**/1/")
    assert_accessible(phone, context="scan page on a phone")
    items = [
        phone.locator("fieldset.item input").nth(i).get_attribute("name")
        for i in range(phone.locator("fieldset.item input").count())
    ]
    page_one = sorted({name[5:] for name in items if name})
    for n, item in enumerate(page_one):
        _answer_item(phone, item, str(1 + n % 5))
    phone.get_by_role("button", name=re.compile("Bewaren en verder|Save and continue")).click()
    phone.wait_for_url("**/2/")
    first_of_page_two = phone.locator("fieldset.item input").first.get_attribute("name") or ""
    _answer_item(phone, first_of_page_two[5:], "unknown")
    phone.close()  # leave halfway: the browser keeps its cookie

    back = phone.context.new_page()
    errors += _watch(back)
    back.goto(f"{app.base_url}/scan/r/c/{code}/")
    back.locator(".respond a.button").click()  # continue where you left off
    back.wait_for_url("**/2/")
    expect(back.locator(f'input[name="{first_of_page_two}"][value="unknown"]')).to_be_checked()
    for _ in range(4):
        if "/done/" in back.url:
            break
        for fieldset in back.locator("fieldset.item").all():
            if not fieldset.locator("input:checked").count():
                fieldset.locator('input[value="4"]').check()
        back.locator("form.scan-page button[type=submit]:not([name=back])").click()
        back.wait_for_load_state()
    back.wait_for_url("**/done/")
    back.locator(".respond form button[type=submit]").click()
    expect(back.locator("h1")).to_contain_text(re.compile("Bedankt|Thank you"))
    back.context.close()
    assert not errors, errors

    # the coordinator closes the round and sees the radar
    page.goto(round_url)
    page.locator("button[name=close]").click()
    expect(page.locator("#results-h")).to_be_visible()
    expect(page.locator("figure.radar-figure svg").first).to_be_visible()
    assert_accessible(page, context="scan results")
    round_path = round_url.removeprefix(app.base_url)

    # a member of another network cannot see it
    app.manage("shell", "-c", MAKE_OUTSIDER)
    page.context.clear_cookies()
    log_in(page, app, OUTSIDER)
    for path in (round_path, round_path + "radar.svg", round_path + "agenda/"):
        response = page.request.get(app.base_url + path)
        assert response.status == 404, (path, response.status)
        assert b"<polygon" not in response.body()


def test_hidden_figures_are_explained_to_members_and_the_coordinator(
    app: App, browser: Browser, page: Page, tmp_path_factory: object
) -> None:
    """Results with suppressed cells, as a member and as the coordinator, desktop and phone."""
    import os
    from pathlib import Path

    shots = Path(os.environ.get("SCREENSHOTS", "")) if os.environ.get("SCREENSHOTS") else None
    for who in ("member", "coordinator"):
        for device in ("desktop", "phone"):
            if device == "phone":
                view = new_phone_page(browser)
            else:
                context = browser.new_context(
                    viewport={"width": 1280, "height": 900}, locale="en-GB"
                )
                view = context.new_page()
            log_in(view, app, f"{who}@verbindend.demo")
            view.goto(app.base_url + "/scan/n/werkwinkel-gent/")
            links = view.locator("a[href*='/scan/n/werkwinkel-gent/']").evaluate_all(
                "els => els.map(e => e.getAttribute('href'))"
            )
            rounds = [h for h in links if re.search(r"/werkwinkel-gent/\d+/$", h)]
            view.goto(app.base_url + rounds[-1])  # the oldest closed round
            note = view.locator("#hidden-explained")
            expect(note).to_be_visible()
            text = note.inner_text()
            assert re.search(r"(at least|minstens) \d+", text), text
            marks = view.locator("td.hidden-cell .hidden-mark")
            for i in range(marks.count()):
                assert marks.nth(i).inner_text().strip() in {"hidden", "verborgen"}
                box = marks.nth(i).bounding_box()
                assert box is not None and box["width"] > 0
            size = view.evaluate(
                "parseFloat(getComputedStyle(document.querySelector('#hidden-explained')).fontSize)"
            )
            assert size >= 14
            if who == "coordinator":
                expect(view.locator("table.progress, .manage")).not_to_have_count(0)
            assert_accessible(view, context=f"scan results with hidden cells, {who}, {device}")
            if shots is not None:
                shots.mkdir(parents=True, exist_ok=True)
                view.screenshot(
                    path=str(shots / f"scan-results-{who}-{device}.png"), full_page=True
                )
            view.context.close()


OPEN_ANOTHER_ROUND = """
from datetime import timedelta
from django.utils import timezone
from verbindend.accounts.models import User
from verbindend.networks.models import Network
from verbindend.scan import services
today = timezone.localdate()
round_ = services.create_round(
    network=Network.objects.get(slug="werkwinkel-gent"),
    by=User.objects.get(email="coordinator@verbindend.demo"),
    title="Tussentijds",
    opens_on=today,
    closes_on=today + timedelta(days=7),
    k=5,
    show_breakdowns=False,
)
print(round_.code)
"""


def test_a_member_types_the_shared_scan_code_in_the_header_and_lands_on_the_scan(
    app: App, browser: Browser
) -> None:
    """The code on the wall is one code: the header's join box takes a scan's code too."""
    code = (
        app.manage("shell", "-c", OPEN_ANOTHER_ROUND).strip().splitlines()[-1]
    )  # its own round: an earlier test may have closed the demo's
    phone = new_phone_page(browser)
    log_in(phone, app, "member@verbindend.demo")
    phone.goto(app.base_url + "/overview/")
    box = phone.locator("header form.join-box")
    if not box.locator("input[name=code]").is_visible():
        phone.locator("header .menu-toggle, header button[aria-controls]").first.click()
    box.locator("input[name=code]").fill(code.lower())
    box.locator("button[type=submit]").click()
    phone.wait_for_url(re.compile(rf"/scan/r/c/{code}/"))
    expect(phone.locator("h1")).to_be_visible()
    expect(phone.locator("select[name=organisation], .respond a.button").first).to_be_visible()
    phone.context.close()


def test_dutch_results_name_their_groups_in_dutch_and_list_each_link_once(
    app: App, browser: Browser
) -> None:
    """The demo's results were first read in English; a Dutch reader sees Dutch group names."""
    for locale, shown, absent in (
        ("en-GB", {"Leading (trekker)", "Following"}, {"Trekker", "Volger"}),
        ("nl-BE", {"Trekker", "Volger", "Nieuwkomer"}, {"Leading (trekker)", "Following"}),
    ):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=locale)
        view = context.new_page()
        log_in(view, app, "member@verbindend.demo")
        view.goto(app.base_url + "/scan/n/werkwinkel-gent/")
        hrefs = view.locator("a[href*='/scan/n/werkwinkel-gent/']").evaluate_all(
            "els => els.map(e => e.getAttribute('href'))"
        )
        for href in [h for h in hrefs if re.search(r"/werkwinkel-gent/\d+/$", h)]:
            view.goto(app.base_url + href)
            if view.locator("table th", has_text=re.compile("Trekker|Leading")).count():
                break  # the round with a breakdown by role in the network
        groups = set(view.locator("table th[scope=row], table tbody th").all_inner_texts())
        assert shown <= {g.strip() for g in groups}, groups
        assert not absent & {g.strip() for g in groups}, groups
        for notes in view.locator("details.principle-notes").all():
            notes.evaluate("e => e.open = true")
            lines = [t.strip() for t in notes.locator("ul.links li").all_inner_texts()]
            assert len(lines) == len(set(lines)), lines  # each link once, with its count
        context.close()
