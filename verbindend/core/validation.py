"""Checks every form and parameter passes before anything reaches the database.

- Numbers from a request are ASCII digits of a size a database column holds: Python's `int()`
  reads `²` or Arabic-Indic digits and 5,000-digit strings (or fails on them), neither of which
  an honest client sends.
- Identifiers that should be UUIDs are parsed, never passed on as text.
- Text typed by people loses bidirectional control characters (U+202A–U+202E, U+2066–U+2069,
  U+200E/U+200F, U+061C): they can make a name or an answer read differently from what it is
  ("gnp.exe" shown for "exe.png"). Ordinary right-to-left text keeps working, since the browser
  lays it out from the letters themselves.
"""

from __future__ import annotations

import re
import uuid

BIGINT_MAX = 2**63 - 1
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_ASCII_DIGITS = re.compile(r"[0-9]{1,18}")


def ascii_int(raw: object, *, default: int = 0, maximum: int = BIGINT_MAX) -> int:
    """A non-negative whole number from ASCII digits, or `default` for anything else."""
    text = str(raw if raw is not None else "").strip()
    if not _ASCII_DIGITS.fullmatch(text):
        return default
    value = int(text)
    return value if value <= maximum else default


def parse_uuid(raw: object) -> uuid.UUID | None:
    """A UUID, or None for anything that is not one."""
    text = str(raw if raw is not None else "").strip()
    if len(text) > 40:
        return None
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def strip_bidi(text: str) -> str:
    return BIDI_CONTROLS.sub("", text)


def has_bidi(text: str) -> bool:
    return BIDI_CONTROLS.search(text) is not None
