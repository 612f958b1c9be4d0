"""Write a study as a REFI-QDA project (``.qdpx``) or codebook (``.qdc``), as a stream.

Memory stays flat: the zip is written to a sink that the caller drains after every document, the
XML is written element by element (lxml ``xmlfile``), and documents and codings are read with
``.iterator()``. Only the codebook, memos, users and respondents (all small) are held at once.

Identity: codes, codings and memos keep their own UUID as GUID; documents, respondents,
variables and users get a GUID from :mod:`.ids` the first time they are exported. A selection
carries one coding; its GUID is derived from the coding's, so it is stable as well.
"""

from __future__ import annotations

import uuid
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from lxml import etree

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
    c,
    p,
)
from verbindend.core.errors import DomainError
from verbindend.studies.models import Document, Respondent, Study

SELECTION_NS = uuid.UUID("6f1c8a52-3e0b-4f7e-9d1a-2b5c7e9f0a41")
CHUNK = 64 * 1024


def selection_guid(coding_guid: uuid.UUID) -> uuid.UUID:
    """The GUID of the selection that carries one coding: derived, so it never changes."""
    return uuid.uuid5(SELECTION_NS, str(coding_guid))


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

    def take(self) -> bytes:
        data = bytes(self.buffer)
        self.buffer.clear()
        return data


def _attrs(**values: object) -> dict[str, str]:
    return {k: str(v) for k, v in values.items() if v not in (None, "")}


@dataclass
class _Study:
    """The small parts of a study, read once before streaming."""

    study: Study
    codes: list[Code]
    children: dict[int | None, list[Code]]
    code_guid: dict[int, uuid.UUID]
    memos: list[Memo]
    memo_guid: dict[int, uuid.UUID]
    coding_guid_override: dict[str, uuid.UUID]
    users: dict[int, str]
    user_guid: dict[int, uuid.UUID]
    document_guid: dict[int, uuid.UUID]
    respondents: list[Respondent]
    respondent_guid: dict[int, uuid.UUID]
    variable_guid: dict[str, uuid.UUID]
    memos_on: dict[tuple[str, int], list[uuid.UUID]] = field(default_factory=dict)
    documents_of: dict[int, list[int]] = field(default_factory=dict)


def _own(obj_guid: uuid.UUID, override: dict[str, uuid.UUID], pk: int) -> uuid.UUID:
    return override.get(str(pk), obj_guid)


def _read(study: Study) -> _Study:
    codes = list(Code.objects.filter(study=study).order_by("order", "pk"))
    children: dict[int | None, list[Code]] = defaultdict(list)
    for code in codes:
        children[code.parent_id].append(code)
    code_override = ids.known(study, ExchangeKind.CODE)
    memo_override = ids.known(study, ExchangeKind.MEMO)
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
        code_guid={code.pk: _own(code.uuid, code_override, code.pk) for code in codes},
        memos=memos,
        memo_guid={m.pk: _own(m.uuid, memo_override, m.pk) for m in memos},
        coding_guid_override=ids.known(study, ExchangeKind.CODING),
        users=users,
        user_guid={int(k): g for k, g in ids.ensure(study, ExchangeKind.USER, users).items()},
        document_guid={
            int(k): g
            for k, g in ids.ensure(study, ExchangeKind.DOCUMENT, (d[0] for d in documents)).items()
        },
        respondents=respondents,
        respondent_guid={
            int(k): g
            for k, g in ids.ensure(
                study, ExchangeKind.RESPONDENT, (r.pk for r in respondents)
            ).items()
        },
        variable_guid=ids.ensure(study, ExchangeKind.VARIABLE, VARIABLES),
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


def _code_element(data: _Study, code: Code, tag: Any) -> etree._Element:
    element = etree.Element(
        tag("Code"),
        _attrs(
            guid=data.code_guid[code.pk],
            name=code.label,
            isCodable="true",
            color=code.colour,
        ),
    )
    description = code.definition or code.method_definition
    if description:
        etree.SubElement(element, tag("Description")).text = description
    if tag is p:
        for memo_guid in data.memos_on.get(("code", code.pk), []):
            etree.SubElement(element, tag("NoteRef"), targetGUID=str(memo_guid))
    for child in data.children.get(code.pk, []):
        element.append(_code_element(data, child, tag))
    return element


def _variable_value(data: _Study, name: str, value: object) -> etree._Element:
    element = etree.Element(p("VariableValue"))
    etree.SubElement(element, p("VariableRef"), targetGUID=str(data.variable_guid[name]))
    kind = VARIABLES[name].type
    tag = "DateValue" if kind == "Date" else "TextValue"
    etree.SubElement(element, p(tag)).text = (
        value.isoformat() if hasattr(value, "isoformat") else str(value)
    )
    return element


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
            yield from _write_project(data, entry, sink)
    yield sink.take()


def _write_project(data: _Study, entry: Any, sink: _Sink) -> Iterator[bytes]:
    study = data.study
    now = when(datetime.now(UTC))
    with etree.xmlfile(entry, encoding="utf-8") as xf:
        xf.write_declaration()
        attrs = _attrs(name=study.name, origin=ORIGIN, creationDateTime=when(study.created_at))
        attrs["modifiedDateTime"] = now or ""
        with xf.element(p("Project"), attrs, nsmap={None: PROJECT_NS}):
            if data.users:
                with xf.element(p("Users")):
                    for pk, name in data.users.items():
                        xf.write(etree.Element(p("User"), guid=str(data.user_guid[pk]), name=name))
            roots = data.children.get(None, [])
            if roots:
                with xf.element(p("CodeBook")), xf.element(p("Codes")):
                    for code in roots:
                        xf.write(_code_element(data, code, p))
            _write_variables(xf, data)
            _write_cases(xf, data)
            yield from _write_sources(xf, data, sink)
            _write_notes(xf, data)
        xf.flush()
    yield sink.take()


