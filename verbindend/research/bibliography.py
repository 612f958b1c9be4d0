"""BibTeX and RIS in and out, through bibtexparser and rispy, and one citation style.

Both formats are read into the same plain record (``Record``): the fields the app shows and cites
are mapped to columns; every other field is kept under ``extra[format]`` as it came, so a
reference exported in the format it was imported from gives back its odd fields too. Text is
stored decoded (``{\\'e}`` becomes ``é``); a BibTeX export writes UTF-8, which biber and
bibtex8 read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import bibtexparser
import rispy
from bibtexparser import middlewares
from bibtexparser.model import Entry, Field

#: BibTeX entry type ↔ RIS type (the first RIS type listed is the one written)
TYPES = {
    "article": "JOUR",
    "book": "BOOK",
    "incollection": "CHAP",
    "inbook": "CHAP",
    "inproceedings": "CPAPER",
    "techreport": "RPRT",
    "phdthesis": "THES",
    "mastersthesis": "THES",
    "online": "ELEC",
    "misc": "GEN",
}
RIS_TYPES = {
    "JOUR": "article",
    "BOOK": "book",
    "CHAP": "incollection",
    "CPAPER": "inproceedings",
    "CONF": "inproceedings",
    "RPRT": "techreport",
    "THES": "phdthesis",
    "ELEC": "online",
    "GEN": "misc",
    "MGZN": "article",
    "NEWS": "article",
    "REPORT": "techreport",
}

COLUMNS = ("title", "year", "container", "publisher", "volume", "issue", "pages", "doi", "url")
BIBTEX_FIELDS = {  # column → BibTeX field(s), the first is written
    "title": ("title",),
    "year": ("year",),
    "container": ("journal", "booktitle", "journaltitle"),
    "publisher": ("publisher", "institution", "school"),
    "volume": ("volume",),
    "issue": ("number", "issue"),
    "pages": ("pages",),
    "doi": ("doi",),
    "url": ("url",),
}
RIS_FIELDS = {  # column → rispy key(s), the first is written
    "title": ("title", "primary_title"),
    "year": ("year", "publication_year"),
    "container": ("secondary_title", "journal_name", "alternate_title3"),
    "publisher": ("publisher",),
    "volume": ("volume",),
    "issue": ("number",),
    "doi": ("doi",),
    "url": ("url",),
}


class BibliographyError(ValueError):
    """The file could not be read as the format it claims to be."""


@dataclass
class Record:
    key: str
    kind: str = "misc"
    title: str = ""
    authors: list[str] = field(default_factory=list)
    year: str = ""
    container: str = ""
    publisher: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    doi: str = ""
    url: str = ""
    notes: str = ""
    tags: list[str] = field(default_factory=list)
    extra: dict[str, dict[str, Any]] = field(default_factory=dict)


def _clean(value: Any) -> str:
    return " ".join(str(value).split()) if value is not None else ""


# -- BibTeX ------------------------------------------------------------------------------------


def read_bibtex(text: str) -> list[Record]:
    try:
        library = bibtexparser.parse_string(
            text,
            append_middleware=[
                middlewares.LatexDecodingMiddleware(),
                middlewares.SeparateCoAuthors(),
            ],
        )
    except Exception as error:  # the parser's own errors vary by version
        raise BibliographyError(str(error)) from error
    if not library.entries:
        raise BibliographyError("no readable entries")
    records = []
    for entry in library.entries:
        values = {f.key.lower(): f.value for f in entry.fields}
        authors = values.pop("author", []) or values.pop("editor", [])
        if isinstance(authors, str):
            authors = [authors]
        record = Record(
            key=entry.key, kind=entry.entry_type.lower(), authors=[_clean(a) for a in authors]
        )
        for column, names in BIBTEX_FIELDS.items():
            for name in names:
                if name in values:
                    setattr(record, column, _clean(values.pop(name)))
                    break
        record.notes = str(values.pop("annote", "") or values.pop("note", "") or "")
        keywords = values.pop("keywords", "")
        record.tags = [t.strip() for t in re.split(r"[,;]", str(keywords)) if t.strip()]
        record.extra = {"bibtex": {k: str(v) for k, v in values.items()}}
        records.append(record)
    return records


_SPECIAL = re.compile(r"(?<!\\)([&%$#_])")


def _escape(value: str) -> str:
    """LaTeX's special characters escaped, so that reading the file back gives the same text."""
    return _SPECIAL.sub(r"\\\1", value)


def write_bibtex(records: list[Record]) -> str:
    library = bibtexparser.Library()
    for record in records:
        fields = []
        if record.authors:
            fields.append(Field("author", _escape(" and ".join(record.authors))))
        for column, names in BIBTEX_FIELDS.items():
            value = getattr(record, column)
            if value:
                keep = column in ("url", "doi")  # addresses are read verbatim
                fields.append(Field(names[0], value if keep else _escape(value)))
        if record.notes:
            fields.append(Field("annote", _escape(record.notes)))
        if record.tags:
            fields.append(Field("keywords", _escape(", ".join(record.tags))))
        taken = {f.key for f in fields}
        for name, value in record.extra.get("bibtex", {}).items():
            if name not in taken:
                fields.append(Field(name, _escape(value)))
        library.add(Entry(record.kind or "misc", record.key, fields))
    return bibtexparser.write_string(library)


