"""Scan pages over HTTP: who may do what, answering by link and by code, exports, suppression."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.signing import get_cookie_signer
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from verbindend.core import throttle
from verbindend.scan import links
from verbindend.scan.models import Answer, Response, Round, ScanInvitation
from verbindend.scan.tests.builders import make_round, many, organisation, respond
from verbindend.testing import downloads
from verbindend.testing.personas import Personas

READERS = frozenset({"coordinator", "facilitator", "member", "observer", "researcher"})
EXPORTERS = frozenset({"coordinator", "facilitator", "researcher"})
COORDINATOR = frozenset({"coordinator"})


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def closed(personas: Personas) -> Round:
    round_ = make_round(personas.network)
    many(round_, 6, [4, 3, 2], org=personas.organisation, comments={"principle.p1": "Goed"})
    return round_


@dataclass(frozen=True)
class Row:
    name: str
    url: Callable[[Personas, Round], str]
    allowed: frozenset[str]
    method: str = "get"


def scan(name: str, *extra: str) -> Callable[[Personas, Round], str]:
    return lambda p, r: reverse(f"scan:{name}", args=[p.network.slug, r.pk, *extra])


ROWS = [
    Row("network page", lambda p, r: reverse("scan:network", args=[p.network.slug]), READERS),
    Row("new round", lambda p, r: reverse("scan:create", args=[p.network.slug]), COORDINATOR),
    Row("round", scan("round"), READERS),
    Row("agenda", scan("agenda"), READERS),
    Row("radar svg", scan("radar", "svg"), READERS),
    Row("radar png", scan("radar", "png"), READERS),
    Row("csv", scan("export", "csv"), EXPORTERS),
    Row("xlsx", scan("export", "xlsx"), EXPORTERS),
    Row("qr", scan("qr"), COORDINATOR),
    Row("invite", scan("invite"), COORDINATOR, "post"),
    Row("release", scan("release"), COORDINATOR, "post"),
    Row("close", scan("close"), COORDINATOR, "post"),
]
PEOPLE = [
    "coordinator",
    "facilitator",
    "member",
    "observer",
    "researcher",
    "study_observer",
    "other_coordinator",
    "other_researcher",
    "outsider",
]


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
def test_who_may_do_what(personas: Personas, row: Row) -> None:
    today = timezone.localdate()
    for who in PEOPLE:
        running = row.name in {"close", "invite"}
        round_ = make_round(personas.network, closed=not running, days_ago=5)
        if running:
            round_.closes_on = today + timedelta(days=5)
            round_.save()
        many(round_, 5, [4, 4, 4])
        url = row.url(personas, round_)
        response = getattr(client_for(getattr(personas, who)), row.method)(url)
        if who in row.allowed:
            assert response.status_code in {200, 302}, (who, response.status_code)
        elif who in READERS:
            assert response.status_code == 403, (who, response.status_code)
        else:
            assert response.status_code == 404, (who, response.status_code)
    anonymous = getattr(Client(), row.method)(row.url(personas, round_))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_admin_sees_everything(personas: Personas, closed: Round) -> None:
    client = client_for(personas.admin)
    assert client.get(reverse("scan:round", args=["noord", closed.pk])).status_code == 200


def test_a_round_of_another_network_is_not_found_through_this_network(
    personas: Personas, closed: Round
) -> None:
    client = client_for(personas.other_coordinator)
    url = reverse("scan:round", args=["zuid", closed.pk])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("name", "method"),
    [("round", "post"), ("agenda", "post"), ("close", "get"), ("invite", "get")],
)
def test_wrong_method(personas: Personas, closed: Round, name: str, method: str) -> None:
    url = reverse(f"scan:{name}", args=["noord", closed.pk])
    assert getattr(client_for(personas.coordinator), method)(url).status_code == 405


def test_the_subnav_links_to_the_scan(personas: Personas) -> None:
    page = client_for(personas.member).get(reverse("networks:detail", args=["noord"]))
    assert reverse("scan:network", args=["noord"]).encode() in page.content


def test_the_coordinator_opens_a_round_with_copied_settings(personas: Personas) -> None:
    client = client_for(personas.coordinator)
    page = client.get(reverse("scan:create", args=["noord"]))
    assert page.status_code == 200
    today = timezone.localdate()
    response = client.post(
        reverse("scan:create", args=["noord"]),
        {
            "title": "Scan 2026",
            "opens_on": today.isoformat(),
            "closes_on": (today + timedelta(days=10)).isoformat(),
            "k": 7,
            "show_breakdowns": "on",
            "reminder_days": 5,
        },
    )
    round_ = Round.objects.get()
    assert response["Location"] == round_.get_absolute_url()
    assert (round_.k, round_.reminder_days, round_.created_by) == (7, 5, personas.coordinator)
    again = client.get(reverse("scan:create", args=["noord"]))
    assert again.context["form"].initial["k"] == 7


@pytest.mark.parametrize(
    "bad",
    [{"k": "4"}, {"k": "abc"}, {"closes_on": "2000-01-01"}, {"title": ""}, {"reminder_days": "0"}],
)
def test_a_bad_round_form_saves_nothing(personas: Personas, bad: dict[str, str]) -> None:
    today = timezone.localdate()
    data = {
        "title": "Scan",
        "opens_on": today.isoformat(),
        "closes_on": (today + timedelta(days=10)).isoformat(),
        "k": "5",
        "reminder_days": "7",
        **bad,
    }
    response = client_for(personas.coordinator).post(reverse("scan:create", args=["noord"]), data)
    assert response.status_code == 200 and response.context["form"].errors
    assert not Round.objects.exists()


def test_the_round_page_shows_figures_comments_and_links(personas: Personas, closed: Round) -> None:
    links.register("test", lambda network, key: [links.Link(f"Log {key}", "/log/1/", "Log")])
    try:
        page = client_for(personas.member).get(closed.get_absolute_url())
    finally:
        links.unregister("test")
    html = page.content.decode()
    assert page.status_code == 200
    # P1: every respondent scored (4 + 3) / 2 = 3.5; P2: 2
    assert "<svg" in html and "3.50" in html and "2.00" in html
    assert "Goed" in html and "Log principle.p1" in html
    assert "Run the round" not in html  # progress is for the coordinator


def test_results_wait_for_close_or_release(personas: Personas) -> None:
    round_ = make_round(personas.network, closed=False, days_ago=1)
    many(round_, 6, [4, 4, 4])
    member = client_for(personas.member)
    assert b"4.00" not in member.get(round_.get_absolute_url()).content
    agenda = member.get(reverse("scan:agenda", args=["noord", round_.pk]))
    assert agenda.status_code == 409
    client_for(personas.coordinator).post(reverse("scan:release", args=["noord", round_.pk]))
    assert b"4.00" in member.get(round_.get_absolute_url()).content


def test_the_coordinator_sees_progress_per_organisation(personas: Personas) -> None:
    round_ = make_round(personas.network, closed=False, days_ago=1)
    many(round_, 3, [4, 4, 4], org=personas.organisation)
    respond(round_, [1, 1, 1])
    Response.objects.create(round=round_)  # started, nothing answered yet: not counted
    page = client_for(personas.coordinator).get(round_.get_absolute_url())
    # 3 in one organisation and 1 without: both fewer than k, so only the total is shown
    assert page.context["progress"]["per_org"] == []
    assert page.context["progress"]["rest"] == 4
    assert page.context["progress"]["total"] == 4
    assert round_.code in page.content.decode()


def test_the_coordinator_closes_and_invites(personas: Personas) -> None:
    round_ = make_round(personas.network, closed=False, days_ago=1)
    client = client_for(personas.coordinator)
    personas.person.email = "ann@example.org"
    personas.person.save()
    client.post(reverse("scan:invite", args=["noord", round_.pk]))
    assert ScanInvitation.objects.get().email == "ann@example.org"
    client.post(reverse("scan:close", args=["noord", round_.pk]))
    round_.refresh_from_db()
    assert round_.is_closed
    again = client.post(reverse("scan:close", args=["noord", round_.pk]))
    assert again.status_code == 409


def test_agenda_lists_principles_with_reflections_and_exercise(
    personas: Personas, closed: Round
) -> None:
    page = client_for(personas.observer).get(reverse("scan:agenda", args=["noord", closed.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('class="card topic"') == 2  # only two principles in this round
    assert "scan_workshop" not in html  # an observer does not run sessions


def test_agenda_starts_a_live_scan_workshop_with_its_principles(
    personas: Personas, closed: Round
) -> None:
    from verbindend.live.models import LiveSession

    client = client_for(personas.facilitator)
    page = client.get(reverse("scan:agenda", args=["noord", closed.pk]))
    html = page.content.decode()
    action = reverse("live:network_create", args=["noord"])
    assert f'action="{action}"' in html and 'value="scan_workshop"' in html
    chosen = re.search(r'name="principles" value="([^"]+)"', html).group(1)
    response = client.post(action, {"template": "scan_workshop", "principles": chosen})
    assert response.status_code == 302
    session = LiveSession.objects.get(network=personas.network, template="scan_workshop")
    keys = {step.content_key for step in session.steps.all()}
    assert {k for k in keys if k.startswith("principle.")} == set(chosen.split(","))


def test_exports_and_radar_downloads(personas: Personas, closed: Round) -> None:
    client = client_for(personas.coordinator)
    data = client.get(reverse("scan:export", args=["noord", closed.pk, "csv"]))
    rows = list(csv.reader(io.StringIO(downloads.text(data))))
    assert rows[0] == ["organisation", *closed.item_keys]
    assert rows[1] == ["Organisatie Één", "4", "3", "2"] and len(rows) == 7
    book = client.get(reverse("scan:export", args=["noord", closed.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(book.content)).worksheets[0]
    assert [c.value for c in next(sheet.iter_rows(min_row=2, max_row=2))] == [
        "Organisatie Één",
        4,
        3,
        2,
    ]
    svg = client.get(reverse("scan:radar", args=["noord", closed.pk, "svg"]))
    assert svg["Content-Type"].startswith("image/svg+xml") and b"<polygon" in svg.content
    png = client.get(reverse("scan:radar", args=["noord", closed.pk, "png"]))
    assert png.content.startswith(b"\x89PNG")
    by_org = client.get(reverse("scan:radar", args=["noord", closed.pk, "svg"]) + "?by=tenure")
    assert by_org.status_code == 200
    assert client.get(f"/scan/n/noord/{closed.pk}/radar.csv").status_code == 404


def test_csv_cells_cannot_become_formulas(personas: Personas) -> None:
    round_ = make_round(personas.network)
    many(round_, 6, [4, 4, 4], org=organisation(personas.network, "=HYPERLINK(1)"))
    data = client_for(personas.coordinator).get(
        reverse("scan:export", args=["noord", round_.pk, "csv"])
    )
    assert "'=HYPERLINK(1)" in downloads.text(data)


def test_no_spreadsheet_cell_becomes_a_formula(personas: Personas) -> None:
    """XLSX cells stay text, and the CSV guard also catches a leading tab or carriage return."""
    round_ = make_round(personas.network)
    names = ["=HYPERLINK(1)", "\t=1+1", "\r=2+2", "+3", "-4+5", "@SUM(1)"]
    for name in names:
        many(round_, 6, [4, 4, 4], org=organisation(personas.network, name))
    client = client_for(personas.coordinator)
    book = client.get(reverse("scan:export", args=["noord", round_.pk, "xlsx"]))
    cells = [
        c for row in load_workbook(io.BytesIO(book.content)).worksheets[0].iter_rows() for c in row
    ]
    assert not [c.value for c in cells if c.data_type == "f"]
    text = downloads.text(client.get(reverse("scan:export", args=["noord", round_.pk, "csv"])))
    first = {row[0] for row in csv.reader(io.StringIO(text))} - {"organisation"}
    assert first == {"'" + name for name in names}


# suppression everywhere ------------------------------------------------------------


@pytest.fixture
def attack(personas: Personas) -> Round:
    """Organisation A: 7 trekkers; B: 2 trekkers and 11 followers (see test_results)."""
    round_ = make_round(personas.network)
    a, b = organisation(personas.network, "Org-A"), organisation(personas.network, "Org-B")
    many(round_, 7, [5, 5, 5], org=a, lead_role="trekker", comments={"principle.p1": "Uit A"})
    many(round_, 2, [1, 1, 1], org=b, lead_role="trekker", comments={"principle.p2": "Uit B"})
    many(round_, 11, [3, 3, 3], org=b, lead_role="follower")
    return round_


def test_no_small_group_on_the_page_in_exports_or_comments(
    personas: Personas, attack: Round
) -> None:
    client = client_for(personas.coordinator)
    html = client.get(attack.get_absolute_url()).content.decode()
    assert "Org-B" in html
    assert 'data-dimension="lead_role"' not in html  # trekkers and followers both hidden
    assert "Org-A</th>" in html  # with the roles hidden, A (7) and B (13) are safe
    assert "— Org-B" in html  # B is shown, so its comment may say so
    rows = list(
        csv.reader(
            io.StringIO(
                downloads.text(client.get(reverse("scan:export", args=["noord", attack.pk, "csv"])))
            )
        )
    )
    assert rows[0][0] == "organisation" and "lead_role" not in rows[0]
    assert {row[0] for row in rows[1:]} <= {"", "Org-A", "Org-B"}
    svg = client.get(
        reverse("scan:radar", args=["noord", attack.pk, "svg"]) + "?by=lead_role"
    ).content.decode()
    assert "trekker" not in svg.lower() and "following" not in svg.lower()


def test_below_k_nothing_anywhere(personas: Personas) -> None:
    round_ = make_round(personas.network)
    many(round_, 4, [2, 2, 2], org=personas.organisation, comments={"principle.p1": "Geheim"})
    client = client_for(personas.coordinator)
    html = client.get(round_.get_absolute_url()).content.decode()
    assert 'data-suppressed="round"' in html and "Geheim" not in html and "2.00" not in html
    agenda = client.get(reverse("scan:agenda", args=["noord", round_.pk])).content.decode()
    assert 'data-suppressed="round"' in agenda and "card topic" not in agenda
    data = downloads.text(client.get(reverse("scan:export", args=["noord", round_.pk, "csv"])))
    assert data.strip() == ""
    svg = client.get(reverse("scan:radar", args=["noord", round_.pk, "svg"])).content
    assert b"<polygon points" not in svg.replace(b'fill="none"', b"") or b"fill-opacity" not in svg


# answering ----------------------------------------------------------------------


@pytest.fixture
def open_round(personas: Personas) -> Round:
    round_ = make_round(personas.network, closed=False, days_ago=1)
    round_.item_keys = ["scan.p1.s1", "scan.p1.s2", "scan.p2.s1"]
    round_.save()
    return round_


def test_answering_by_invitation_resumes_and_finishes(
    personas: Personas, open_round: Round
) -> None:
    invitation = ScanInvitation.objects.create(
        round=open_round, email="ann@example.org", person=personas.person
    )
    client = Client()  # no account needed
    start = reverse("scan:start", args=["i", invitation.token])
    page = client.get(start)
    assert page.status_code == 200
    assert page.context["form"].initial["organisation"] == personas.organisation.pk
    reply = client.post(start, {"organisation": personas.organisation.pk, "lead_role": "trekker"})
    assert reply["Location"] == reverse("scan:page", args=["i", invitation.token, 1])
    item = reverse("scan:item", args=["i", invitation.token])
    saved = client.post(
        item, {"item": "scan.p1.s1", "item-scan.p1.s1": "4"}, headers={"HX-Request": "true"}
    )
    assert saved.status_code == 200 and b"Saved" in saved.content
    # leave, come back with the same link: resume on page 1 (s2 still open)
    again = Client().get(start)
    assert again.context["resume"] == 1
    page1 = Client().get(reverse("scan:page", args=["i", invitation.token, 1]))
    assert page1.context["rows"][0]["current"] == "4"
    # finish page 1 without JavaScript, then page 2
    done = client.post(
        reverse("scan:page", args=["i", invitation.token, 1]),
        {"item-scan.p1.s1": "5", "item-scan.p1.s2": "unknown", "comment": "Samen"},
    )
    assert done["Location"] == reverse("scan:page", args=["i", invitation.token, 2])
    last = client.post(
        reverse("scan:page", args=["i", invitation.token, 2]), {"item-scan.p2.s1": "2"}
    )
    assert last["Location"] == reverse("scan:done", args=["i", invitation.token])
    client.post(reverse("scan:done", args=["i", invitation.token]))
    response = Response.objects.get()
    assert response.finished_at is not None
    assert (response.organisation, response.lead_role) == (personas.organisation, "trekker")
    assert dict(response.answers.values_list("item_key", "value")) == {
        "scan.p1.s1": 5,
        "scan.p1.s2": None,
        "scan.p2.s1": 2,
    }
    # answering twice: a second start is refused, the first response is kept
    twice = client.post(start, {"lead_role": "follower"})
    assert twice.status_code == 409 and b"already" in twice.content
    assert Response.objects.get().lead_role == "trekker"


def test_answering_by_code_is_one_response_per_browser(
    personas: Personas, open_round: Round
) -> None:
    start = reverse("scan:start", args=["c", open_round.code])
    phone = Client()
    assert phone.get(start).status_code == 200
    phone.post(start, {"organisation": personas.organisation.pk, "tenure": "newcomer"})
    phone.post(
        reverse("scan:item", args=["c", open_round.code]),
        {"item": "scan.p1.s1", "item-scan.p1.s1": "3"},
    )
    assert phone.get(start).context["resume"] == 1  # the cookie brings the same response back
    twice = phone.post(start, {"tenure": "long_standing"})
    assert twice.status_code == 409
    other = Client()
    other.post(start, {})
    assert Response.objects.count() == 2
    assert Answer.objects.get().value == 3
    # the code is accepted in lower case too
    assert (
        Client().get(reverse("scan:start", args=["c", open_round.code.lower()])).status_code == 200
    )


def test_forged_tokens_and_cookies_are_refused(personas: Personas, open_round: Round) -> None:
    client = Client()
    for url in [
        reverse("scan:start", args=["i", "forged"]),
        reverse("scan:page", args=["i", "forged", 1]),
        reverse("scan:start", args=["c", "NOPE2345"]),
    ]:
        response = client.get(url)
        assert response.status_code == 404 and b"not valid" in response.content
    forged = Client()
    forged.cookies[f"scan_{open_round.pk}"] = "someone-else:signature"
    response = forged.post(
        reverse("scan:item", args=["c", open_round.code]),
        {"item": "scan.p1.s1", "item-scan.p1.s1": "1"},
    )
    assert response.status_code == 404
    # a correctly signed cookie of a response of another round is refused as well
    other = make_round(personas.network, closed=False, days_ago=1)
    foreign = Response.objects.create(round=other)
    signed = Client()
    signer = get_cookie_signer(salt=f"scan_{open_round.pk}verbindend.scan.response")
    signed.cookies[f"scan_{open_round.pk}"] = signer.sign(foreign.token)
    assert signed.get(reverse("scan:page", args=["c", open_round.code, 1])).status_code == 404
    assert not Answer.objects.exists()


def test_a_page_before_starting_asks_to_start(open_round: Round) -> None:
    response = Client().get(reverse("scan:page", args=["c", open_round.code, 1]))
    assert response.status_code == 409


@pytest.mark.parametrize("value", ["0", "6", "", "drie", "<script>", "1e3"])
def test_out_of_range_over_http(personas: Personas, open_round: Round, value: str) -> None:
    invitation = ScanInvitation.objects.create(round=open_round, email="a@example.org")
    client = Client()
    client.post(reverse("scan:start", args=["i", invitation.token]), {})
    item = reverse("scan:item", args=["i", invitation.token])
    client.post(item, {"item": "scan.p1.s1", "item-scan.p1.s1": "2"})
    response = client.post(item, {"item": "scan.p1.s1", "item-scan.p1.s1": value})
    assert response.status_code == 400
    page = client.post(
        reverse("scan:page", args=["i", invitation.token, 1]), {"item-scan.p1.s1": value}
    )
    assert page.status_code in {302, 400}  # an empty value on a page is "not answered yet"
    assert Answer.objects.get().value == 2


def test_smuggled_items_and_pages_are_refused(open_round: Round) -> None:
    invitation = ScanInvitation.objects.create(round=open_round, email="a@example.org")
    client = Client()
    client.post(reverse("scan:start", args=["i", invitation.token]), {})
    page1 = reverse("scan:page", args=["i", invitation.token, 1])
    assert client.post(page1, {"item-scan.p2.s1": "4"}).status_code == 400
    assert client.post(page1, {"item-scan.p9.s1": "4"}).status_code == 400
    assert client.get(reverse("scan:page", args=["i", invitation.token, 9])).status_code == 404
    assert not Answer.objects.exists()


def test_after_close_nothing_changes(personas: Personas, open_round: Round) -> None:
    invitation = ScanInvitation.objects.create(round=open_round, email="a@example.org")
    client = Client()
    client.post(reverse("scan:start", args=["i", invitation.token]), {})
    item = reverse("scan:item", args=["i", invitation.token])
    client.post(item, {"item": "scan.p1.s1", "item-scan.p1.s1": "2"})
    open_round.closed_at = timezone.now()
    open_round.save()
    response = client.post(item, {"item": "scan.p1.s1", "item-scan.p1.s1": "5"})
    assert response.status_code == 409 and b"closed" in response.content
    assert Answer.objects.get().value == 2
    page = client.get(reverse("scan:page", args=["i", invitation.token, 1]))
    assert page.status_code == 200 and b"disabled" in page.content


def test_respondent_pages_reject_wrong_methods(open_round: Round) -> None:
    client = Client()
    assert client.get(reverse("scan:item", args=["c", open_round.code])).status_code == 405
    assert client.put(reverse("scan:start", args=["c", open_round.code])).status_code == 405


def test_the_round_page_draws_the_trend(personas: Personas) -> None:
    old = make_round(personas.network, title="Vorig jaar", days_ago=400)
    many(old, 5, [2, 2, 2])
    new = make_round(personas.network, title="Dit jaar", days_ago=30)
    many(new, 5, [4, 4, 4])
    html = client_for(personas.member).get(new.get_absolute_url()).content.decode()
    assert 'class="trend-chart"' in html and "Vorig jaar" in html
    assert html.count("<circle") == 4  # two rounds × two principles


def test_guessing_share_codes_and_links_is_throttled_per_address(open_round: Round) -> None:
    cache.clear()
    guesser = Client(REMOTE_ADDR="10.0.0.7")
    for attempt in range(throttle.FAILURES_ALLOWED):
        kind = "c" if attempt % 2 else "i"
        assert guesser.get(reverse("scan:start", args=[kind, f"GUESS{attempt}"])).status_code == 404
    blocked = guesser.get(reverse("scan:start", args=["c", open_round.code]))
    assert blocked.status_code == 429 and b"scans.throttled" in blocked.content
    # another address, and the right code, still get in; answering never counts as a failure
    member = Client(REMOTE_ADDR="10.0.0.8")
    for _ in range(throttle.FAILURES_ALLOWED + 2):
        assert member.get(reverse("scan:start", args=["c", open_round.code])).status_code == 200
    cache.clear()
