"""Every CSV and XLSX download of the product goes through here.

Names, answers and notes are typed by people; a spreadsheet program that opens a cell starting
with `=`, `+`, `-`, `@`, a tab or a carriage return may run it as a formula. So:

- CSV: such text cells get a leading apostrophe (the spreadsheet shows the text as typed).
- XLSX: every text is written as a string cell, never as a formula (openpyxl would otherwise turn
  `=...` into a real `<f>` formula); the same apostrophe keeps copy-and-paste harmless.
- Filenames are reduced to safe ASCII and sent with an RFC 6266 `Content-Disposition`.
- CSV is streamed row by row; an XLSX file is built in write-only mode (a zip needs its end).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from asgiref.sync import sync_to_async
from django.http import HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_FILENAME_KEEP = re.compile(r"[^A-Za-z0-9._-]+")


def safe_cell(value: Any) -> Any:
    """A value as a spreadsheet may show it: text never starts like a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in row]


def safe_filename(name: str, extension: str) -> str:
    """ASCII letters, digits, dot, dash and underscore; never empty, never a path."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    stem = _FILENAME_KEEP.sub("-", ascii_name).strip(".-_")[:80] or "export"
    return f"{stem}.{extension}"


def _attach[R: HttpResponseBase](response: R, filename: str, *, inline: bool = False) -> R:
    response["Content-Disposition"] = content_disposition_header(not inline, filename) or ""
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_chunks(header: Sequence[Any] | None, rows: Iterable[Iterable[Any]]) -> Iterator[bytes]:
    writer = csv.writer(_Echo())
    yield "\ufeff".encode()  # so spreadsheet programs read UTF-8
    if header is not None:
        yield writer.writerow(safe_row(header)).encode("utf-8", "replace")
    batch: list[str] = []
    for row in rows:
        batch.append(writer.writerow(safe_row(row)))
        if len(batch) >= 200:
            yield "".join(batch).encode("utf-8", "replace")
            batch = []
    if batch:
        yield "".join(batch).encode("utf-8", "replace")


def csv_text(header: Sequence[Any] | None, rows: Iterable[Iterable[Any]]) -> str:
    """The same safe CSV as one string, for places that attach it (a zip, an email)."""
    return b"".join(_csv_chunks(header, rows)).decode("utf-8")[1:]


async def _async(chunks: Iterator[bytes]) -> AsyncIterator[bytes]:
    """Hand a sync stream to the ASGI server piece by piece, each piece made in the request's
    thread (where lazy querysets keep their connection)."""

    def step() -> bytes | None:
        return next(chunks, None)

    following = sync_to_async(step, thread_sensitive=True)
    while (chunk := await following()) is not None:
        yield chunk


def csv_response(
    name: str, rows: Iterable[Iterable[Any]], *, header: Sequence[Any] | None = None
) -> StreamingHttpResponse:
    """A streamed CSV download; `name` is the filename without extension."""
    response = StreamingHttpResponse(_async(_csv_chunks(header, rows)), content_type=CSV_TYPE)
    _attach(response, safe_filename(name, "csv"))
    return response


@dataclass
class Sheet:
    title: str
    rows: Iterable[Iterable[Any]]


def _sheet_title(title: str, taken: set[str]) -> str:
    base = _SHEET_FORBIDDEN.sub(" ", str(title)).strip("' ")[:31] or "Sheet"
    candidate, n = base, 2
    while candidate.lower() in taken:
        suffix = f" ({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(candidate.lower())
    return candidate


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """A workbook whose text cells are strings, never formulas."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    taken: set[str] = set()
    for spec in sheets:
        sheet = book.create_sheet(_sheet_title(spec.title, taken))
        for row in spec.rows:
            cells = []
            for value in row:
                cell = WriteOnlyCell(sheet, value=_xlsx_value(value))
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # never "f": text stays text
                cells.append(cell)
            sheet.append(cells)
    if not sheets:
        book.create_sheet("Sheet")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xlsx_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**15:
            return str(value)  # beyond a spreadsheet's precision: keep every digit as text
        return value
    text = _ILLEGAL_XML.sub("", str(value))[:32767]
    return safe_cell(text)


def xlsx_response(name: str, sheets: Sequence[Sheet]) -> HttpResponse:
    """An XLSX download; `name` is the filename without extension."""
    response = HttpResponse(xlsx_bytes(sheets), content_type=XLSX_TYPE)
    _attach(response, safe_filename(name, "xlsx"))
    return response


def download(
    name: str, extension: str, body: bytes | str, content_type: str, *, inline: bool = False
) -> HttpResponse:
    """Any other file download (JSON, SVG, PNG, PDF, ...) with the same safe filename header;
    `inline` lets the browser show it (a PDF) instead of saving it."""
    response = HttpResponse(body, content_type=content_type)
    _attach(response, safe_filename(name, extension), inline=inline)
    return response


def stream(
    name: str, extension: str, chunks: Iterator[bytes], content_type: str
) -> StreamingHttpResponse:
    """A streamed download of ready-made chunks (a zip, an XML file)."""
    response = StreamingHttpResponse(_async(chunks), content_type=content_type)
    _attach(response, safe_filename(name, extension))
    return response
