"""Reading downloads in tests, whether the view streamed them or not."""

from __future__ import annotations

from django.http.response import HttpResponseBase


def body(response: HttpResponseBase) -> bytes:
    """The whole body of a response, streamed or not."""
    return bytes(response.getvalue())


def text(response: HttpResponseBase) -> str:
    """A text download as a spreadsheet program reads it (a UTF-8 byte-order mark dropped)."""
    return body(response).decode("utf-8-sig")
