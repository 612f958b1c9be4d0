"""A fuzzing crawler: every page, form and parameter the demo personas reach, sent hostile values.

1. Each persona (the demo's logins, and nobody) crawls the site from its home page, following links
   and collecting every form and every URL with a query string.
2. Hypothesis then draws, within a fixed budget, one target and one hostile value per field
   (overlong, unicode, null bytes, huge and non-ASCII numbers, formulas, wrong types, missing and
   duplicated fields) and sends it. The pass condition is zero 5xx answers.
3. Every CSV or XLSX download met on the way is opened and checked: no cell may start like a
   formula (the demo's names are made hostile first, see `make_names_hostile`).

It only talks to a loopback server (`verbindend.testing.fuzz_loopback`, used by `make fuzz`) or
to Django's test client (the small budget inside the test suite). The last line printed is JSON.
"""

from __future__ import annotations

import csv
import io
import re
import threading
import zipfile
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# never-ending event streams, binary downloads, and leaving the session
SKIP_PATH = re.compile(r"^/(static|media)/|/logout/|/stream/$|/events$|\.(png|pdf|qdpx|zip)$")
NO_HOSTILE_POST = re.compile(r"delete|erase|withdraw|logout|password|two-factor/off|restore")
PATTERN_DIGITS = re.compile(r"\d+")
EXPORT_LINK = re.compile(r"format=(csv|xlsx)|\.(csv|xlsx)(\?|$)")

SPECIAL = [
    "99999999999999999999",
    "-99999999999999999999",
    "9" * 5000,
    "²",
    "٣٤",
    "1e309",
    "NaN",
    "-0",
    "0x1F",
    "",
    " ",
    "\x00",
    "a\x00b",
    "\u202egnp.exe",
    '=HYPERLINK("http://x")',
    "+1+1",
    "@SUM(1)",
    "\t=1",
    "\r=1",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "2025-02-30",
    "9999-12-31",
    "0000-00-00",
    "not-a-uuid",
    "00000000-0000-0000-0000-000000000000",
    "{}",
    "[1, 2]",
    "true",
    "null",
    "%s%n%x",
    "😀" * 300,
]
HOSTILE = st.one_of(
    st.sampled_from(SPECIAL),
    st.text(max_size=40),
    st.integers().map(str),
    st.floats().map(str),
    st.builds(
        lambda ch, n: ch * n, st.characters(exclude_categories=["Cs"]), st.integers(1, 20_000)
    ),
)


@dataclass
class Field:
    name: str
    kind: str  # text, hidden, select, checkbox, radio, file, textarea, submit
    value: str = ""
    options: list[str] = field(default_factory=list)


@dataclass
class Target:
    persona: str
    method: str
    path: str
    fields: list[Field]


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


class Sender(Protocol):
    def get(self, path: str, params: list[tuple[str, str]] | None = None) -> Answer: ...

    def post(
        self, path: str, data: list[tuple[str, Any]], files: list[tuple[str, Any]]
    ) -> Answer: ...


@dataclass
class Result:
    requests: int = 0
    status_5xx: int = 0
    paths: set[str] = field(default_factory=set)
    personas: set[str] = field(default_factory=set)
    exports: set[str] = field(default_factory=set)
    unsafe_cells: list[str] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)
    targets: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(
        self, persona: str, method: str, path: str, answer: Answer, sent: Any = None
    ) -> None:
        with self.lock:
            self._record(persona, method, path, answer, sent)

    def _record(self, persona: str, method: str, path: str, answer: Answer, sent: Any) -> None:
        self.requests += 1
        self.personas.add(persona)
        self.paths.add(urlsplit(path).path)
        if answer.status >= 500:
            self.status_5xx += 1
            if len(self.failures) < 20:
                self.failures.append(
                    {
                        "persona": persona,
                        "method": method,
                        "path": path,
                        "status": answer.status,
                        "sent": repr(sent)[:300],
                    }
                )
        disposition = answer.headers.get("content-disposition", "")
        if "attachment" in disposition and answer.status == 200:
            self.check_download(urlsplit(path).path, disposition, answer.body)

    def check_download(self, path: str, disposition: str, body: bytes) -> None:
        if ".csv" in disposition:
            self.exports.add(path)
            text = body.decode("utf-8-sig", "replace")
            for line in csv.reader(io.StringIO(text)):
                for cell in line:
                    if cell.startswith(FORMULA_STARTS) and not _number(cell):
                        self.unsafe_cells.append(f"{path}: {cell[:40]!r}")
        elif ".xlsx" in disposition:
            self.exports.add(path)
            from openpyxl import load_workbook

            book = load_workbook(io.BytesIO(body))
            for sheet in book.worksheets:
                for cells in sheet.iter_rows():
                    for item in cells:
                        value = item.value
                        if item.data_type == "f" or (
                            isinstance(value, str) and value.startswith(FORMULA_STARTS)
                        ):
                            self.unsafe_cells.append(f"{path}: {str(value)[:40]!r}")
            with zipfile.ZipFile(io.BytesIO(body)) as archive:
                for name in archive.namelist():
                    if name.startswith("xl/worksheets/") and b"<f>" in archive.read(name):
                        self.unsafe_cells.append(f"{path}: a <f> formula in {name}")

    def summary(self, seconds: float) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "status_5xx": self.status_5xx,
            "distinct_paths": len(self.paths),
            "personas": len(self.personas),
            "targets": self.targets,
            "exports_checked": len(self.exports),
            "unsafe_cells": len(self.unsafe_cells),
            "seconds": round(seconds, 1),
            "failures": self.failures[:5],
        }


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


