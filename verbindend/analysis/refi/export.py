"""Write a study as a REFI-QDA project (``.qdpx``) or codebook (``.qdc``), as a stream.

Memory stays flat: the zip is written to a sink that the caller drains after every document, the
XML is written piece by piece (a small writer, see :class:`_Xml`), and documents and codings are
read with ``.iterator()``. Only the codebook, memos, users and respondents (all small) are held
at once.

Identity: codes, codings and memos keep their own UUID as GUID; documents, respondents,
variables and users get a GUID from :mod:`.ids` the first time they are exported. A selection
carries one coding; its GUID is derived from the coding's, so it is stable as well.
"""

from __future__ import annotations

import re
import uuid
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape

from django.db.models import Q
from django.utils.translation import gettext as _

from verbindend.accounts.models import User
from verbindend.analysis.models import Code, Coding, ExchangeKind, Memo
from verbindend.analysis.refi import ids
from verbindend.analysis.refi.spec import (
    CASE_VARIABLES,
    CODEBOOK_NS,
    ORIGIN,
    PROJECT_NS,
    SOURCE_VARIABLES,
    VARIABLES,
)
from verbindend.core.errors import DomainError
from verbindend.studies.models import Document, Respondent, Study

#: flips bits outside a UUID's version and variant, so a selection's GUID is its coding's, turned
SELECTION_MASK = 0x5A5A5A5A_5A5A_0A5A_1A5A_5A5A5A5A5A5A
CHUNK = 64 * 1024


def selection_guid(coding_guid: uuid.UUID) -> uuid.UUID:
    """The GUID of the selection that carries one coding: derived, so it never changes."""
    return uuid.UUID(int=coding_guid.int ^ SELECTION_MASK)


