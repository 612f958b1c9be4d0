"""The interface's words: one Dutch term for each English one, on every page.

`docs/glossary.md` explains the choices; `core/tests/test_glossary.py` holds every Dutch catalogue
to them: a message that *is* a term gets exactly its Dutch term, and a message that *uses* a term
never uses one of the words we chose against.
"""

from __future__ import annotations

#: English term → Dutch term (lower case; a catalogue entry may capitalise the first letter).
TERMS: dict[str, str] = {
    "overview": "overzicht",
    "network": "netwerk",
    "people": "personen",
    "organisation": "organisatie",
    "organisations": "organisaties",
    "coordinator": "coördinator",
    "facilitator": "begeleider",
    "member": "lid",
    "observer": "waarnemer",
    "researcher": "onderzoeker",
    "session": "sessie",
    "sessions": "sessies",
    "console": "bedieningspaneel",
    "wall": "muur",
    "history line": "historielijn",
    "history lines": "historielijnen",
    "learning log": "leerlogboek",
    "knowledge carriers": "kennisdragers",
    "milestone": "mijlpaal",
    "notices": "meldingen",
    "welcome pack": "welkomstpakket",
    "roles": "rollen",
    "save": "bewaren",
    "lock": "vergrendelen",
    "unlock": "ontgrendelen",
    "locked": "vergrendeld",
    "close the session": "de sessie afsluiten",
    "reports": "rapporten",
}

#: English word (a regular expression) → Dutch words we chose *against*: a message that uses
#: the English word must avoid them.
AVOID: dict[str, tuple[str, ...]] = {
    r"wall": ("scherm",),
    r"history[- ]lines?": ("tijdlijn", "tijdslijn"),
    r"save": ("opslaan",),
    r"lock(ed)?": ("sluiten", "gesloten"),
    r"notices?": ("notificatie", "bericht"),
}
