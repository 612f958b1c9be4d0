"""Every live view: who may use it, wrong methods, the public join flow and the phone."""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from verbindend.core import throttle
from verbindend.live import engine, services
from verbindend.live.models import Contribution, LiveSession, State, StepKind, Theme
from verbindend.testing.personas import PERSONAS

from .conftest import Room

RUNNERS = {"coordinator", "facilitator"}
NETWORK_READERS = {"coordinator", "facilitator", "member", "observer", "researcher"}


@dataclass(frozen=True)
class Row:
    name: str
    url: Callable[[Room], str]
    allowed: frozenset[str]
    method: str = "get"
    data: Callable[[Room], dict[str, str]] | None = None


def on(name: str, *extra: Callable[[Room], object]) -> Callable[[Room], str]:
    return lambda r: reverse(f"live:{name}", args=[r.session.pk, *(f(r) for f in extra)])


def first_contribution(r: Room) -> int:
    return services.enter_for(session=r.session, step=r.step, name="X", text="hallo").id


ROWS = [
    Row(
        "sessions",
        lambda r: reverse("live:network", args=[r.p.network.slug]),
        frozenset(NETWORK_READERS),
    ),
    Row(
        "create",
        lambda r: reverse("live:network_create", args=[r.p.network.slug]),
        frozenset(RUNNERS),
        "post",
        lambda r: {"template": "focus_group"},
    ),
    Row("console", on("console"), frozenset(RUNNERS)),
    Row("panel", on("panel"), frozenset(RUNNERS)),
    Row("steps", on("steps"), frozenset(RUNNERS)),
    Row("wall", on("wall"), frozenset(RUNNERS)),
    Row("wall frame", on("wall_frame"), frozenset(RUNNERS)),
    Row("qr", on("qr"), frozenset(RUNNERS)),
    Row("handout", on("handout"), frozenset(RUNNERS)),
    Row("control", on("control"), frozenset(RUNNERS), "post", lambda r: {"action": "next"}),
    Row("duplicate", on("duplicate"), frozenset(RUNNERS), "post"),
    Row("theme", on("add_theme"), frozenset(RUNNERS), "post", lambda r: {"name": "Tijd"}),
    Row(
        "enter",
        on("enter"),
        frozenset(RUNNERS),
        "post",
        lambda r: {"name": "Piet", "text": "Zonder gsm"},
    ),
    Row(
        "moderate",
        on("moderate", first_contribution),
        frozenset(RUNNERS),
        "post",
        lambda r: {"action": "hide"},
    ),
    Row("synthesis", on("synthesis"), frozenset(NETWORK_READERS)),
    Row("export csv", on("export", lambda r: "csv"), frozenset(NETWORK_READERS)),
]


def expected(row: Row, who: str) -> set[int]:
    if who in row.allowed:
        return {200, 302}
    return {403} if who in NETWORK_READERS else {404}


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
@pytest.mark.parametrize("who", PERSONAS)
def test_each_role_gets_what_the_table_says(room: Room, row: Row, who: str) -> None:
    client = Client()
    client.force_login(room.p.everyone()[who])
    data = row.data(room) if row.data else {}
    response = getattr(client, row.method)(row.url(room), data)
    assert response.status_code in expected(row, who), (who, row.name, response.status_code)


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
def test_anonymous_is_sent_to_log_in(room: Room, row: Row) -> None:
    response = getattr(Client(), row.method)(row.url(room))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
def test_wrong_method_is_refused(room: Room, row: Row) -> None:
    client = Client()
    client.force_login(room.p.facilitator)
    assert client.put(row.url(room)).status_code == 405
    if row.name not in {"steps", "synthesis"}:  # these take GET and POST
        response = (client.post if row.method == "get" else client.get)(row.url(room))
        assert response.status_code == 405


def test_a_co_facilitator_of_the_network_may_run_the_session(room: Room) -> None:
    client = Client()
    client.force_login(room.p.member)
    assert client.get(reverse("live:console", args=[room.session.pk])).status_code == 403
    services.invite_co_facilitator(session=room.session, user=room.p.member)
    assert client.get(reverse("live:console", args=[room.session.pk])).status_code == 200


