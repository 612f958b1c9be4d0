"""The outermost ASGI layer: a request body larger than allowed is refused before it is read.

Django checks sizes after a body has arrived (and an upload view only after the whole file is on
disk), so a 200 MB post would be read in full first. Here the declared `Content-Length` is checked
before a byte is read, and a body sent without one (chunked) is counted as it streams and cut off
at the limit. Uploads (`multipart/form-data`) may be larger than other requests; both limits are
settings (`UPLOAD_MAX_BYTES`, `REQUEST_MAX_BYTES`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

TOO_LARGE = (
    b"<!doctype html><html><head><meta charset='utf-8'><title>413</title></head><body>"
    b"<h1>Te groot / Too large</h1>"
    b"<p lang='nl'>Wat u stuurde is groter dan deze site aanneemt. Maak het bestand kleiner.</p>"
    b"<p lang='en'>What you sent is larger than this site accepts. Make the file smaller.</p>"
    b"</body></html>"
)


class BodyTooLarge(Exception):
    pass


def limit_for(scope: dict[str, Any]) -> int:
    content_type = b""
    for name, value in scope.get("headers", []):
        if name == b"content-type":
            content_type = value.lower()
    if content_type.startswith(b"multipart/form-data"):
        return int(settings.UPLOAD_MAX_BYTES)
    return int(settings.REQUEST_MAX_BYTES)


def declared_length(scope: dict[str, Any]) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isascii() and text.isdigit() and len(text) < 20 else -1
    return None


async def refuse(send: Any) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"text/html; charset=utf-8"),
                (b"content-length", str(len(TOO_LARGE)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": TOO_LARGE})


def limit_body(app: Any) -> Any:
    """Wrap an ASGI app so that no request body beyond its limit is read."""

    async def limited(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        limit = limit_for(scope)
        length = declared_length(scope)
        if length is not None and (length < 0 or length > limit):
            await refuse(send)
            return
        seen = 0
        started = False
        cut_off = False

        async def counted_receive() -> dict[str, Any]:
            nonlocal seen, cut_off
            if cut_off:
                return {"type": "http.disconnect"}
            message: dict[str, Any] = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    cut_off = True
                    return {"type": "http.disconnect"}
            return message

        async def watched_send(message: dict[str, Any]) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await app(scope, counted_receive, watched_send)
        if cut_off and not started:
            await refuse(send)

    return limited
