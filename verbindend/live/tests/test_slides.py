"""A facilitator's own picture on a slide: checked, stripped of metadata, shown only to the room."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from verbindend.live import services
from verbindend.live.models import SlideImage

from .conftest import Room


def photo(size: tuple[int, int] = (1200, 800), fmt: str = "JPEG", mode: str = "RGB") -> bytes:
    """A camera-like photo: EXIF with a place (GPS) and a camera name."""
    picture = Image.new(mode, size, (30, 120, 90) if mode == "RGB" else (30, 120, 90, 128))
    exif = Image.Exif()
    exif[0x0110] = "Camera van Ann"  # model
    exif[0x8825] = {1: "N", 2: (51.0, 3.0, 0.0)}  # GPS
    out = io.BytesIO()
    picture.save(out, format=fmt, exif=exif.tobytes()) if fmt == "JPEG" else picture.save(
        out, format=fmt
    )
    return out.getvalue()


def upload(client: Client, room: Room, data: bytes, name: str = "foto.jpg"):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("live:steps", args=[room.session.pk]),
        {
            "kind": "slide",
            "prompt": "Onze jobbeurs",
            "picture": SimpleUploadedFile(name, data, content_type="image/jpeg"),
        },
    )


def facilitator(room: Room) -> Client:
    client = Client()
    client.force_login(room.p.facilitator)
    return client


def test_an_uploaded_picture_becomes_a_slide_without_its_metadata(room: Room) -> None:
    client = facilitator(room)
    assert upload(client, room, photo((4000, 3000))).status_code == 302
    step = room.session.steps.get(kind="slide", prompt="Onze jobbeurs")
    stored = SlideImage.objects.get(step=step)
    assert (stored.width, stored.height) == (2560, 1920)  # scaled to what a beamer shows
    again = Image.open(io.BytesIO(bytes(stored.data)))
    assert again.format == "JPEG" and not again.getexif()  # no camera, no place
    assert b"Camera van Ann" not in bytes(stored.data)

    url = reverse("live:slide_picture", args=[room.session.public_id, step.pk])
    served = room.phone().get(url)  # a phone of this session
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert served.content == bytes(stored.data)
    assert client.get(url).status_code == 200  # the facilitator, for the wall and console
    page = client.get(reverse("live:steps", args=[room.session.pk])).content.decode()
    assert url in page  # a thumbnail on the steps page


def test_nobody_outside_the_room_sees_the_picture(room: Room) -> None:
    upload(facilitator(room), room, photo())
    step = room.session.steps.get(kind="slide")
    url = reverse("live:slide_picture", args=[room.session.public_id, step.pk])
    assert Client().get(url).status_code == 404
    for user in (room.p.other_coordinator, room.p.outsider):
        stranger = Client()
        stranger.force_login(user)
        assert stranger.get(url).status_code == 404
    # another session's phone, or this session's public id with another session's step
    other = services.create_session(
        creator=room.p.facilitator, template="focus_group", network=room.p.network
    )
    stranger_phone = Client()
    stranger_phone.cookies.update(room.phone().cookies)
    assert (
        stranger_phone.get(
            reverse("live:slide_picture", args=[other.public_id, step.pk])
        ).status_code
        == 404
    )


def test_what_is_not_a_picture_is_refused_and_nothing_is_added(room: Room) -> None:
    client = facilitator(room)
    before = room.session.steps.count()
    for data, name in (
        (b"<svg onload=alert(1)></svg>", "x.svg"),
        (b"%PDF-1.4 not a picture", "x.jpg"),
        (photo()[:400], "cut.jpg"),  # truncated
    ):
        response = upload(client, room, data, name)
        assert response.status_code == 400, name
        assert "Use a PNG, JPEG, WebP or GIF file." in response.content.decode(), name
        assert room.session.steps.count() == before, name
    empty = upload(client, room, b"", "empty.jpg")  # the form says so next to the field
    assert empty.status_code == 200 and "errorlist" in empty.content.decode()
    assert room.session.steps.count() == before and not SlideImage.objects.exists()


def test_a_decompression_bomb_is_refused(room: Room) -> None:
    bomb = io.BytesIO()
    Image.new("1", (20000, 20000)).save(bomb, format="PNG")  # small file, 400 megapixels
    response = upload(facilitator(room), room, bomb.getvalue(), "bom.png")
    assert response.status_code == 400
    assert "megapixels" in response.content.decode()
    assert not SlideImage.objects.exists()


def test_a_transparent_picture_stays_a_png_and_copies_with_the_session(room: Room) -> None:
    upload(facilitator(room), room, photo((300, 200), fmt="PNG", mode="RGBA"), "logo.png")
    step = room.session.steps.get(kind="slide")
    assert SlideImage.objects.get(step=step).content_type == "image/png"
    copy = services.duplicate_session(session=room.session, creator=room.p.facilitator)
    copied = copy.steps.get(kind="slide")
    assert bytes(copied.slide_image.data) == bytes(step.slide_image.data)


def test_a_slide_needs_an_aid_or_a_picture(room: Room) -> None:
    response = facilitator(room).post(
        reverse("live:steps", args=[room.session.pk]), {"kind": "slide", "prompt": "Leeg"}
    )
    assert response.status_code == 400
    assert not room.session.steps.filter(kind="slide").exists()
