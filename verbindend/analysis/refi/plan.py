"""What a REFI-QDA file holds, read and checked: the plan an import shows and then applies."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

DEFAULT_COLOUR = "#1d4e5f"
MEMO_MAX = 20000
OTHER_SOURCES = ("PictureSource", "PDFSource", "AudioSource", "VideoSource")


# -- what a file holds ----------------------------------------------------------------------


@dataclass
class UserItem:
    guid: uuid.UUID
    name: str
    ident: str


@dataclass
class CodeItem:
    guid: uuid.UUID
    name: str
    colour: str
    description: str
    parent: uuid.UUID | None
    order: int


@dataclass
class CodingItem:
    guid: uuid.UUID
    source: uuid.UUID
    code: uuid.UUID
    coder: uuid.UUID | None
    start: int
    end: int


@dataclass
class SourceItem:
    guid: uuid.UUID
    name: str
    text: str
    description: str
    creator: uuid.UUID | None
    values: dict[str, str]


@dataclass
class CaseItem:
    guid: uuid.UUID
    name: str
    values: dict[str, str]
    sources: list[uuid.UUID]


@dataclass
class NoteItem:
    guid: uuid.UUID
    name: str
    text: str
    author: uuid.UUID | None
    target: tuple[str, uuid.UUID] | None = None


@dataclass
class Plan:
    """Everything read from the file, checked; nothing written yet."""

    kind: str  # "project" or "codebook"
    name: str = ""
    origin: str = ""
    users: dict[uuid.UUID, UserItem] = field(default_factory=dict)
    codes: dict[uuid.UUID, CodeItem] = field(default_factory=dict)
    variables: dict[uuid.UUID, str] = field(default_factory=dict)  # guid → name
    sources: dict[uuid.UUID, SourceItem] = field(default_factory=dict)
    codings: dict[uuid.UUID, CodingItem] = field(default_factory=dict)
    cases: dict[uuid.UUID, CaseItem] = field(default_factory=dict)
    notes: dict[uuid.UUID, NoteItem] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "sources": len(self.sources),
            "codes": len(self.codes),
            "codings": len(self.codings),
            "notes": len(self.notes),
            "cases": len(self.cases),
            "users": len(self.users),
            "variables": len(self.variables),
        }

    @property
    def ok(self) -> bool:
        return not self.problems
