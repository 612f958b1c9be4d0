"""The five attacks of the small-group promise, run against the real pages and exports.

Each test plays a curious or determined member (or observer) through the Django test client on
the real database: answering by the round's shared code from fresh browsers, reading a page
before and after one more answer, combining three breakdowns, filtering history lines, and
downloading a live session's export. Each shows the attack recovers nothing: no individual
answer and no membership of a group below k.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from fractions import Fraction

import lxml.html
import pytest
from django.test import Client
from django.urls import reverse

from verbindend.historyline import services as historyline
from verbindend.live import services as live
from verbindend.live.engine import Submission
from verbindend.networks.models import Organisation, Person
from verbindend.scan import services as scan
from verbindend.scan.models import Response, ResultSnapshot, Round, ScanInvitation
from verbindend.scan.tests.builders import ITEMS, make_round, organisation, respond
from verbindend.testing.personas import Personas

P1, P2 = "principle.p1", "principle.p2"


def logged_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def answer_by_view(
    client: Client,
    kind: str,
    key: str,
    *,
    org: Organisation | None,
    lead_role: str = "",
    values: tuple[str, str, str] = ("3", "3", "3"),
    comment: str = "",
) -> None:
    """Answer a round as a person does: the start form, then one page per principle."""
    started = client.post(
        reverse("scan:start", args=[kind, key]),
        {"organisation": org.pk if org else "", "lead_role": lead_role},
    )
    assert started.status_code == 302, started.content[:300]
    one = client.post(
        reverse("scan:page", args=[kind, key, 1]),
        {f"item-{ITEMS[0]}": values[0], f"item-{ITEMS[1]}": values[1], "comment": comment},
    )
    assert one.status_code == 302
    two = client.post(reverse("scan:page", args=[kind, key, 2]), {f"item-{ITEMS[2]}": values[2]})
    assert two.status_code == 302


def invited(round_: Round, email: str, **kwargs: object) -> None:
    invitation = ScanInvitation.objects.create(round=round_, email=email)
    answer_by_view(Client(), "i", invitation.token, **kwargs)  # type: ignore[arg-type]


def read(client: Client, round_: Round) -> dict[str, object]:
    """What the results page shows: per principle (n, mean), and every breakdown cell."""
    page = client.get(round_.get_absolute_url())
    assert page.status_code == 200
    tree = lxml.html.fromstring(page.content)
    figures = {}
    for row in tree.xpath('//table[@class="figures"]//tr[@data-principle]'):
        cells = row.xpath("./td")
        mean = row.xpath('./td[@class="mean"]')
        figures[row.get("data-principle")] = (
            int(cells[0].text_content()),
            float(mean[0].text_content()) if mean else None,
        )
    groups = {}
    for table in tree.xpath('//table[contains(@class, "breakdown")]'):
        for row in table.xpath(".//tbody/tr"):
            label = row.xpath("./th")[0].text_content().strip()
            cells = [td.text_content().strip() for td in row.xpath("./td")]
            groups[(table.get("data-dimension"), label)] = (
                int(cells[0]),
                [None if not c[:1].isdigit() else float(c) for c in cells[1:]],
            )
    return {"figures": figures, "groups": groups, "html": page.content.decode()}


def rank(rows: list[list[Fraction]]) -> int:
    matrix = [list(r) for r in rows if any(r)]
    found, column = 0, 0
    width = len(matrix[0]) if matrix else 0
    while found < len(matrix) and column < width:
        pivot = next((i for i in range(found, len(matrix)) if matrix[i][column]), None)
        if pivot is None:
            column += 1
            continue
        matrix[found], matrix[pivot] = matrix[pivot], matrix[found]
        for i in range(len(matrix)):
            if i != found and matrix[i][column]:
                f = matrix[i][column] / matrix[found][column]
                matrix[i] = [a - f * b for a, b in zip(matrix[i], matrix[found], strict=True)]
        found += 1
        column += 1
    return found


def recoverable(
    people: list[int], cells: list[set[int]], known: frozenset[int] = frozenset()
) -> set[int]:
    """The people whose own value follows from sums over ``cells`` (and the ``known`` ones)."""
    rows = [[Fraction(int(p in c)) for p in people] for c in cells]
    rows += [[Fraction(int(p == q)) for p in people] for q in known]
    base = rank(rows)
    return {
        person
        for person in people
        if person not in known
        and rank([*rows, [Fraction(int(p == person)) for p in people]]) == base
    }


def cells_read(round_: Round, seen: dict[str, object]) -> list[set[int]]:
    """The membership of every figure read: the whole round and each breakdown row shown.

    The attacker knows their colleagues' organisations and roles; the respondents are taken
    from the snapshot the page shows (the strongest assumption for the attacker).
    """
    snapshot = ResultSnapshot.objects.filter(round=round_).order_by("-pk").first()
    population = set(snapshot.response_ids) if snapshot else set()
    attributes = {
        r.pk: r for r in Response.objects.filter(pk__in=population).select_related("organisation")
    }
    cells = [population]
    for (dimension, label), (_size, means) in seen["groups"].items():  # type: ignore[attr-defined]
        if all(m is None for m in means):
            continue
        members = set()
        for pk, r in attributes.items():
            value = (
                r.organisation_name
                if dimension == "organisation"
                else r.get_lead_role_display()
                if dimension == "lead_role"
                else None
            )
            if value == label:
                members.add(pk)
        cells.append(members)
    return cells


# 1. fake respondents by the shared code ---------------------------------------------------------


def test_fake_respondents_by_the_shared_code_do_not_make_up_a_group(personas: Personas) -> None:
    network = personas.network
    round_ = make_round(network, items=ITEMS, closed=False, days_ago=1)
    target, big = organisation(network, "Kleine vzw"), organisation(network, "Grote vzw")
    for n in range(6):
        invited(round_, f"big{n}@example.org", org=big, values=("4", "4", "4"))
    invited(round_, "real@example.org", org=target, values=("1", "2", "5"), comment="Alleen ik")
    # the attacker invents four respondents of the same organisation, each a new browser
    for _ in range(4):
        answer_by_view(Client(), "c", round_.code, org=target, values=("3", "3", "3"))
    assert Response.objects.filter(round=round_, verified=False).count() == 4
    scan.release_results(round_=round_)
    seen = read(logged_in(personas.member), round_)
    html = str(seen["html"])
    assert ("organisation", "Kleine vzw") not in seen["groups"]  # type: ignore[operator]
    assert "— Kleine vzw" not in html  # the real person's comment is not credited to it
    assert 'data-waiting="4"' in html  # the page says four answers wait
    # 5·mean − the invented answers is not available: the whole figure excludes them too
    n, mean = seen["figures"][P1]  # type: ignore[index]
    assert (n, mean) == (7, 3.64)  # (6 × 4 + 1.5) / 7: the invented answers are not in it
    people = sorted(round_.snapshots.get().response_ids)
    real = Response.objects.get(round=round_, organisation=target, verified=True).pk
    assert real not in recoverable(people, cells_read(round_, seen))
    # one browser may not answer twice, and one address may start only so many
    again = Client()
    answer_by_view(again, "c", round_.code, org=target)
    repeat = again.post(reverse("scan:start", args=["c", round_.code]), {"organisation": ""})
    assert repeat.status_code == 409


def test_a_logged_in_member_answers_once_and_counts_at_once(personas: Personas) -> None:
    round_ = make_round(personas.network, items=ITEMS, closed=False, days_ago=1)
    client = logged_in(personas.member)
    answer_by_view(client, "c", round_.code, org=None)
    response = Response.objects.get(round=round_)
    assert response.verified and response.user == personas.member
    again = client.post(reverse("scan:start", args=["c", round_.code]), {"organisation": ""})
    assert again.status_code == 409
    assert Response.objects.filter(round=round_).count() == 1


def test_the_coordinator_confirms_the_waiting_batch(personas: Personas) -> None:
    round_ = make_round(personas.network, items=ITEMS, closed=False, days_ago=1)
    for _ in range(5):
        answer_by_view(Client(), "c", round_.code, org=None)
    coordinator = logged_in(personas.coordinator)
    assert 'data-waiting="5"' in coordinator.get(round_.get_absolute_url()).content.decode()
    coordinator.post(reverse("scan:confirm", args=["noord", round_.pk]))
    assert Response.objects.filter(round=round_).counted().count() == 5
    member = logged_in(personas.member)
    assert member.post(reverse("scan:confirm", args=["noord", round_.pk])).status_code == 403


# 2. differencing over time ----------------------------------------------------------------------


def test_reading_before_and_after_one_more_answer_gives_nothing(personas: Personas) -> None:
    network = personas.network
    round_ = make_round(network, items=ITEMS, closed=False, days_ago=1)
    orgs = [organisation(network, name) for name in ("Een", "Twee")]
    for n in range(10):
        invited(round_, f"p{n}@example.org", org=orgs[n % 2], values=("4", "3", str(1 + n % 5)))
    scan.release_results(round_=round_)
    member = logged_in(personas.member)
    before = read(member, round_)
    invited(round_, "late@example.org", org=orgs[0], values=("1", "1", "1"))
    after = read(member, round_)
    # the figures are a snapshot: one new answer changes nothing on the page
    assert before["figures"] == after["figures"] and before["groups"] == after["groups"]
    assert 'data-later="1"' in str(after["html"])  # ...and the page says why
    # the coordinator's progress shows organisations only under the same rule
    coordinator = logged_in(personas.coordinator)
    progress = coordinator.get(round_.get_absolute_url()).context["progress"]
    assert ("Een", 6) in progress["per_org"] or progress["per_org"] == []
    # with three more, four new answers are still fewer than k: the same snapshot; the fifth
    # new answer makes a new one
    for n in range(3):
        invited(round_, f"later{n}@example.org", org=orgs[n % 2], values=("2", "2", "2"))
    assert read(member, round_)["figures"] == before["figures"]
    invited(round_, "fifth@example.org", org=orgs[1], values=("5", "5", "5"))
    third = read(member, round_)
    assert third["figures"] != before["figures"]
    # everything read over time together: nobody's answer follows
    first_cells = cells_read_at(round_, before, 0)
    second_cells = cells_read_at(round_, third, 1)
    people = sorted(set().union(*first_cells, *second_cells))
    assert recoverable(people, first_cells + second_cells) == set()


def cells_read_at(round_: Round, seen: dict[str, object], index: int) -> list[set[int]]:
    snapshot = list(ResultSnapshot.objects.filter(round=round_).order_by("pk"))[index]
    latest = ResultSnapshot.objects.filter(round=round_).order_by("-pk").first()
    assert latest is not None
    # read the cells against the snapshot the page showed at that time
    ids = set(snapshot.response_ids)
    cells = cells_read(round_, seen)
    return [cell & ids if cell else ids for cell in cells]


# 3. three breakdowns ----------------------------------------------------------------------------


def test_three_breakdowns_do_not_isolate_anyone(personas: Personas) -> None:
    """org6 − (followers − org7) is org6's one trekker under the old pair rule."""
    network = personas.network
    round_ = make_round(network, items=ITEMS)
    org6, org7, org8 = (organisation(network, f"Org{n}") for n in (6, 7, 8))
    lone = respond(round_, [1, 1, 1], org=org6, lead_role="trekker")
    for _ in range(5):
        respond(round_, [4, 4, 4], org=org6, lead_role="follower")
        respond(round_, [3, 3, 3], org=org7, lead_role="follower")
    for _ in range(6):
        respond(round_, [5, 5, 5], org=org8, lead_role="trekker")
    seen = read(logged_in(personas.member), round_)
    groups = seen["groups"]
    shown = {key for key, (_size, means) in groups.items() if any(m is not None for m in means)}  # type: ignore[attr-defined]
    cells = cells_read(round_, seen)
    people = sorted(cells[0])
    assert lone.pk not in recoverable(people, cells)
    assert recoverable(people, cells) == set()
    # the formula of the attack cannot be evaluated: one of its three figures is missing
    needed = {("organisation", "Org6"), ("organisation", "Org7"), ("lead_role", "Following")}
    assert not needed <= shown


