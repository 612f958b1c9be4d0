"""Reading downloads in tests, whether the view streamed them or not."""

from __future__ import annotations

from asgiref.sync import async_to_sync
from django.http.response import HttpResponseBase


def body(response: HttpResponseBase) -> bytes:
    """The whole body of a response, streamed (sync or async) or not."""
    if not getattr(response, "streaming", False):
        return bytes(response.content)  # type: ignore[attr-defined]
    chunks = response.streaming_content  # type: ignore[attr-defined]
    if getattr(response, "is_async", False):

        async def collect() -> bytes:
            return b"".join([bytes(chunk) async for chunk in chunks])

        return async_to_sync(collect)()
    return b"".join(bytes(chunk) for chunk in chunks)


def text(response: HttpResponseBase) -> str:
    """A text download as a spreadsheet program reads it (a UTF-8 byte-order mark dropped)."""
    return body(response).decode("utf-8-sig")
