"""Reading a REFI-QDA file into a plan: every reference checked, nothing written."""

from __future__ import annotations

import bisect
import io
import unicodedata
import uuid
from collections import Counter
from pathlib import PurePosixPath
from typing import IO, Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from lxml import etree

from verbindend.analysis.refi.plan import (
    DEFAULT_COLOUR,
    MEMO_MAX,
    OTHER_SOURCES,
    CaseItem,
    CodeItem,
    CodingItem,
    NoteItem,
    Plan,
    SourceItem,
    UserItem,
)
from verbindend.analysis.refi.safety import Package, parse_xml, refuse
from verbindend.analysis.refi.spec import (
    CODEBOOK_NS,
    LIMITS,
    PROJECT_NS,
)
from verbindend.studies import extract


def read(file: IO[bytes], filename: str) -> Plan:
    """Read and check a ``.qdpx``, ``.qde`` or ``.qdc``; raises :class:`Refused` if unreadable."""
    suffix = PurePosixPath(filename.lower()).suffix
    head = file.read(4)
    file.seek(0)
    if suffix == ".qdpx" or head.startswith(b"PK"):
        package = Package(file)
        qde = [n for n in package.names() if n.lower().endswith(".qde") and "/" not in n]
        if len(qde) != 1:
            raise refuse(_("The archive must hold exactly one project (.qde) file at its top."))
        root = parse_xml(package.read(qde[0]), qde[0])
        return _Reader(root, package).project()
    data = file.read(LIMITS.max_entry + 1)
    if len(data) > LIMITS.max_entry:
        raise refuse(_("The file is too large."))
    root = parse_xml(data, filename or "file")
    if etree.QName(root).localname == "CodeBook":
        return _Reader(root, None).codebook()
    return _Reader(root, None).project()


def _guid(value: str | None) -> uuid.UUID | None:
    if not value:
        return None
    try:
        return uuid.UUID(value.strip().strip("{}"))
    except ValueError:
        return None


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _colour(value: str | None) -> str:
    value = (value or "").strip().lower()
    if len(value) == 4 and value.startswith("#"):
        value = "#" + "".join(ch * 2 for ch in value[1:])
    if (
        len(value) == 7
        and value.startswith("#")
        and all(ch in "0123456789abcdef" for ch in value[1:])
    ):
        return value
    return DEFAULT_COLOUR


def normalise(text: str) -> tuple[str, Any]:
    """The text in our stored form (NFC, ``\\n``), and a function that moves an offset along.

    Offsets are code points. Normalising changes lengths only inside a base character with its
    combining marks (or at ``\\r\\n``), so the text is cut before every base character, each
    piece is normalised on its own, and an offset is moved to the matching piece boundary.
    """
    if "\r" not in text and "\x00" not in text and unicodedata.is_normalized("NFC", text):
        return text, lambda offset, _end=False: offset
    pieces_old: list[int] = []
    pieces_new: list[int] = []
    out: list[str] = []
    position = 0
    length = 0
    i = 0
    while i < len(text):
        j = i + 1
        if text[i] == "\r" and j < len(text) and text[j] == "\n":
            j += 1
        while j < len(text) and unicodedata.combining(text[j]):
            j += 1
        piece = text[i:j].replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
        piece = unicodedata.normalize("NFC", piece)
        pieces_old.append(i)
        pieces_new.append(length)
        out.append(piece)
        length += len(piece)
        position = j
        i = j
    pieces_old.append(position)
    pieces_new.append(length)
    new_text = "".join(out)

    def move(offset: int, end: bool = False) -> int:
        index = bisect.bisect_left(pieces_old, offset)
        if index < len(pieces_old) and pieces_old[index] == offset:
            return pieces_new[index]
        return pieces_new[index] if end else pieces_new[index - 1]

    return new_text, move