# -- RIS ---------------------------------------------------------------------------------------


def read_ris(text: str) -> list[Record]:
    try:
        entries = rispy.loads(text, skip_unknown_tags=False, enforce_list_tags=False)
    except Exception as error:
        raise BibliographyError(str(error)) from error
    if not entries:
        raise BibliographyError("no readable entries")
    records = []
    for number, raw in enumerate(entries, 1):
        values = dict(raw)
        ris_type = str(values.pop("type_of_reference", "GEN"))
        authors = list(values.pop("authors", []) or []) + list(
            values.pop("first_authors", []) or []
        )
        record = Record(
            key="", kind=RIS_TYPES.get(ris_type, "misc"), authors=[_clean(a) for a in authors]
        )
        for column, names in RIS_FIELDS.items():
            for name in names:
                if name in values:
                    setattr(record, column, _clean(values.pop(name)))
                    break
        start, end = _clean(values.pop("start_page", "")), _clean(values.pop("end_page", ""))
        record.pages = f"{start}–{end}" if start and end else start or end
        notes = values.pop("notes", []) or []
        record.notes = "\n".join(notes) if isinstance(notes, list) else str(notes)
        record.tags = [_clean(k) for k in values.pop("keywords", []) or [] if _clean(k)]
        label = _clean(values.pop("label", "")) or _clean(values.pop("id", ""))
        record.key = label or make_key(record, number)
        values["type_of_reference"] = ris_type
        record.extra = {"ris": {k: v for k, v in values.items()}}
        records.append(record)
    return records


def write_ris(records: list[Record]) -> str:
    entries = []
    for record in records:
        extra = dict(record.extra.get("ris", {}))
        ris_type = extra.pop("type_of_reference", None) or TYPES.get(record.kind, "GEN")
        entry: dict[str, Any] = {"type_of_reference": ris_type, "id": record.key}
        if record.authors:
            entry["authors"] = list(record.authors)
        for column, names in RIS_FIELDS.items():
            value = getattr(record, column)
            if value:
                entry[names[0]] = value
        if record.pages:
            start, _sep, end = record.pages.replace("--", "–").partition("–")
            entry["start_page"] = start.strip()
            if end.strip():
                entry["end_page"] = end.strip()
        if record.notes:
            entry["notes"] = record.notes.split("\n")
        if record.tags:
            entry["keywords"] = list(record.tags)
        for name, value in extra.items():
            entry.setdefault(name, value)
        entries.append(entry)
    return str(rispy.dumps(entries, skip_unknown_tags=False, enforce_list_tags=False))


def make_key(record: Record, number: int) -> str:
    """A readable citation key for a record that has none: first author's surname and year."""
    surname = record.authors[0].split(",")[0] if record.authors else "ref"
    base = re.sub(r"[^a-z0-9]", "", surname.lower()) or "ref"
    return f"{base}{record.year or ''}-{number}"


# -- one citation style ------------------------------------------------------------------------


def _initials(first: str) -> str:
    parts = [p for p in re.split(r"[\s.]+", first) if p]
    return " ".join(f"{p[0]}." for p in parts)


def _author(name: str) -> str:
    last, _sep, first = name.partition(",")
    if not _sep:  # "First Last"
        bits = name.split()
        last, first = (bits[-1], " ".join(bits[:-1])) if len(bits) > 1 else (name, "")
    initials = _initials(first.strip())
    return f"{last.strip()}, {initials}" if initials else last.strip()


def cite(record: Record | Any) -> str:
    """The full reference in the report's one style (author–year, after APA):
    ``Naert, L., & Bonné, K. (2019). Title. Journal, 4(2), 10–20. https://doi.org/…``"""
    names = [_author(a) for a in record.authors]
    if len(names) > 1:
        who = ", ".join(names[:-1]) + ", & " + names[-1]
    else:
        who = names[0] if names else ""
    year = f"({record.year or 'n.d.'})"
    parts = [f"{who} {year}." if who else f"{record.title}. {year}."]
    if who:
        parts.append(f"{record.title.rstrip('.')}.")
    where = record.container
    if where:
        detail = where
        if record.volume:
            detail += f", {record.volume}"
            if record.issue:
                detail += f"({record.issue})"
        if record.pages:
            detail += f", {record.pages.replace('--', '–')}"
        parts.append(detail + ".")
    elif record.publisher:
        parts.append(f"{record.publisher}.")
    if record.doi:
        parts.append(f"https://doi.org/{record.doi.removeprefix('https://doi.org/')}")
    elif record.url:
        parts.append(record.url)
    return " ".join(parts)


def in_text(record: Record | Any) -> str:
    """The citation in running text: (Naert, 2019), (Naert & Bonné, 2019), (Naert et al., 2019)."""
    surnames = [a.split(",")[0].strip() if "," in a else a.split()[-1] for a in record.authors]
    who = f"{surnames[0]} et al." if len(surnames) >= 3 else " & ".join(surnames) or record.title
    return f"({who}, {record.year or 'n.d.'})"
