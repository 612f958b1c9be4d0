"""The web processes' Django handler: a page's middleware and view run on a page thread in one
hand-over, static files are served in the same sync chain, and the result is what a browser
gets."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from asgiref import sync
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse

from verbindend.live.asgi import SharedExecutorASGIHandler
from verbindend.testing.asgi import http_scope
from verbindend.testing.personas import Personas


def _get(handler: Any, path: str, cookie: str = "") -> tuple[int, dict[bytes, bytes], bytes]:
    """One GET through the ASGI handler, as uvicorn sends it; (status, headers, body)."""
    headers = [(b"host", b"testserver"), (b"accept-language", b"nl")]
    scope = http_scope("GET", path, headers + ([(b"cookie", cookie.encode())] if cookie else []))
    messages: list[dict[str, Any]] = []
    received = False

    async def receive() -> dict[str, Any]:
        nonlocal received
        if not received:
            received = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()  # the client stays until the response is sent
        raise AssertionError

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    async def one_task() -> None:  # one task a request, as the server runs them
        await asyncio.create_task(handler(scope, receive, send))

    sync.async_to_sync(one_task)()
    start = messages[0]
    body = b"".join(m.get("body", b"") for m in messages[1:])
    return start["status"], {k.lower(): v for k, v in start["headers"]}, body


def _cookie(user: Any) -> str:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


@pytest.mark.django_db(transaction=True)
def test_a_page_takes_three_hand_overs_to_a_page_thread(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    handler = SharedExecutorASGIHandler()
    cookie = _cookie(personas.coordinator)
    page = reverse("networks:detail", args=[personas.network.slug])
    _get(handler, page, cookie)  # the first request builds what later ones reuse

    calls: Counter[str] = Counter()
    original = sync.SyncToAsync.__call__

    async def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls[getattr(self.func, "__qualname__", repr(self.func))] += 1
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(sync.SyncToAsync, "__call__", counted)
    status, headers, body = _get(handler, page, cookie)

    assert status == 200
    assert personas.network.name.encode() in body
    assert b'lang="nl"' in body
    assert headers[b"content-security-policy"].startswith(b"default-src 'self'")
    assert headers[b"x-content-type-options"] == b"nosniff"
    # The chain with its view, Django's request signal and the response's close. Built async,
    # as Django builds it, with ServeStatic's async middleware in front, this page took eight:
    # a sync middleware hook or the view, one hand-over each.
    assert sum(calls.values()) == 3, calls


@pytest.mark.django_db(transaction=True)
def test_static_files_are_served_by_the_same_chain() -> None:
    handler = SharedExecutorASGIHandler()
    status, headers, body = _get(handler, "/static/img/favicon.svg")
    source = Path(settings.BASE_DIR) / "verbindend" / "core" / "static" / "img" / "favicon.svg"
    assert status == 200
    assert headers[b"content-type"].startswith(b"image/svg+xml")
    assert body == source.read_bytes()
    assert int(headers[b"content-length"]) == len(body)
    assert headers[b"x-content-type-options"] == b"nosniff"

    status, _headers, _body = _get(handler, "/static/img/no-such-file.svg")
    assert status == 404
