"""Every Dutch catalogue uses the glossary's terms (see docs/glossary.md)."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

from verbindend.core.glossary import AVOID, TERMS

ROOT = Path(__file__).resolve().parents[2]


def _messages() -> list[tuple[str, str, str]]:
    found = []
    for path in sorted(ROOT.glob("*/locale/nl/LC_MESSAGES/django.po")):
        with path.open("rb") as handle:
            catalogue = read_po(handle)
        for message in catalogue:
            if not message.id:
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strs = message.string if isinstance(message.string, tuple) else (message.string,)
            found.append((str(path.relative_to(ROOT)), str(ids[0]), " ".join(map(str, strs))))
    return found


def test_a_term_is_translated_by_its_glossary_word() -> None:
    wrong = [
        f"{path}: {msgid!r} → {msgstr!r} (glossary: {TERMS[msgid.lower()]!r})"
        for path, msgid, msgstr in _messages()
        if msgid.lower() in TERMS and msgstr.lower() != TERMS[msgid.lower()]
    ]
    assert not wrong, "\n".join(wrong)


def test_no_message_uses_a_word_we_chose_against() -> None:
    wrong = []
    for path, msgid, msgstr in _messages():
        for term, avoid in AVOID.items():
            if re.search(rf"\b{term}\b", msgid, re.IGNORECASE):
                hits = [w for w in avoid if w in msgstr.lower()]
                if hits:
                    wrong.append(f"{path}: {msgid!r} → {msgstr!r} uses {hits}")
    assert not wrong, "\n".join(wrong)