class _Reader:
    def __init__(self, root: etree._Element, package: Package | None) -> None:
        self.root = root
        self.ns = etree.QName(root).namespace or ""
        self.package = package
        self.seen: set[uuid.UUID] = set()
        self.note_refs: list[tuple[uuid.UUID, str, uuid.UUID]] = []  # note, kind, target
        self.code_refs: list[tuple[str, uuid.UUID]] = []  # where, code guid

    def t(self, tag: str) -> str:
        return f"{{{self.ns}}}{tag}" if self.ns else tag

    def kids(self, element: etree._Element, tag: str) -> list[etree._Element]:
        return element.findall(self.t(tag))

    def text_of(self, element: etree._Element, tag: str) -> str:
        child = element.find(self.t(tag))
        return (child.text or "") if child is not None else ""

    def guid(self, element: etree._Element, plan: Plan, what: str) -> uuid.UUID | None:
        raw = element.get("guid")
        value = _guid(raw)
        if value is None:
            plan.problems.append(
                _("A %(what)s has no valid GUID (%(value)s).") % {"what": what, "value": raw or "—"}
            )
            return None
        if value in self.seen:
            plan.problems.append(_("The GUID %(guid)s is used twice.") % {"guid": value})
            return None
        self.seen.add(value)
        return value

    # -- codebook -------------------------------------------------------------------------

    def codebook(self) -> Plan:
        plan = Plan(kind="codebook", origin=self.root.get("origin", ""))
        if self.ns not in (CODEBOOK_NS, ""):
            plan.problems.append(_("This is not a REFI-QDA codebook (unknown namespace)."))
        codes = self.root.find(self.t("Codes"))
        if codes is None:
            plan.problems.append(_("The codebook has no codes."))
        else:
            self._codes(plan, codes, None)
        if self.kids(self.root, "Sets"):
            plan.skipped.append(_("Sets of codes are not taken over."))
        return plan

    def _codes(self, plan: Plan, parent_el: etree._Element, parent: uuid.UUID | None) -> None:
        for order, element in enumerate(self.kids(parent_el, "Code")):
            guid = self.guid(element, plan, _("code"))
            if guid is None:
                continue
            name = (element.get("name") or "").strip()
            if not name:
                plan.problems.append(_("A code has no name (%(guid)s).") % {"guid": guid})
            plan.codes[guid] = CodeItem(
                guid=guid,
                name=name[:200],
                colour=_colour(element.get("color")),
                description=self.text_of(element, "Description")[:5000],
                parent=parent,
                order=order,
            )
            for ref in self.kids(element, "NoteRef"):
                self._note_ref(plan, ref, "code", guid)
            self._codes(plan, element, guid)

    def _note_ref(self, plan: Plan, ref: etree._Element, kind: str, target: uuid.UUID) -> None:
        note = _guid(ref.get("targetGUID"))
        if note is None:
            plan.problems.append(_("A note reference has no valid GUID."))
        else:
            self.note_refs.append((note, kind, target))

    # -- project --------------------------------------------------------------------------

    def project(self) -> Plan:
        root = self.root
        plan = Plan(kind="project", name=root.get("name", ""), origin=root.get("origin", ""))
        if etree.QName(root).localname != "Project" or self.ns not in (PROJECT_NS, ""):
            raise refuse(_("This is not a REFI-QDA project (.qde) file."))
        for users in self.kids(root, "Users"):
            for element in self.kids(users, "User"):
                guid = self.guid(element, plan, _("user"))
                if guid is not None:
                    plan.users[guid] = UserItem(
                        guid, (element.get("name") or "").strip(), (element.get("id") or "").strip()
                    )
        for book in self.kids(root, "CodeBook"):
            for codes in self.kids(book, "Codes"):
                self._codes(plan, codes, None)
        for variables in self.kids(root, "Variables"):
            for element in self.kids(variables, "Variable"):
                guid = self.guid(element, plan, _("variable"))
                if guid is not None:
                    plan.variables[guid] = (element.get("name") or "").strip()
        for sources in self.kids(root, "Sources"):
            for element in self.kids(sources, "TextSource"):
                self._source(plan, element)
            other = Counter(
                etree.QName(e).localname
                for e in sources
                if etree.QName(e).localname in OTHER_SOURCES
            )
            for kind, n in sorted(other.items()):
                plan.skipped.append(
                    ngettext(
                        "%(n)s %(kind)s is not taken over: only text sources are.",
                        "%(n)s %(kind)s items are not taken over: only text sources are.",
                        n,
                    )
                    % {"n": n, "kind": kind}
                )
        for cases in self.kids(root, "Cases"):
            for element in self.kids(cases, "Case"):
                self._case(plan, element)
        for notes in self.kids(root, "Notes"):
            for element in self.kids(notes, "Note"):
                self._note(plan, element)
        for name in ("Links", "Sets", "Graphs"):
            if self.kids(root, name):
                plan.skipped.append(_("%(part)s are not taken over.") % {"part": name})
        for ref in self.kids(root, "NoteRef"):
            self._note_ref(plan, ref, "project", uuid.UUID(int=0))
        self._resolve(plan)
        return plan

    def _values(self, plan: Plan, element: etree._Element) -> dict[str, str]:
        values = {}
        for value in self.kids(element, "VariableValue"):
            ref = value.find(self.t("VariableRef"))
            guid = _guid(ref.get("targetGUID")) if ref is not None else None
            content = next(
                (
                    child.text or ""
                    for child in value
                    if etree.QName(child).localname.endswith("Value")
                ),
                "",
            )
            if guid is not None:
                values[str(guid)] = content.strip()
        return values

    def _plain_text(self, plan: Plan, element: etree._Element, what: str) -> str | None:
        inline = element.find(self.t("PlainTextContent"))
        if inline is not None:
            return inline.text or ""
        path = element.get("plainTextPath") or ""
        if path.startswith("internal://") and self.package is not None:
            name = "sources/" + path.removeprefix("internal://")
            if name not in self.package.entries:  # a few tools put the texts at the top
                name = path.removeprefix("internal://")
            if name in self.package.entries:
                try:
                    return self.package.read(name).decode("utf-8-sig")
                except UnicodeDecodeError:
                    plan.problems.append(_("The text of “%(what)s” is not UTF-8.") % {"what": what})
                    return None
        plan.problems.append(
            _("The text of “%(what)s” is missing (%(path)s).") % {"what": what, "path": path or "—"}
        )
        return None

    def _source(self, plan: Plan, element: etree._Element) -> None:
        guid = self.guid(element, plan, _("source"))
        if guid is None:
            return
        name = (element.get("name") or "").strip() or str(guid)
        raw = self._plain_text(plan, element, name)
        if raw is None:
            return
        text, move = normalise(raw)
        if len(text) > extract.max_chars():
            plan.problems.append(_("The text of “%(what)s” is too long.") % {"what": name})
            return
        plan.sources[guid] = SourceItem(
            guid=guid,
            name=name[:300],
            text=text,
            description=self.text_of(element, "Description")[:500],
            creator=_guid(element.get("creatingUser")),
            values=self._values(plan, element),
        )
        for ref in self.kids(element, "NoteRef"):
            self._note_ref(plan, ref, "document", guid)
        for selection in self.kids(element, "PlainTextSelection"):
            sel_guid = self.guid(selection, plan, _("selection"))
            start = _int(selection.get("startPosition"))
            end = _int(selection.get("endPosition"))
            if sel_guid is None:
                continue
            if start is None or end is None or not (0 <= start <= end <= len(raw)):
                # a coding of this selection is refused with it; its code reference is moot
                plan.problems.append(
                    _(
                        "A selection in “%(what)s” lies outside its text "
                        "(%(start)s–%(end)s of %(n)s)."
                    )
                    % {"what": name, "start": start, "end": end, "n": len(raw)}
                )
                continue
            new_start, new_end = move(start), move(end, True)
            codings = self.kids(selection, "Coding")
            if new_start == new_end:
                plan.skipped.append(
                    _("An empty selection in “%(what)s” is not taken over.") % {"what": name}
                )
                continue
            for coding in codings:
                self._coding(plan, coding, guid, new_start, new_end, selection.get("creatingUser"))
            if codings:
                first = self.kids(codings[0], "CodeRef")
                for ref in self.kids(selection, "NoteRef"):
                    coding_guid = _guid(codings[0].get("guid"))
                    if first and coding_guid is not None:
                        self._note_ref(plan, ref, "coding", coding_guid)
            elif self.kids(selection, "NoteRef"):
                plan.skipped.append(
                    _("A note on an uncoded selection in “%(what)s” is not taken over.")
                    % {"what": name}
                )
        for coding in self.kids(element, "Coding"):  # the whole source is coded
            self._coding(plan, coding, guid, 0, len(text), element.get("creatingUser"))

    def _coding(
        self,
        plan: Plan,
        element: etree._Element,
        source: uuid.UUID,
        start: int,
        end: int,
        fallback_user: str | None,
    ) -> None:
        guid = self.guid(element, plan, _("coding"))
        ref = element.find(self.t("CodeRef"))
        code = _guid(ref.get("targetGUID")) if ref is not None else None
        if guid is None:
            return
        if code is None:
            plan.problems.append(_("A coding has no code reference (%(guid)s).") % {"guid": guid})
            return
        self.code_refs.append((str(guid), code))
        plan.codings[guid] = CodingItem(
            guid=guid,
            source=source,
            code=code,
            coder=_guid(element.get("creatingUser")) or _guid(fallback_user),
            start=start,
            end=end,
        )
        for note in self.kids(element, "NoteRef"):
            self._note_ref(plan, note, "coding", guid)

    def _case(self, plan: Plan, element: etree._Element) -> None:
        guid = self.guid(element, plan, _("case"))
        if guid is None:
            return
        sources = [
            g
            for g in (_guid(ref.get("targetGUID")) for ref in self.kids(element, "SourceRef"))
            if g
        ]
        plan.cases[guid] = CaseItem(
            guid=guid,
            name=((element.get("name") or "").strip() or str(guid))[:200],
            values=self._values(plan, element),
            sources=sources,
        )
        if self.kids(element, "CodeRef") or self.kids(element, "SelectionRef"):
            plan.skipped.append(
                _("Codes and selections linked to case “%(name)s” are not taken over.")
                % {"name": plan.cases[guid].name}
            )

    def _note(self, plan: Plan, element: etree._Element) -> None:
        guid = self.guid(element, plan, _("note"))
        if guid is None:
            return
        name = (element.get("name") or "").strip()
        text = self._plain_text(plan, element, name or str(guid))
        if text is None:
            return
        text, _move = normalise(text)
        plan.notes[guid] = NoteItem(
            guid=guid, name=name, text=text, author=_guid(element.get("creatingUser"))
        )

    def _resolve(self, plan: Plan) -> None:
        """Cross-references: codes of codings, sources of cases, targets of notes."""
        for where, code in self.code_refs:
            if code not in plan.codes:
                plan.problems.append(
                    _("A coding (%(where)s) refers to a code that is not in the file (%(code)s).")
                    % {"where": where, "code": code}
                )
                plan.codings.pop(uuid.UUID(where), None)
        for case in plan.cases.values():
            missing = [g for g in case.sources if g not in plan.sources]
            if missing:
                plan.skipped.append(
                    _("Case “%(name)s” refers to %(n)s source(s) that were not taken over.")
                    % {"name": case.name, "n": len(missing)}
                )
                case.sources = [g for g in case.sources if g in plan.sources]
        for note, kind, target in self.note_refs:
            item = plan.notes.get(note)
            if item is None:
                plan.problems.append(
                    _("A reference to a note that is not in the file (%(guid)s).") % {"guid": note}
                )
            elif item.target is None and kind != "project":
                item.target = (kind, target)
        unlinked = [n for n in plan.notes.values() if n.target is None]
        if unlinked:
            plan.skipped.append(
                ngettext(
                    "%(n)s note is not linked to a code, source or coding and is not taken over.",
                    "%(n)s notes are not linked to a code, source or coding "
                    "and are not taken over.",
                    len(unlinked),
                )
                % {"n": len(unlinked)}
            )
            for note_item in unlinked:
                del plan.notes[note_item.guid]
        long_notes = [n for n in plan.notes.values() if len(n.text) > MEMO_MAX]
        for note_item in long_notes:
            plan.skipped.append(
                _("Note “%(name)s” is cut to %(n)s characters.")
                % {"name": note_item.name or note_item.guid, "n": f"{MEMO_MAX:,}"}
            )
            note_item.text = note_item.text[:MEMO_MAX]
        empty = [n for n in plan.notes.values() if not n.text.strip()]
        for note_item in empty:
            del plan.notes[note_item.guid]
        if empty:
            plan.skipped.append(_("Empty notes are not taken over."))


def read_bytes(data: bytes, filename: str) -> Plan:
    return read(io.BytesIO(data), filename)