def test_four_breakdowns_with_blank_attributes_do_not_isolate_anyone(personas: Personas) -> None:
    network = personas.network
    round_ = make_round(network, items=ITEMS)
    a, b = organisation(network, "A"), organisation(network, "B")
    respond(round_, [2, 2, 2], org=a)  # no role, no tenure: the one to find
    for _ in range(5):
        respond(round_, [4, 4, 4], org=a, lead_role="follower", tenure="newcomer")
        respond(round_, [3, 3, 3], org=b, lead_role="trekker", tenure="long_standing")
        respond(round_, [5, 5, 5], lead_role="follower", engagement="volunteer")
    seen = read(logged_in(personas.member), round_)
    cells = cells_read(round_, seen)
    assert recoverable(sorted(cells[0]), cells) == set()


# 4. history lines -------------------------------------------------------------------------------


def test_history_line_filters_do_not_reveal_a_small_group(personas: Personas) -> None:
    exercise = historyline.create_exercise(
        scope=personas.network,
        title="Ons verhaal",
        start_date=date(2020, 1, 1),
        end_date=date(2024, 12, 31),
    )
    for n in range(8):
        person = Person.objects.create(
            network=personas.network,
            name=f"Persoon {n}",
            organisation=personas.organisation,
            lead_role="follower" if n < 5 else "trekker",
        )
        line, _ = historyline.save_line(
            exercise=exercise,
            participant_key=f"person:{person.pk}",
            points=[[0, 30], [400, 80 - n], [900, 20]],
        )
        historyline.add_moment(
            line=line,
            on=date(2021, 2, 1 + n),
            kind="peak",
            title=f"Moment {n}",
            story=f"VERHAAL-{n}",
            level="level.network",
        )
    member = logged_in(personas.member)
    url = reverse("historyline:together", args=[exercise.pk])
    whole = member.get(url).content.decode()
    assert all(f"VERHAAL-{n}" in whole for n in range(8))  # everyone's lines together
    for role in ("follower", "trekker"):
        page = member.get(url, {"role": role}).content.decode()
        assert not any(f"VERHAAL-{n}" in page for n in range(8)), role
        assert f'value="{role}"' not in page  # the filter is not offered either
        svg = member.get(
            reverse("historyline:overlay", args=[exercise.pk, "svg"]), {"role": role}
        ).content.decode()
        assert "VERHAAL" not in svg and "Moment " not in svg  # no line, no moment drawn