def test_only_people_of_the_scope_can_be_co_facilitators(room: Room) -> None:
    with pytest.raises(services.DomainError):
        services.invite_co_facilitator(session=room.session, user=room.p.outsider)


def test_study_sessions_belong_to_the_study(personas: object) -> None:
    p = personas
    client = Client()
    client.force_login(p.researcher)  # type: ignore[attr-defined]
    url = reverse("live:study_create", args=[p.study.slug])  # type: ignore[attr-defined]
    response = client.post(url, {"template": "cross_network"})
    assert response.status_code == 302
    session = LiveSession.objects.get(study=p.study)  # type: ignore[attr-defined]
    assert client.get(reverse("live:console", args=[session.pk])).status_code == 200
    other = Client()
    other.force_login(p.facilitator)  # type: ignore[attr-defined]
    assert other.get(reverse("live:console", args=[session.pk])).status_code == 404
    observer = Client()
    observer.force_login(p.study_observer)  # type: ignore[attr-defined]
    assert observer.get(reverse("live:console", args=[session.pk])).status_code == 403
    assert observer.get(reverse("live:synthesis", args=[session.pk])).status_code == 200


def test_the_scan_agenda_can_preselect_principle_cards(personas: object) -> None:
    p = personas
    client = Client()
    client.force_login(p.coordinator)  # type: ignore[attr-defined]
    client.post(
        reverse("live:network_create", args=[p.network.slug]),  # type: ignore[attr-defined]
        {"template": "scan_workshop", "principles": "principle.p2,principle.p4"},
    )
    session = LiveSession.objects.get(template="scan_workshop")
    assert [s.content_key for s in session.steps.all()] == ["principle.p2", "principle.p4"]
    assert {s.kind for s in session.steps.all()} == {StepKind.PRINCIPLE_CARD}


def test_an_unknown_template_says_so(personas: object) -> None:
    client = Client()
    client.force_login(personas.coordinator)  # type: ignore[attr-defined]
    url = reverse("live:network_create", args=[personas.network.slug])  # type: ignore[attr-defined]
    response = client.post(url, {"template": "<script>"})
    assert response.status_code == 400
    assert b"template" in response.content


# -- joining --------------------------------------------------------------------------------


