"""Joining by code: the join box, /join/, /j/CODE and /CODE; the QR; one participant per person."""

from __future__ import annotations

from xml.etree import ElementTree

from django.test import Client
from django.urls import reverse

from verbindend.live import services
from verbindend.live.models import Participant, cookie_name

from .conftest import Room


def test_every_public_page_has_the_join_box(client: Client) -> None:
    for url in ("/", reverse("method:guide"), reverse("accounts:login")):
        page = client.get(url).content.decode()
        assert 'action="/join/"' in page and 'name="code"' in page, url


def test_the_short_addresses_lead_to_the_session(room: Room, client: Client) -> None:
    code = room.session.join_code
    target = reverse("live:join") + f"?code={code}"
    for url in (
        f"/{code}",
        f"/{code.lower()}/",
        f"/j/{code}",
        f"/join/?code={code[:3]} {code[3:]}",
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == target, url


def test_a_wrong_code_says_so_and_pages_still_win(client: Client, db: None) -> None:
    response = client.get("/join/?code=XXXXXX")
    assert response.status_code == 404 and "error-box" in response.content.decode()
    assert client.get("/method").status_code in (301, 302)  # a page, not a code


def test_the_qr_is_a_standalone_svg_and_a_png(room: Room) -> None:
    client = Client()
    client.force_login(room.p.facilitator)
    svg = client.get(reverse("live:qr", args=[room.session.pk]))
    root = ElementTree.fromstring(svg.content)  # noqa: S314 — our own server's answer
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    png = client.get(reverse("live:qr_png", args=[room.session.pk]))
    assert png["Content-Type"] == "image/png" and png.content[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_qr_holds_the_short_join_address(room: Room) -> None:
    import segno

    client = Client()
    client.force_login(room.p.facilitator)
    svg = client.get(reverse("live:qr", args=[room.session.pk])).content
    expected = segno.make(f"http://testserver/{room.session.join_code}", error="m")
    buffer = __import__("io").BytesIO()
    expected.save(
        buffer, kind="svg", scale=8, border=2, dark="#10252d", light="#ffffff", xmldecl=False
    )
    assert svg == buffer.getvalue()


def test_the_same_phone_rejoins_as_the_same_participant(room: Room) -> None:
    phone = Client()
    url = reverse("live:join") + f"?code={room.session.join_code}"
    phone.post(url, {"details": "1", "code": room.session.join_code, "display_name": "Ann"})
    before = Participant.objects.filter(session=room.session).count()
    again = phone.get(url)
    assert again.status_code == 302 and again["Location"].endswith(f"/s/{room.session.public_id}/")
    assert Participant.objects.filter(session=room.session).count() == before


def test_the_same_account_on_two_phones_is_one_participant(room: Room) -> None:
    first, second = Client(), Client()
    for phone in (first, second):
        phone.force_login(room.p.member)
        phone.post(
            reverse("live:join") + f"?code={room.session.join_code}",
            {"details": "1", "code": room.session.join_code, "display_name": "Mia"},
        )
    mine = Participant.objects.filter(session=room.session, user=room.p.member)
    assert mine.count() == 1
    assert first.cookies[cookie_name(room.session.public_id)].value == mine.get().token
    assert second.cookies[cookie_name(room.session.public_id)].value == mine.get().token
    summary = services  # counts in the synthesis say so
    from verbindend.live import synthesis

    assert synthesis.session_summary(room.session).participants == room.session.participants.count()
    del summary


def test_a_study_session_asks_network_and_organisation(room: Room) -> None:
    from verbindend.networks.models import Network
    from verbindend.studies.models import Case

    p = room.p
    session = services.create_session(creator=p.researcher, template="cross_network", study=p.study)
    networks = services.network_choices(session)
    assert networks is not None
    if not networks.exists():
        Case.objects.create(study=p.study, network=p.network)
    phone = Client()
    page = phone.get(reverse("live:join") + f"?code={session.join_code}").content.decode()
    assert 'name="network"' in page and 'name="organisation"' in page
    outsider = Network.objects.exclude(pk__in=services.network_choices(session)).first()
    if outsider is not None:
        response = phone.post(
            reverse("live:join") + f"?code={session.join_code}",
            {"details": "1", "code": session.join_code, "network": outsider.pk},
        )
        assert response.status_code == 200 and not session.participants.exists()
