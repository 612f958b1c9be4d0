"""The ASGI front of the app: the participants' hot path, and Django with one shared executor.

Two measured choices (ARCHITECTURE §5):

- Django runs every request in one shared sync executor instead of a thread per request, so
  thousands of open streams do not park thousands of threads.
- A phone's two hot endpoints — submitting an answer and holding its event stream — are served
  here directly, async end to end, without Django's (partly sync) middleware stack. They need no
  login, session or template: the participant's own token cookie identifies them, the body is
  JSON (so a cross-site form cannot post it), and the writer does every other check.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import signal
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie
from typing import Any

from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.db import DatabaseError, connection
from django.utils import translation

from verbindend.core.errors import DomainError
from verbindend.live import engine
from verbindend.live.models import LiveSession, Participant, cookie_name

log = logging.getLogger(__name__)

API = re.compile(r"^/live/api/(?P<session>[A-Za-z0-9_-]{1,16})/(?P<what>contributions|events)$")
BODY_MAX = 64 * 1024

_reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="live-reader")


class Members:
    """Which session a phone's token belongs to, for the streams' reconnects: the most recent
    ``limit`` phones only, so a server that sees phones come and go for weeks stays its size."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.known: OrderedDict[tuple[str, str], int] = OrderedDict()

    def get(self, key: tuple[str, str]) -> int | None:
        session_pk = self.known.get(key)
        if session_pk is not None:
            self.known.move_to_end(key)
        return session_pk

    def put(self, key: tuple[str, str], session_pk: int) -> None:
        self.known[key] = session_pk
        self.known.move_to_end(key)
        while len(self.known) > self.limit:
            self.known.popitem(last=False)


_members = Members(limit=20_000)


class PagePool:
    """A few single-thread executors for Django's sync code (pages, exports, forms).

    Each request runs all its sync code on ONE of them (Django's connections and transactions
    are per thread), chosen as the least busy; so a long export or a heavy page holds one
    thread, not the whole process, while open streams still park no thread at all. Live work
    (the writer, the hot path's reads) has its own threads and never queues here.
    """

    def __init__(self, size: int) -> None:
        self.executors = [
            ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"django-sync-{i}")
            for i in range(max(1, size))
        ]
        self.busy = [0] * len(self.executors)

    def connect(self) -> None:
        """Have each thread open its database connection now, before its first request waits
        for it (10–30 ms each, and longer on a busy machine). Not waited for: a database that
        is down delays no start, and a request queued meanwhile runs after it on its thread."""
        for executor in self.executors:
            executor.submit(_open_connection)

    def acquire(self) -> int:
        index = min(range(len(self.busy)), key=self.busy.__getitem__)
        self.busy[index] += 1
        return index

    def release(self, index: int) -> None:
        self.busy[index] -= 1


def _open_connection() -> None:
    try:
        connection.ensure_connection()
    except DatabaseError:
        log.warning("page thread: the database is not reachable yet; connecting on first use")


class SharedExecutorASGIHandler(ASGIHandler):
    """Django's handler, running the sync code of all requests on a small shared pool.

    The middleware chain is built sync, view included, and handed to a page thread in one go.
    Built async, as Django's ASGI handler builds it, each sync hook of a middleware
    (``process_request``, ``process_view``, ...) and the view ran in a hand-over of its own
    between the event loop and a thread, each copying the request's context: eight per page,
    now three (the chain, and Django's request signal and response close). An async view still
    works: Django runs it on the event loop while the thread waits for its response (the
    streams' views only check access before they return).
    """

    pool = PagePool(int(os.environ.get("WEB_PAGE_THREADS", "4")))

    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)
        chain: Any = self._middleware_chain  # type: ignore[has-type]
        self._middleware_chain = sync_to_async(chain, thread_sensitive=True)

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle HTTP connections, not {scope['type']}.")
        index = self.pool.acquire()
        try:
            async with ThreadSensitiveContext(executor=self.pool.executors[index]):
                await self.handle(scope, receive, send)
        finally:
            self.pool.release(index)


def _read(fn: Any, *args: Any) -> Any:
    for attempt in range(2):
        try:
            return fn(*args)
        except DatabaseError:
            connection.close()
            if attempt:
                raise
    raise AssertionError  # unreachable


async def run_read(fn: Any, *args: Any) -> Any:
    """Database reads of the hot path, on their own thread with a persistent connection."""
    return await asyncio.get_running_loop().run_in_executor(_reader, _read, fn, *args)


def _member(public_id: str, token: str) -> int | None:
    """The session of the phone holding ``token`` (None for a stranger)."""
    participant = Participant.objects.of_phone(public_id, token)
    return participant.session_id if participant is not None else None


def _headers(scope: dict) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


async def _respond(send: Any, status: int, body: dict[str, Any]) -> None:
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"cache-control", b"no-store"),
                (b"x-content-type-options", b"nosniff"),
                (b"content-length", str(len(payload)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})


def _language(headers: dict[str, str]) -> str:
    accept = headers.get("accept-language", "")
    return "en" if accept.lower().startswith("en") else "nl"