def _write_variables(xf: Any, data: _Study) -> None:
    with xf.element(p("Variables")):
        for name, variable in VARIABLES.items():
            element = etree.Element(
                p("Variable"),
                guid=str(data.variable_guid[name]),
                name=name,
                typeOfVariable=variable.type,
            )
            etree.SubElement(element, p("Description")).text = variable.label
            xf.write(element)


def _write_cases(xf: Any, data: _Study) -> None:
    if not data.respondents:
        return
    with xf.element(p("Cases")):
        for respondent in data.respondents:
            element = etree.Element(
                p("Case"),
                guid=str(data.respondent_guid[respondent.pk]),
                name=respondent.person.name,
            )
            values = _respondent_values(respondent)
            for variable in CASE_VARIABLES:
                if values[variable.name] not in (None, ""):
                    element.append(_variable_value(data, variable.name, values[variable.name]))
            for document_pk in data.documents_of.get(respondent.pk, []):
                etree.SubElement(
                    element, p("SourceRef"), targetGUID=str(data.document_guid[document_pk])
                )
            xf.write(element)


def _write_sources(xf: Any, data: _Study, sink: _Sink) -> Iterator[bytes]:
    study = data.study
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
    if not data.document_guid:
        return
    with xf.element(p("Sources")):
        for pk, title, source, kind, date, network, creator, created in documents.iterator(
            chunk_size=500
        ):
            guid = data.document_guid[pk]
            attrs = _attrs(
                guid=guid,
                name=title,
                plainTextPath=f"internal://{guid}.txt",
                creatingUser=data.user_guid.get(creator) if creator else None,
                creationDateTime=when(created),
            )
            with xf.element(p("TextSource"), attrs):
                if source:
                    xf.write(_text(p("Description"), source))
                while pending is not None and pending[2] < pk:  # codings of a vanished document
                    pending = next(codings, None)
                while pending is not None and pending[2] == pk:
                    xf.write(_selection(data, pending))
                    pending = next(codings, None)
                for memo_guid in data.memos_on.get(("document", pk), []):
                    xf.write(etree.Element(p("NoteRef"), targetGUID=str(memo_guid)))
                values = {"network": network, "document_kind": kind, "document_date": date}
                for variable in SOURCE_VARIABLES:
                    if values[variable.name] not in (None, ""):
                        xf.write(_variable_value(data, variable.name, values[variable.name]))
            if len(sink.buffer) >= CHUNK:
                xf.flush()
                yield sink.take()


def _text(tag: str, text: str) -> etree._Element:
    element = etree.Element(tag)
    element.text = text
    return element


def _selection(data: _Study, row: tuple[Any, ...]) -> etree._Element:
    pk, own_uuid, _document, code_id, coder_id, start, end, created = row
    guid = data.coding_guid_override.get(str(pk), own_uuid)
    coder = str(data.user_guid[coder_id])
    moment = when(created)
    selection = etree.Element(
        p("PlainTextSelection"),
        guid=str(selection_guid(guid)),
        startPosition=str(start),
        endPosition=str(end),
        creatingUser=coder,
        creationDateTime=moment or "",
    )
    coding = etree.SubElement(
        selection, p("Coding"), guid=str(guid), creatingUser=coder, creationDateTime=moment or ""
    )
    etree.SubElement(coding, p("CodeRef"), targetGUID=str(data.code_guid[code_id]))
    for memo_guid in data.memos_on.get(("coding", pk), []):
        etree.SubElement(coding, p("NoteRef"), targetGUID=str(memo_guid))
    return selection


def _write_notes(xf: Any, data: _Study) -> None:
    if not data.memos:
        return
    with xf.element(p("Notes")):
        for memo in data.memos:
            note = etree.Element(
                p("Note"),
                _attrs(
                    guid=data.memo_guid[memo.pk],
                    name=memo.text.splitlines()[0][:80] if memo.text else "",
                    creatingUser=data.user_guid.get(memo.author_id),
                    creationDateTime=when(memo.created_at),
                    modifiedDateTime=when(memo.updated_at),
                ),
            )
            etree.SubElement(note, p("PlainTextContent")).text = memo.text
            xf.write(note)


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
    with etree.xmlfile(sink, encoding="utf-8") as xf:  # type: ignore[arg-type]
        xf.write_declaration()
        with (
            xf.element(c("CodeBook"), {"origin": ORIGIN}, nsmap={None: CODEBOOK_NS}),
            xf.element(c("Codes")),
        ):
            for code in roots:
                xf.write(_code_element(data, code, c))
                xf.flush()
                yield sink.take()
    yield sink.take()


def _read_codebook(study: Study) -> _Study:
    codes = list(Code.objects.filter(study=study).order_by("order", "pk"))
    children: dict[int | None, list[Code]] = defaultdict(list)
    for code in codes:
        children[code.parent_id].append(code)
    override = ids.known(study, ExchangeKind.CODE)
    return _Study(
        study=study,
        codes=codes,
        children=children,
        code_guid={code.pk: _own(code.uuid, override, code.pk) for code in codes},
        memos=[],
        memo_guid={},
        coding_guid_override={},
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
    if ref.isdigit():
        query |= Q(pk=int(ref))
    study = Study.objects.filter(query).first()
    if study is None:
        raise DomainError("refi.no_study", _("There is no study “%(ref)s”.") % {"ref": ref})
    return study