# -- crawling ----------------------------------------------------------------------------------


def _parse(base: str, body: bytes) -> tuple[list[str], list[tuple[str, str, list[Field]]]]:
    import lxml.html

    try:
        doc = lxml.html.fromstring(body)
    except Exception:  # not HTML (an SVG, an empty body)
        return [], []
    links = [urljoin(base, a.get("href", "")) for a in doc.iter("a") if a.get("href")]
    forms = []
    for form in doc.iter("form"):
        action = urljoin(base, form.get("action") or base)
        method = (form.get("method") or "get").lower()
        fields: list[Field] = []
        submits: list[Field] = []
        for element in form.iter("input", "select", "textarea", "button"):
            name = element.get("name")
            if not name:
                continue
            tag = element.tag
            kind = (element.get("type") or ("submit" if tag == "button" else "text")).lower()
            if tag == "select":
                options = [o.get("value", o.text_content()) for o in element.iter("option")]
                fields.append(Field(name, "select", options[0] if options else "", options))
            elif tag == "textarea":
                fields.append(Field(name, "textarea", element.text_content()))
            elif kind in {"submit", "button"}:
                submits.append(Field(name, "submit", element.get("value", "")))
            elif kind in {"checkbox", "radio"}:
                existing = next((f for f in fields if f.name == name and f.kind == kind), None)
                if existing is None:
                    fields.append(
                        Field(name, kind, element.get("value", "on"), [element.get("value", "on")])
                    )
                else:
                    existing.options.append(element.get("value", "on"))
            else:
                fields.append(Field(name, kind, element.get("value", "")))
        for submit in submits or [None]:  # type: ignore[list-item]
            forms.append((method, action, fields + ([submit] if submit else [])))
    return links, forms