def _same_origin(headers: dict[str, str], scope: dict) -> bool:
    origin = headers.get("origin")
    if not origin:
        return True
    host = headers.get("host", "")
    return origin.split("://", 1)[-1] == host


async def _submit(scope: dict, receive: Any, send: Any, public_id: str) -> None:
    headers = _headers(scope)
    if scope["method"] != "POST":
        await _respond(send, 405, {"ok": False, "code": "live.method", "message": "POST only"})
        return
    body, more = b"", True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            return
        body += message.get("body", b"")
        more = message.get("more_body", False)
        if len(body) > BODY_MAX:
            break
    with translation.override(_language(headers)):
        try:
            if len(body) > BODY_MAX:
                raise DomainError("live.too_long", translation.gettext("This answer is too long."))
            if not headers.get("content-type", "").startswith("application/json"):
                raise DomainError(
                    "live.bad_request", translation.gettext("Send the answer as JSON.")
                )
            if not _same_origin(headers, scope):
                raise DomainError("live.origin", translation.gettext("Wrong origin."), status=403)
            token = _token(headers, public_id)
            try:
                data = json.loads(body)
            except ValueError:
                data = None
            item = engine.parse_submission(public_id, token, data)
            ack = await engine.writer.submit(item)
        except DomainError as error:
            await _respond(
                send, error.status, {"ok": False, "code": error.code, "message": str(error.message)}
            )
            return
        except Exception:
            log.exception("live: submission failed")
            await _respond(send, 503, {"ok": False, "code": "live.retry", "message": "Try again."})
            return
    await _respond(
        send, 200, {"ok": True, "id": ack.id, "seq": ack.sequence, "duplicate": ack.duplicate}
    )


def _token(headers: dict[str, str], public_id: str) -> str:
    cookie = SimpleCookie()
    try:
        cookie.load(headers.get("cookie", ""))
    except Exception:
        return ""
    morsel = cookie.get(cookie_name(public_id))
    return morsel.value if morsel else ""


async def _events(scope: dict, receive: Any, send: Any, public_id: str) -> None:
    headers = _headers(scope)
    if scope["method"] != "GET":
        await _respond(send, 405, {"ok": False, "code": "live.method", "message": "GET only"})
        return
    token = _token(headers, public_id)
    session_pk = _members.get((public_id, token)) if token else None
    if session_pk is None and token:
        session_pk = await run_read(_member, public_id, token)
        if session_pk is not None:
            _members.put((public_id, token), session_pk)
    if session_pk is None:
        await _respond(
            send, 403, {"ok": False, "code": "live.not_joined", "message": "Join first."}
        )
        return
    current = await run_read(_current_state, session_pk)
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", b"text/event-stream"),
                (b"cache-control", b"no-store"),
                (b"x-accel-buffering", b"no"),
            ],
        }
    )
    stream = engine.phone_stream(session_pk, current)
    disconnected = asyncio.ensure_future(_wait_disconnect(receive))
    try:
        while True:
            chunk = asyncio.ensure_future(anext(stream))
            await asyncio.wait({chunk, disconnected}, return_when=asyncio.FIRST_COMPLETED)
            if not chunk.done():  # the phone went away while the stream was quiet
                chunk.cancel()
                await asyncio.gather(chunk, return_exceptions=True)
                break
            await send({"type": "http.response.body", "body": chunk.result(), "more_body": True})
    except StopAsyncIteration:  # the server is shutting down: end the response cleanly
        await send({"type": "http.response.body", "body": b"", "more_body": False})
    except OSError:
        pass
    finally:
        disconnected.cancel()
        await stream.aclose()  # type: ignore[attr-defined]


async def _wait_disconnect(receive: Any) -> None:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return


def _current_state(session_pk: int) -> dict[str, Any]:
    session = LiveSession.objects.select_related("current_step").get(pk=session_pk)
    return engine.state_payload(session)


def _end_streams_on_shutdown_signal() -> None:
    """Open SSE streams would hold a graceful shutdown forever: end them when it begins.

    The server's own SIGTERM/SIGINT handler still runs; this one only wakes every stream first.
    """
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        previous = signal.getsignal(sig)
        if not callable(previous) or getattr(previous, "_ends_live_streams", False):
            continue

        def handler(signum: int, frame: Any, previous: Any = previous) -> None:
            loop.call_soon_threadsafe(engine.broker().close_all)
            previous(signum, frame)

        handler._ends_live_streams = True  # type: ignore[attr-defined]
        signal.signal(sig, handler)


def application(django_app: Any) -> Any:
    """Wrap Django: the participants' hot path here, everything else to Django."""

    async def app(scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            match = API.match(scope["path"])
            if match:
                if match["what"] == "contributions":
                    await _submit(scope, receive, send, match["session"])
                else:
                    await _events(scope, receive, send, match["session"])
                return
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    _end_streams_on_shutdown_signal()
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        await django_app(scope, receive, send)

    return app