def when(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class _Sink:
    """A write-only file the zip writes into; the generator hands its bytes on as they come."""

    def __init__(self) -> None:
        self.buffer = bytearray()

    def write(self, data: bytes) -> int:
        self.buffer += data
        return len(data)

    def flush(self) -> None:
        return None

    def close(self) -> None:
        return None

    def take(self) -> bytes:
        data = bytes(self.buffer)
        self.buffer.clear()
        return data


@dataclass
class _Study:
    """The small parts of a study, read once before streaming."""

    study: Study
    codes: list[Code]
    children: dict[int | None, list[Code]]
    code_guid: dict[int, uuid.UUID]
    memos: list[Memo]
    memo_guid: dict[int, uuid.UUID]
    users: dict[int, str]
    user_guid: dict[int, uuid.UUID]
    document_guid: dict[int, uuid.UUID]
    respondents: list[Respondent]
    respondent_guid: dict[int, uuid.UUID]
    variable_guid: dict[str, uuid.UUID]
    memos_on: dict[tuple[str, int], list[uuid.UUID]] = field(default_factory=dict)
    documents_of: dict[int, list[int]] = field(default_factory=dict)


def _read(study: Study) -> _Study:
    codes = list(Code.objects.filter(study=study).order_by("order", "pk"))
    children: dict[int | None, list[Code]] = defaultdict(list)
    for code in codes:
        children[code.parent_id].append(code)
    memos = list(Memo.objects.filter(study=study).order_by("created_at", "pk"))
    # the people whose work is in the file: coders, memo authors, who added documents
    user_ids = set(Coding.objects.filter(study=study).values_list("coder_id", flat=True).distinct())
    user_ids |= {m.author_id for m in memos}
    user_ids |= set(
        Document.objects.filter(study=study, created_by__isnull=False).values_list(
            "created_by_id", flat=True
        )
    )
    users = {
        u.pk: (u.get_full_name() or u.username)
        for u in User.objects.filter(pk__in=user_ids).order_by("pk")
    }
    documents = list(
        Document.objects.filter(study=study).order_by("pk").values_list("pk", "respondent_id")
    )
    respondents = list(
        Respondent.objects.filter(study=study)
        .select_related("person__organisation", "case__network")
        .order_by("pk")
    )
    documents_of: dict[int, list[int]] = defaultdict(list)
    for pk, respondent_id in documents:
        if respondent_id is not None:
            documents_of[respondent_id].append(pk)
    data = _Study(
        study=study,
        codes=codes,
        children=children,
        code_guid={code.pk: code.uuid for code in codes},
        memos=memos,
        memo_guid={m.pk: m.uuid for m in memos},
        users=users,
        user_guid={int(k): g for k, g in ids.guids(study, ExchangeKind.USER, users).items()},
        document_guid={
            int(k): g
            for k, g in ids.guids(study, ExchangeKind.DOCUMENT, (d[0] for d in documents)).items()
        },
        respondents=respondents,
        respondent_guid={
            int(k): g
            for k, g in ids.guids(
                study, ExchangeKind.RESPONDENT, (r.pk for r in respondents)
            ).items()
        },
        variable_guid=ids.guids(study, ExchangeKind.VARIABLE, VARIABLES),
        documents_of=documents_of,
    )
    for memo in memos:
        for kind, target in (
            ("document", memo.document_id),
            ("code", memo.code_id),
            ("coding", memo.coding_id),
        ):
            if target is not None:
                data.memos_on.setdefault((kind, target), []).append(data.memo_guid[memo.pk])
    return data


_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_ATTR = {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}


def _esc(text: object) -> str:
    """Text content: characters XML 1.0 cannot hold are dropped, markup is escaped."""
    return escape(_INVALID.sub("", str(text)))


def _attr(value: object) -> str:
    return escape(_INVALID.sub("", str(value)), _ATTR)


class _Xml:
    """A small XML writer: strings in a list, flushed as UTF-8 to the zip entry or sink.

    Faster than building elements for 10,000 selections whose values are GUIDs, numbers and
    timestamps; everything that comes from users goes through :func:`_esc` / :func:`_attr`.
    """

    def __init__(self, out: Any) -> None:
        self.out = out
        self.parts: list[str] = ['<?xml version="1.0" encoding="utf-8"?>\n']

    def tag(self, name: str, /, attrs: dict[str, object], *, close: bool = False) -> None:
        rendered = "".join(
            f' {k}="{_attr(v)}"' for k, v in attrs.items() if v is not None and v != ""
        )
        self.parts.append(f"<{name}{rendered}{'/' if close else ''}>")

    def open(self, name: str, /, **attrs: object) -> None:
        self.tag(name, attrs)

    def empty(self, name: str, /, **attrs: object) -> None:
        self.tag(name, attrs, close=True)

    def close(self, name: str) -> None:
        self.parts.append(f"</{name}>")

    def leaf(self, name: str, text: object, /, **attrs: object) -> None:
        self.tag(name, attrs)
        self.parts.append(f"{_esc(text)}</{name}>")

    def flush(self) -> None:
        self.out.write("".join(self.parts).encode("utf-8"))
        self.parts.clear()


def _code(xml: _Xml, data: _Study, code: Code, *, notes: bool) -> None:
    xml.open(
        "Code", guid=data.code_guid[code.pk], name=code.label, isCodable="true", color=code.colour
    )
    description = code.definition or code.method_definition
    if description:
        xml.leaf("Description", description)
    if notes:
        for memo_guid in data.memos_on.get(("code", code.pk), []):
            xml.empty("NoteRef", targetGUID=memo_guid)
    for child in data.children.get(code.pk, []):
        _code(xml, data, child, notes=notes)
    xml.close("Code")


def _variable_value(xml: _Xml, data: _Study, name: str, value: object) -> None:
    xml.open("VariableValue")
    xml.empty("VariableRef", targetGUID=data.variable_guid[name])
    tag = "DateValue" if VARIABLES[name].type == "Date" else "TextValue"
    isoformat = getattr(value, "isoformat", None)
    xml.leaf(tag, isoformat() if isoformat else value)
    xml.close("VariableValue")


def _respondent_values(respondent: Respondent) -> dict[str, object]:
    person = respondent.person
    return {
        "network": respondent.case.network.name,
        "organisation": person.organisation.name if person.organisation else "",
        "lead_role": person.lead_role,
        "engagement": person.engagement,
        "tenure": person.tenure,
        "gender": person.gender,
        "involved_since": person.involved_since,
    }


def project_chunks(study: Study) -> Iterator[bytes]:
    """The ``.qdpx`` file of a study, in pieces of bytes (a zip: sources/ and project.qde).

    The small parts are read (and missing GUIDs made) now; the rest as the caller iterates.
    """
    return _project(_read(study))


def _project(data: _Study) -> Iterator[bytes]:
    study = data.study
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        texts = Document.objects.filter(study=study).order_by("pk").values_list("pk", "text")
        for pk, text in texts.iterator(chunk_size=50):
            with zf.open(f"sources/{data.document_guid[pk]}.txt", "w") as entry:
                entry.write(text.encode("utf-8"))
            if len(sink.buffer) >= CHUNK:
                yield sink.take()
        with zf.open("project.qde", "w") as entry:
            yield from _write_project(data, _Xml(entry), sink)
    yield sink.take()


def _write_project(data: _Study, xml: _Xml, sink: _Sink) -> Iterator[bytes]:
    study = data.study
    xml.open(
        "Project",
        xmlns=PROJECT_NS,
        name=study.name,
        origin=ORIGIN,
        creationDateTime=when(study.created_at),
        modifiedDateTime=when(datetime.now(UTC)),
    )
    if data.users:
        xml.open("Users")
        for pk, name in data.users.items():
            xml.empty("User", guid=data.user_guid[pk], name=name)
        xml.close("Users")
    roots = data.children.get(None, [])
    if roots:
        xml.open("CodeBook")
        xml.open("Codes")
        for code in roots:
            _code(xml, data, code, notes=True)
        xml.close("Codes")
        xml.close("CodeBook")
    _write_variables(xml, data)
    _write_cases(xml, data)
    yield from _write_sources(xml, data, sink)
    _write_notes(xml, data)
    xml.close("Project")
    xml.flush()
    yield sink.take()


def _write_variables(xml: _Xml, data: _Study) -> None:
    xml.open("Variables")
    for name, variable in VARIABLES.items():
        xml.open("Variable", guid=data.variable_guid[name], name=name, typeOfVariable=variable.type)
        xml.leaf("Description", variable.label)
        xml.close("Variable")
    xml.close("Variables")


def _write_cases(xml: _Xml, data: _Study) -> None:
    if not data.respondents:
        return
    xml.open("Cases")
    for respondent in data.respondents:
        xml.open("Case", guid=data.respondent_guid[respondent.pk], name=respondent.person.name)
        values = _respondent_values(respondent)
        for variable in CASE_VARIABLES:
            if values[variable.name] not in (None, ""):
                _variable_value(xml, data, variable.name, values[variable.name])
        for document_pk in data.documents_of.get(respondent.pk, []):
            xml.empty("SourceRef", targetGUID=data.document_guid[document_pk])
        xml.close("Case")
    xml.close("Cases")


def _write_sources(xml: _Xml, data: _Study, sink: _Sink) -> Iterator[bytes]:
    study = data.study
    if not data.document_guid:
        return
    documents = (
        Document.objects.filter(study=study)
        .order_by("pk")
        .values_list(
            "pk",
            "title",
            "source",
            "kind",
            "date",
            "case__network__name",
            "created_by_id",
            "created_at",
        )
    )
    codings = (
        Coding.objects.filter(study=study)
        .order_by("document_id", "start", "end", "pk")
        .values_list(
            "pk", "uuid", "document_id", "code_id", "coder_id", "start", "end", "created_at"
        )
        .iterator(chunk_size=2000)
    )
    pending = next(codings, None)
    xml.open("Sources")
    for pk, title, source, kind, date, network, creator, created in documents.iterator(
        chunk_size=500
    ):
        guid = data.document_guid[pk]
        xml.open(
            "TextSource",
            guid=guid,
            name=title,
            plainTextPath=f"internal://{guid}.txt",
            creatingUser=data.user_guid.get(creator) if creator else None,
            creationDateTime=when(created),
        )
        if source:
            xml.leaf("Description", source)
        while pending is not None and pending[2] < pk:  # codings of a vanished document
            pending = next(codings, None)
        while pending is not None and pending[2] == pk:
            xml.parts.append(_selection(data, pending))
            pending = next(codings, None)
        for memo_guid in data.memos_on.get(("document", pk), []):
            xml.empty("NoteRef", targetGUID=memo_guid)
        values = {"network": network, "document_kind": kind, "document_date": date}
        for variable in SOURCE_VARIABLES:
            if values[variable.name] not in (None, ""):
                _variable_value(xml, data, variable.name, values[variable.name])
        xml.close("TextSource")
        xml.flush()
        if len(sink.buffer) >= CHUNK:
            yield sink.take()
    xml.close("Sources")


def _selection(data: _Study, row: tuple[Any, ...]) -> str:
    """One selection with its one coding; every value is a GUID, a number or a timestamp."""
    pk, guid, _document, code_id, coder_id, start, end, created = row
    coder = data.user_guid[coder_id]
    moment = when(created)
    notes = "".join(
        f'<NoteRef targetGUID="{memo}"/>' for memo in data.memos_on.get(("coding", pk), ())
    )
    return (
        f'<PlainTextSelection guid="{selection_guid(guid)}" startPosition="{start}" '
        f'endPosition="{end}" creatingUser="{coder}" creationDateTime="{moment}">'
        f'<Coding guid="{guid}" creatingUser="{coder}" creationDateTime="{moment}">'
        f'<CodeRef targetGUID="{data.code_guid[code_id]}"/>{notes}</Coding></PlainTextSelection>'
    )


def _write_notes(xml: _Xml, data: _Study) -> None:
    if not data.memos:
        return
    xml.open("Notes")
    for memo in data.memos:
        xml.open(
            "Note",
            guid=data.memo_guid[memo.pk],
            name=memo.text.splitlines()[0][:80] if memo.text else "",
            creatingUser=data.user_guid.get(memo.author_id),
            creationDateTime=when(memo.created_at),
            modifiedDateTime=when(memo.updated_at),
        )
        xml.leaf("PlainTextContent", memo.text)
        xml.close("Note")
    xml.close("Notes")


def codebook_chunks(study: Study) -> Iterator[bytes]:
    """The ``.qdc`` codebook of a study (codes with hierarchy, colours and descriptions)."""
    data = _read_codebook(study)
    roots = data.children.get(None, [])
    if not roots:
        raise DomainError(
            "refi.empty_codebook", _("The codebook is empty: there is nothing to export.")
        )
    return _codebook(data, roots)


def _codebook(data: _Study, roots: list[Code]) -> Iterator[bytes]:
    sink = _Sink()
    xml = _Xml(sink)
    xml.open("CodeBook", xmlns=CODEBOOK_NS, origin=ORIGIN)
    xml.open("Codes")
    for code in roots:
        _code(xml, data, code, notes=False)
        xml.flush()
        yield sink.take()
    xml.close("Codes")
    xml.close("CodeBook")
    xml.flush()
    yield sink.take()


def _read_codebook(study: Study) -> _Study:
    codes = list(Code.objects.filter(study=study).order_by("order", "pk"))
    children: dict[int | None, list[Code]] = defaultdict(list)
    for code in codes:
        children[code.parent_id].append(code)
    return _Study(
        study=study,
        codes=codes,
        children=children,
        code_guid={code.pk: code.uuid for code in codes},
        memos=[],
        memo_guid={},
        users={},
        user_guid={},
        document_guid={},
        respondents=[],
        respondent_guid={},
        variable_guid={},
    )


def find_study(ref: str) -> Study:
    """A study by its slug or id (the management commands take either)."""
    query = Q(slug=ref)
    if ref.isascii() and ref.isdigit():
        query |= Q(pk=int(ref))
    study = Study.objects.filter(query).first()
    if study is None:
        raise DomainError("refi.no_study", _("There is no study “%(ref)s”.") % {"ref": ref})
    return study