def _local(url: str, origin: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https", ""} or (parts.netloc and parts.netloc != origin):
        return None
    path = parts.path or "/"
    if SKIP_PATH.search(path):
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def crawl(persona: str, sender: Sender, result: Result, *, pages: int, origin: str) -> list[Target]:
    """Visit what this persona can reach (GET only) and list what can be fuzzed."""
    start = [
        "/",
        "/overview/",
        "/networks/",
        "/studies/",
        "/method/",
        "/join/",
        "/accounts/profile/",
        "/me/",
    ]
    queue = deque(start)
    seen: set[str] = set()
    per_pattern: dict[str, int] = {}
    targets: list[Target] = []
    form_keys: set[tuple[str, str, tuple[str, ...]]] = set()
    while queue and len(seen) < pages:
        url = queue.popleft()
        if url in seen:
            continue
        pattern = (
            PATTERN_DIGITS.sub("N", urlsplit(url).path)
            + "?"
            + ",".join(sorted(k for k, _v in parse_qsl(urlsplit(url).query)))
        )
        if per_pattern.get(pattern, 0) >= 3:
            continue
        per_pattern[pattern] = per_pattern.get(pattern, 0) + 1
        seen.add(url)
        answer = sender.get(url)
        result.record(persona, "GET", url, answer)
        if urlsplit(url).query:
            params = parse_qsl(urlsplit(url).query, keep_blank_values=True)
            targets.append(
                Target(persona, "get", urlsplit(url).path, [Field(k, "text", v) for k, v in params])
            )
        if any(segment.isdigit() for segment in urlsplit(url).path.split("/")):
            targets.append(Target(persona, "path", urlsplit(url).path, []))
        if "text/html" not in answer.headers.get("content-type", ""):
            continue
        links, forms = _parse("http://" + origin + url, answer.body)
        for link in links:
            local = _local(link, origin)
            if local and local not in seen:
                # downloads first: every export met is checked for formula cells
                if EXPORT_LINK.search(local):
                    queue.appendleft(local)
                else:
                    queue.append(local)
        for method, action, fields in forms:
            local = _local(action, origin)
            if not local:
                continue
            key = (method, PATTERN_DIGITS.sub("N", local), tuple(sorted(f.name for f in fields)))
            if key in form_keys:
                continue
            form_keys.add(key)
            if method == "post" and NO_HOSTILE_POST.search(local):
                continue
            targets.append(Target(persona, method, local, fields))
    return targets


# -- fuzzing -----------------------------------------------------------------------------------


def _values(data: Any, target: Target) -> tuple[list[tuple[str, Any]], list[tuple[str, Any]]]:
    values: list[tuple[str, Any]] = []
    files: list[Any] = []
    for f in target.fields:
        if f.name == "csrfmiddlewaretoken":
            values.append((f.name, f.value))
            continue
        how = data.draw(st.sampled_from(["keep", "hostile", "hostile", "drop", "twice"]))
        if how == "drop":
            continue
        if f.kind == "file":
            content = data.draw(st.binary(max_size=2000)) if how != "keep" else b"hello"
            files.append(
                (f.name, (data.draw(st.sampled_from(SPECIAL[:20])) or "x") + ".txt", content)
            )
            continue
        if how == "keep":
            value = data.draw(st.sampled_from(f.options)) if f.options else f.value
        else:
            value = data.draw(HOSTILE)
        values.append((f.name, value))
        if how == "twice":
            values.append((f.name, data.draw(HOSTILE)))
    return values, files


def plan(targets: list[Target], *, budget: int) -> list[tuple[Target, str, Any, Any]]:
    """Draw `budget` requests with Hypothesis: (target, path, values, files)."""
    drawn: list[tuple[Target, str, Any, Any]] = []
    if not targets or budget <= 0:
        return drawn

    @settings(
        max_examples=budget,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        derandomize=True,
    )
    @given(st.data())
    def one(data: Any) -> None:
        target = data.draw(st.sampled_from(targets))
        if target.method == "path":
            segments = target.path.split("/")
            numbered = [i for i, s in enumerate(segments) if s.isdigit()]
            i = data.draw(st.sampled_from(numbered))
            segments[i] = data.draw(
                st.sampled_from(["99999999999999999999", "0", "-1", "²", "%00"])
            )
            drawn.append((target, "/".join(segments), None, None))
            return
        values, files = _values(data, target)
        if target.method == "get":  # a URL has a length limit; the body is where big values go
            values = [(k, str(v)[:1500]) for k, v in values]
        drawn.append((target, target.path, values, files))

    one()
    return drawn


def fuzz(
    targets: list[Target],
    senders: dict[str, Sender],
    result: Result,
    *,
    budget: int,
    workers: int = 1,
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def send(item: tuple[Target, str, Any, Any]) -> None:
        target, path, values, files = item
        sender = senders[target.persona]
        if target.method in {"path", "get"}:
            result.record(target.persona, "GET", path, sender.get(path, values), values or path)
        else:
            result.record(target.persona, "POST", path, sender.post(path, values, files), values)

    requests = plan(targets, budget=budget)
    if workers <= 1:
        for item in requests:
            send(item)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(send, requests))


# -- the demo, made hostile --------------------------------------------------------------------


def make_names_hostile() -> None:
    """Give the demo's people-typed names a formula start, so every export meets one."""
    from django.apps import apps

    names = {
        "networks.Organisation": ["name"],
        "analysis.Code": ["name"],
        "learninglog.Carrier": ["name", "description"],
        "learninglog.Entry": ["title"],
        "historyline.Moment": ["title", "story"],
        "historyline.Line": ["pseudonym"],
        "live.Contribution": ["text"],
        "live.LiveSession": ["title"],
    }
    starts = ['=HYPERLINK("http://x")', "+1+2", "-3+4", "@SUM(1)", "\t=1", "\r=2"]
    for label, fields in names.items():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        for n, obj in enumerate(model.objects.all()[:40]):
            for name in fields:
                current = getattr(obj, name, None)
                if isinstance(current, str):
                    limit = getattr(model._meta.get_field(name), "max_length", None) or 10_000
                    setattr(obj, name, (starts[n % len(starts)] + current)[:limit])
            try:
                obj.save(update_fields=fields)
            except Exception:  # noqa: S112 — a unique name, a check: keep the original
                continue


# -- clients -----------------------------------------------------------------------------------


class DjangoSender:
    """Django's test client (the small budget inside the test suite)."""

    def __init__(self, user: Any = None) -> None:
        from django.test import Client

        self.client = Client(raise_request_exception=False, REMOTE_ADDR="127.0.0.1")
        if user is not None:
            self.client.force_login(user)

    @staticmethod
    def _answer(response: Any) -> Answer:
        from verbindend.testing.downloads import body as read_body

        body = read_body(response)
        return Answer(response.status_code, {k.lower(): v for k, v in response.items()}, body)

    def get(self, path: str, params: list[tuple[str, str]] | None = None) -> Answer:
        query = urlencode(params or [], doseq=True)
        return self._answer(
            self.client.get(path + (("&" if "?" in path else "?") + query if query else ""))
        )

    def post(self, path: str, data: list[tuple[str, Any]], files: list[Any]) -> Answer:
        from django.core.files.uploadedfile import SimpleUploadedFile

        payload: dict[str, list[Any]] = {}
        for name, value in data:
            payload.setdefault(name, []).append(value)
        for name, filename, content in files:
            payload.setdefault(name, []).append(SimpleUploadedFile(filename, content))
        return self._answer(self.client.post(path, payload))


def run(
    senders: dict[str, Sender], *, budget: int, pages: int, origin: str, workers: int = 1
) -> Result:
    result = Result()
    targets: list[Target] = []
    for persona, sender in senders.items():
        targets.extend(crawl(persona, sender, result, pages=pages, origin=origin))
    result.targets = len(targets)
    fuzz(targets, senders, result, budget=max(0, budget - result.requests), workers=workers)
    return result
