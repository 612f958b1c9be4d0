"""A body larger than allowed is refused before it is read, at the ASGI layer."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from asgiref.sync import async_to_sync

from verbindend.testing.asgi import http_scope

MB = 1024 * 1024


def call(
    headers: list[tuple[bytes, bytes]], chunks: list[bytes], path: str = "/accounts/login/"
) -> tuple[int, int]:
    """Send a POST through the real ASGI application; return the status and how many body
    chunks the application asked for."""
    from verbindend.asgi import application

    scope = http_scope("POST", path, [(b"host", b"127.0.0.1"), *headers])
    asked = 0
    statuses: list[int] = []

    async def receive() -> dict[str, Any]:
        nonlocal asked
        asked += 1
        if asked <= len(chunks):
            return {
                "type": "http.request",
                "body": chunks[asked - 1],
                "more_body": asked < len(chunks),
            }
        await asyncio.sleep(30)  # a client that stays connected while waiting for the answer
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    async_to_sync(application)(scope, receive, send)
    return statuses[0], asked


@pytest.mark.django_db
def test_a_declared_200_mb_upload_is_refused_before_one_byte_is_read() -> None:
    status, asked = call(
        [
            (b"content-type", b"multipart/form-data; boundary=x"),
            (b"content-length", str(200 * MB).encode()),
        ],
        [b"x" * MB] * 3,
    )
    assert status == 413 and asked == 0


@pytest.mark.django_db
def test_a_form_post_over_one_mb_is_refused_before_it_is_read() -> None:
    status, asked = call(
        [
            (b"content-type", b"application/x-www-form-urlencoded"),
            (b"content-length", str(2 * MB).encode()),
        ],
        [b"a=" + b"x" * (2 * MB - 2)],
    )
    assert status == 413 and asked == 0


@pytest.mark.django_db
def test_a_body_without_a_length_is_cut_off_at_the_limit(settings: Any) -> None:
    settings.REQUEST_MAX_BYTES = 64 * 1024
    status, asked = call(
        [(b"content-type", b"application/x-www-form-urlencoded")],
        [b"x" * 16 * 1024] * 100,  # 1.6 MB in chunks, no Content-Length
    )
    assert status == 413 and asked <= 6


@pytest.mark.django_db
def test_a_small_post_still_reaches_the_view() -> None:
    body = b"username=a%40b.test&password=x"
    status, _asked = call(
        [
            (b"content-type", b"application/x-www-form-urlencoded"),
            (b"content-length", str(len(body)).encode()),
        ],
        [body],
    )
    assert status == 403  # the view answered (no CSRF token): the body was let through


@pytest.mark.django_db
@pytest.mark.parametrize("length", [b"\xb2", b"\xb2\xb3", b"-5", b"1e3"])
def test_a_length_that_is_no_plain_number_is_refused_not_a_crash(length: bytes) -> None:
    """Latin-1 superscript digits count as digits to Python but are no number to int()."""
    status, asked = call(
        [(b"content-type", b"application/x-www-form-urlencoded"), (b"content-length", length)],
        [b"a=1"],
    )
    assert status == 413 and asked == 0