# 5. live exports ---------------------------------------------------------------------------------


def test_live_exports_never_credit_a_single_answer_to_an_organisation(
    personas: Personas,
) -> None:
    session = live.create_session(
        creator=personas.facilitator, template="focus_group", network=personas.network
    )
    live.start(session=session)
    session.refresh_from_db()
    step = session.current_step
    assert step is not None
    small = organisation(personas.network, "Eenmanszaak")
    big = organisation(personas.network, "Grote groep")
    import uuid

    def say(org: Organisation, text: str) -> None:
        who = live.join(session=session, display_name="", organisation=org)
        live.submit_now(
            Submission(
                session=session.public_id,
                token=who.token,
                step=step.pk,
                client_id=uuid.uuid4(),
                text=text,
            )
        )

    say(small, "ALLEEN-IK")
    for n in range(6):
        say(big, f"GROEP-{n}")
    facilitator = logged_in(personas.facilitator)
    body = facilitator.get(reverse("live:export", args=[session.pk, "csv"])).content.decode()
    rows = list(csv.reader(io.StringIO(body)))
    column = rows[0].index("organisation")
    texts = {row[2]: row[column] for row in rows[1:]}
    assert texts["ALLEEN-IK"] == ""  # not tied to its one-person organisation
    # and the big group is not named either: naming it would reveal the small one's answer
    assert "Eenmanszaak" not in body
    synthesis = facilitator.get(reverse("live:synthesis", args=[session.pk])).content.decode()
    assert "Eenmanszaak" not in synthesis


@pytest.mark.parametrize("big", [6, 10])
def test_live_export_names_an_organisation_when_groups_are_large(
    personas: Personas, big: int
) -> None:
    session = live.create_session(
        creator=personas.facilitator, template="focus_group", network=personas.network
    )
    live.start(session=session)
    session.refresh_from_db()
    step = session.current_step
    assert step is not None
    import uuid

    orgs = [organisation(personas.network, name) for name in ("Alfa", "Beta")]
    for org in orgs:
        for n in range(big):
            who = live.join(session=session, display_name="", organisation=org)
            live.submit_now(
                Submission(session.public_id, who.token, step.pk, uuid.uuid4(), f"{org.name}-{n}")
            )
    body = (
        logged_in(personas.facilitator)
        .get(reverse("live:export", args=[session.pk, "csv"]))
        .content.decode()
    )
    assert "Alfa-0" in body and ",Alfa," in body and ",Beta," in body