def test_joining_by_code_sets_the_participant_cookie(room: Room) -> None:
    client = Client()
    url = reverse("live:join")
    page = client.get(url, {"code": room.session.join_code.lower()})
    assert page.status_code == 200 and b"organisation" in page.content
    response = client.post(
        url,
        {
            "code": room.session.join_code,
            "details": "1",
            "display_name": "Bea",
            "organisation": room.p.organisation.pk,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("live:phone", args=[room.session.public_id])
    joined = room.session.participants.get(display_name="Bea")
    assert joined.organisation == room.p.organisation
    assert client.get(response["Location"]).status_code == 200


def test_an_organisation_of_another_network_is_refused(room: Room) -> None:
    other = room.p.other_network.memberships.get().organisation
    response = Client().post(
        reverse("live:join"),
        {"code": room.session.join_code, "details": "1", "organisation": other.pk},
    )
    assert response.status_code == 200
    assert not room.session.participants.filter(organisation=other).exists()


def test_a_logged_in_member_is_recognised(room: Room) -> None:
    client = Client()
    client.force_login(room.p.member)
    client.post(reverse("live:join"), {"code": room.session.join_code, "details": "1"})
    assert room.session.participants.filter(user=room.p.member).exists()


def test_a_wrong_code_and_a_closed_code_say_so(room: Room) -> None:
    cache.clear()
    wrong = Client().post(reverse("live:join"), {"code": "AAAAAA"})
    assert wrong.status_code == 400 and b"live.wrong_code" in wrong.content
    services.close(session=room.session)
    closed = Client().post(reverse("live:join"), {"code": room.session.join_code})
    assert closed.status_code == 400 and b"live.closed" in closed.content


def test_guessing_codes_is_throttled_per_address_but_joining_is_not(room: Room) -> None:
    cache.clear()
    client = Client(REMOTE_ADDR="10.0.0.9")
    for i in range(throttle.FAILURES_ALLOWED):  # distinct wrong codes: each one counts
        assert client.post(reverse("live:join"), {"code": f"WRONG{i}"}).status_code == 400
    blocked = client.post(reverse("live:join"), {"code": room.session.join_code})
    assert blocked.status_code == 429  # a code never used from this address is not tried
    other = Client(REMOTE_ADDR="10.0.0.10")
    for _ in range(30):  # a whole room on one address joins fine
        ok = other.post(reverse("live:join"), {"code": room.session.join_code})
        assert ok.status_code == 200
    cache.clear()


def test_the_phone_without_a_cookie_goes_to_join(room: Room) -> None:
    response = Client().get(reverse("live:phone", args=[room.session.public_id]))
    assert response.status_code == 302 and "code=" in response["Location"]
    assert (
        Client().get(reverse("live:phone_step", args=[room.session.public_id])).status_code == 404
    )


def test_the_phone_answers_without_javascript(room: Room) -> None:
    phone = room.phone()
    client_id = str(uuid.uuid4())
    url = reverse("live:phone_answer", args=[room.session.public_id])
    data = {"client_id": client_id, "step": room.step.pk, "text": "<b>vet</b>"}
    assert phone.post(url, data).status_code == 302
    assert phone.post(url, data).status_code == 302  # a double post stores it once
    assert Contribution.objects.filter(client_id=client_id).count() == 1
    page = phone.get(reverse("live:phone", args=[room.session.public_id]))
    assert b"1 answer" in page.content or b"1 antwoord" in page.content


def test_overlong_phone_answer_is_refused_clearly(room: Room) -> None:
    url = reverse("live:phone_answer", args=[room.session.public_id])
    data = {"client_id": str(uuid.uuid4()), "step": room.step.pk, "text": "x" * 1001}
    response = room.phone().post(url, data)
    assert response.status_code == 400 and b"live.too_long" in response.content


def test_principle_cards_take_one_answer_per_question(personas: object) -> None:
    session = services.create_session(
        creator=personas.coordinator,  # type: ignore[attr-defined]
        template="scan_workshop",
        network=personas.network,  # type: ignore[attr-defined]
        principles=["principle.p3"],
    )
    services.start(session=session)
    session.refresh_from_db()
    participant = services.join(session=session)
    from verbindend.live.models import cookie_name

    client = Client()
    client.cookies[cookie_name(session.public_id)] = participant.token
    page = client.get(reverse("live:phone", args=[session.public_id]))
    assert b"item:principle.p3.r1" in page.content
    client.post(
        reverse("live:phone_answer", args=[session.public_id]),
        {
            "client_id": str(uuid.uuid4()),
            "step": session.current_step_id,
            "item:principle.p3.r1": "Ja",
            "item:principle.p3.r2": "Soms",
            "item:principle.p3.r3": "",
        },
    )
    assert sorted(c.value["item"] for c in Contribution.objects.filter(session=session)) == [
        "principle.p3.r1",
        "principle.p3.r2",
    ]


# -- running and moderating -----------------------------------------------------------------


def test_the_console_runs_the_session(room: Room) -> None:
    client = Client()
    client.force_login(room.p.facilitator)
    url = reverse("live:control", args=[room.session.pk])
    for action in ["reveal", "lock", "unlock", "hide", "next", "back"]:
        assert client.post(url, {"action": action}).status_code == 302
    assert client.post(url, {"action": "timer", "minutes": "3"}).status_code == 302
    assert client.post(url, {"action": "timer", "minutes": "999"}).status_code == 400
    assert client.post(url, {"action": "explode"}).status_code == 400
    assert client.post(url, {"action": "close"}).status_code == 302
    room.session.refresh_from_db()
    assert room.session.state == State.CLOSED
    assert client.post(url, {"action": "next"}).status_code == 400


def test_moderation_groups_tags_merges_and_hides(room: Room) -> None:
    client = Client()
    client.force_login(room.p.facilitator)
    a = services.enter_for(session=room.session, step=room.step, name="A", text="Tijd maken")
    b = services.enter_for(session=room.session, step=room.step, name="B", text="Tijd nemen")
    client.post(reverse("live:add_theme", args=[room.session.pk]), {"name": "Tijd"})
    theme = Theme.objects.get(session=room.session)
    url = reverse("live:moderate", args=[room.session.pk, a.id])
    assert client.post(url, {"action": "theme", "theme": theme.pk}).status_code == 302
    assert client.post(url, {"action": "tag", "tag": "condition.shared"}).status_code == 302
    unknown = {"action": "tag", "tag": "principle.p9"}  # method-key: ignore
    assert client.post(url, unknown).status_code == 400
    url_b = reverse("live:moderate", args=[room.session.pk, b.id])
    assert client.post(url_b, {"action": "merge", "into": a.id}).status_code == 302
    assert client.post(url_b, {"action": "hide"}, HTTP_HX_REQUEST="true").status_code == 200
    first = Contribution.objects.get(pk=a.id)
    second = Contribution.objects.get(pk=b.id)
    assert first.theme == theme and first.tags == ["condition.shared"]
    assert second.merged_into_id == a.id and second.hidden
    kinds = list(room.session.events.values_list("kind", flat=True))
    assert kinds.count("moderation") == 4


def test_another_sessions_theme_cannot_be_used(room: Room) -> None:
    other = services.create_session(
        creator=room.p.facilitator, template="blank", network=room.p.network
    )
    theme = services.add_theme(session=other, name="Elders")
    a = services.enter_for(session=room.session, step=room.step, name="A", text="x")
    client = Client()
    client.force_login(room.p.facilitator)
    url = reverse("live:moderate", args=[room.session.pk, a.id])
    assert client.post(url, {"action": "theme", "theme": theme.pk}).status_code == 404


def test_steps_can_be_added_moved_and_removed(room: Room) -> None:
    client = Client()
    client.force_login(room.p.facilitator)
    url = reverse("live:steps", args=[room.session.pk])
    response = client.post(url, {"kind": "choice", "prompt": "Welke?", "options": "a\nb\nc"})
    assert response.status_code == 302
    added = room.session.steps.order_by("-order").first()
    assert added is not None and added.options["items"] == ["a", "b", "c"]
    client.post(url, {"action": "up", "step": added.pk})
    added.refresh_from_db()
    assert added.order == room.session.steps.count() - 1
    client.post(url, {"action": "delete", "step": added.pk})
    assert not room.session.steps.filter(pk=added.pk).exists()
    refused = client.post(url, {"action": "delete", "step": room.step.pk})
    assert refused.status_code == 302  # no answers yet: removing is fine
    bad = client.post(url, {"kind": "choice", "prompt": "Een optie", "options": "a"})
    assert bad.status_code == 400


def test_duplicating_copies_the_steps(room: Room) -> None:
    copy = services.duplicate_session(session=room.session, creator=room.p.facilitator)
    assert copy.steps.count() == room.session.steps.count()
    assert copy.join_code != room.session.join_code and copy.state == State.LOBBY


# -- privacy of farewell letters ------------------------------------------------------------


def test_a_farewell_letter_is_private_unless_shared(room: Room) -> None:
    letter = room.session.steps.get(kind=StepKind.FAREWELL_LETTER)
    services.go_to(session=room.session, step=letter)
    services.set_step_flag(step=letter, flag="revealed", value=True)
    for text, shared in [("GEHEIM-1", False), ("GEHEIM-2", False), ("GEDEELD-3", True)]:
        writer = services.join(session=room.session, display_name=text[:3])
        services.submit_now(
            engine.Submission(
                room.session.public_id,
                writer.token,
                letter.pk,
                uuid.uuid4(),
                text,
                shared=shared,
            )
        )
    client = Client()
    client.force_login(room.p.facilitator)
    admin = Client()
    admin.force_login(room.p.admin)
    pages = [
        client.get(reverse("live:console", args=[room.session.pk])),
        client.get(reverse("live:panel", args=[room.session.pk])),
        client.get(reverse("live:wall", args=[room.session.pk])),
        client.get(reverse("live:wall_frame", args=[room.session.pk])),
        client.get(reverse("live:synthesis", args=[room.session.pk])),
        client.get(reverse("live:export", args=[room.session.pk, "csv"])),
        admin.get(reverse("live:console", args=[room.session.pk])),
    ]
    for page in pages:
        assert page.status_code == 200
        assert b"GEHEIM" not in page.content
    assert b"GEDEELD-3" in pages[2].content
    assert b"GEDEELD-3" in pages[5].content
    summary = pages[4].content.decode()
    assert "3 letters" in summary or "3 brieven" in summary
    assert "GEHEIM" not in str(services.visible_contributions(room.session).values_list("text"))
    xlsx = client.get(reverse("live:export", args=[room.session.pk, "xlsx"]))
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    cells = [c.value for row in sheet.iter_rows() for c in row]
    assert not any("GEHEIM" in str(c) for c in cells)
    with pytest.raises(services.DomainError):
        services.set_theme(
            contribution=Contribution.objects.get(text="GEHEIM-1"),
            theme=services.add_theme(session=room.session, name="T"),
        )


def test_exports_do_not_run_formulas(room: Room) -> None:
    services.enter_for(session=room.session, step=room.step, name="", text="=HYPERLINK(1)")
    client = Client()
    client.force_login(room.p.facilitator)
    csv = client.get(reverse("live:export", args=[room.session.pk, "csv"])).content.decode()
    assert "'=HYPERLINK(1)" in csv
    assert client.get(reverse("live:export", args=[room.session.pk, "pdf"])).status_code == 404


def test_the_synthesis_is_saved(room: Room) -> None:
    client = Client()
    client.force_login(room.p.facilitator)
    url = reverse("live:synthesis", args=[room.session.pk])
    assert client.post(url, {"notes": "Vertrouwen"}).status_code == 302
    assert room.session.synthesis.notes == "Vertrouwen"
    observer = Client()
    observer.force_login(room.p.observer)
    assert observer.post(url, {"notes": "x"}).status_code == 403


def test_the_phone_shows_the_facilitators_timer_while_the_session_runs(room: Room) -> None:
    step_url = reverse("live:phone_step", args=[room.session.public_id])
    assert b"phone-timer" not in room.phone().get(step_url).content
    services.set_timer(session=room.session, minutes=3)
    room.session.refresh_from_db()
    page = room.phone().get(step_url).content.decode()
    assert f'data-ends="{room.session.timer_ends_at.isoformat()}"' in page
    assert 'role="timer"' in page
    services.close(session=room.session)
    assert b"phone-timer" not in room.phone().get(step_url).content


def test_a_room_keeps_joining_after_some_phones_typed_wrong_codes(room: Room) -> None:
    """Behind one school address, the right code keeps working once it has worked there."""
    school = Client(REMOTE_ADDR="10.0.0.20")
    assert school.post(reverse("live:join"), {"code": room.session.join_code}).status_code == 200
    for n in range(throttle.FAILURES_ALLOWED + 5):
        wrong = Client(REMOTE_ADDR="10.0.0.20").post(reverse("live:join"), {"code": f"ZZZZZ{n}"})
        assert wrong.status_code in {400, 429}
    for _ in range(5):
        late = Client(REMOTE_ADDR="10.0.0.20")
        assert late.post(reverse("live:join"), {"code": room.session.join_code}).status_code == 200
    # while a new guess from that address is refused without being looked up
    guess = Client(REMOTE_ADDR="10.0.0.20").post(reverse("live:join"), {"code": "QQQQQQ"})
    assert guess.status_code == 429


def test_one_misread_code_typed_by_a_whole_room_counts_once(room: Room) -> None:
    for _ in range(throttle.FAILURES_ALLOWED * 3):
        phone = Client(REMOTE_ADDR="10.0.0.21")
        assert phone.post(reverse("live:join"), {"code": "ABCDE0"}).status_code == 400
    fresh = Client(REMOTE_ADDR="10.0.0.21")
    assert fresh.post(reverse("live:join"), {"code": room.session.join_code}).status_code == 200


def test_a_forged_forwarded_for_header_does_not_escape_the_throttle(room: Room) -> None:
    for n in range(throttle.FAILURES_ALLOWED):
        client = Client(REMOTE_ADDR="10.0.0.22", headers={"x-forwarded-for": f"203.0.113.{n}"})
        client.post(reverse("live:join"), {"code": f"YYYYY{n}"})
    rotated = Client(REMOTE_ADDR="10.0.0.22", headers={"x-forwarded-for": "203.0.113.99"})
    assert rotated.post(reverse("live:join"), {"code": "YYYYYY"}).status_code == 429


def test_behind_a_trusted_proxy_each_client_counts_on_its_own(room: Room, settings) -> None:  # type: ignore[no-untyped-def]
    settings.TRUSTED_PROXIES = ["10.9.0.0/24"]
    for n in range(throttle.FAILURES_ALLOWED):
        proxied = Client(
            REMOTE_ADDR="10.9.0.5", headers={"x-forwarded-for": "6.6.6.6, 198.51.100.7"}
        )
        proxied.post(reverse("live:join"), {"code": f"WWWWW{n}"})
    same = Client(REMOTE_ADDR="10.9.0.5", headers={"x-forwarded-for": "1.1.1.1, 198.51.100.7"})
    assert same.post(reverse("live:join"), {"code": "WWWWWW"}).status_code == 429
    other = Client(REMOTE_ADDR="10.9.0.5", headers={"x-forwarded-for": "198.51.100.8"})
    assert other.post(reverse("live:join"), {"code": room.session.join_code}).status_code == 200


@pytest.mark.parametrize("after", ["²", "٣", "9" * 5000, "-1", "1e9", "99999999999999999999"])
def test_a_strange_resume_point_starts_the_stream_from_the_beginning(
    room: Room, after: str
) -> None:
    from asgiref.sync import async_to_sync
    from django.test import RequestFactory

    from verbindend.live import views

    request = RequestFactory().get(reverse("live:stream", args=[room.session.pk]), {"after": after})
    facilitator = room.p.facilitator

    async def auser() -> Any:
        return facilitator

    request.user, request.auser = facilitator, auser
    response = async_to_sync(views.stream)(request, pk=room.session.pk)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/event-stream"


@pytest.mark.parametrize(
    "extra",
    [
        {"scale": "²"},
        {"scale": "9" * 5000},
        {"choices": ["٣", "99999999999999999999"]},
        {"dots": ["¹"]},
        {"client_id": "not-a-uuid", "item:principle.p1.r1": "Ja"},
        {"client_id": "", "item:principle.p1.r1": "Ja"},
    ],
)
def test_the_answer_form_without_javascript_refuses_what_no_phone_sends(
    room: Room, extra: dict[str, object]
) -> None:
    url = reverse("live:phone_answer", args=[room.session.public_id])
    data = {"client_id": str(uuid.uuid4()), "step": room.step.pk, "text": "", **extra}
    response = room.phone().post(url, data)
    assert response.status_code in {302, 400}
    assert not Contribution.objects.filter(session=room.session).exists() or (
        response.status_code == 302
    )


def test_an_answer_loses_bidirectional_overrides(room: Room) -> None:
    client_id = str(uuid.uuid4())
    url = reverse("live:phone_answer", args=[room.session.public_id])
    data = {"client_id": client_id, "step": room.step.pk, "text": "\u202etxt.exe\u2069 klopt"}
    assert room.phone().post(url, data).status_code == 302
    assert Contribution.objects.get(client_id=client_id).text == "txt.exe klopt"
