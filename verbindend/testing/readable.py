"""A check any page can join: what a Dutch reader sees holds no raw data and no English.

Raw data: Python/JSON values (``{'scale': 1}``, ``None``, ``True``), dotted content keys
(``level.individual``), bare database ids where a label belongs. English: any English
interface string of the project's catalogues (a msgid whose Dutch differs) shown on the page.
"""

from __future__ import annotations

import gettext
import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONTENT_PREFIXES = (
    "level",
    "condition",
    "knowledge",
    "principle",
    "scan",
    "aid",
    "exercise",
    "interview",
    "case_criterion",
)
RAW = [
    (re.compile(r"[{\[]\s*['\"][a-z_]+['\"]\s*:"), "a Python or JSON value"),
    (re.compile(r"\b(None|True|False)\b"), "a Python value"),
    (
        re.compile(rf"\b(?:{'|'.join(CONTENT_PREFIXES)})\.[a-z_0-9]+(?:\.[a-z_0-9]+)*\b"),
        "a dotted key",
    ),
    (re.compile(r"^\s*\d+\s*:\s*\d+\s*$", re.MULTILINE), "an id with a count"),
]


class _Text(HTMLParser):
    """The text a person sees, plus attributes they read (alt, title, placeholder, aria-label)."""

    SKIP = {"script", "style", "template"}

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        for name, value in attrs:
            if name in ("alt", "title", "placeholder", "aria-label") and value:
                self.parts.append(value)
            if tag == "input" and name == "value" and value and ("type", "submit") in attrs:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return parser.parts


@cache
def english_strings(min_words: int = 2) -> frozenset[str]:
    """English interface strings whose Dutch translation differs (short ones are too ambiguous)."""
    found: set[str] = set()
    for mo in ROOT.glob("*/locale/nl/LC_MESSAGES/django.mo"):
        with mo.open("rb") as handle:
            catalogue = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
        for msgid, msgstr in catalogue.items():
            if not isinstance(msgid, str) or not msgid or "\x00" in msgid:
                continue  # plural forms are keyed by tuples; the header by ""
            if "%" in msgid or "{" in msgid or "<" in msgid:
                continue
            text = msgid.strip()
            if len(text.split()) >= min_words and msgstr and msgstr.strip() != text:
                found.add(text)
    return frozenset(found)


def problems(html: str, *, allowed: tuple[str, ...] = ()) -> list[str]:
    """What a Dutch reader should not see on this page (empty when it reads well)."""
    found = []
    parts = visible_text(html)
    for part in parts:
        if any(a in part for a in allowed):
            continue
        for pattern, what in RAW:
            match = pattern.search(part)
            if match:
                found.append(f"{what}: {match.group(0)!r} in {part[:80]!r}")
    joined = "\n".join(parts)
    for english in english_strings():
        if english in joined and not any(english in a for a in allowed):
            found.append(f"English: {english!r}")
    return found
