"""Import a REFI-QDA project (``.qdpx``/``.qde``) or codebook (``.qdc``) made by another tool.

Two phases. :func:`read` parses and checks everything and returns a :class:`Plan`: counts for a
preview, ``problems`` that refuse the file (missing sources, selections outside their text,
references to unknown codes, malformed XML, unsafe archives), and ``skipped`` — what the file
holds that Verbindend cannot take over (PDF or picture sources, sets, graphs, unlinked notes…).
:func:`apply` then writes the plan in one transaction: an error leaves nothing behind.

Identity: an object whose GUID this study already knows is found again, not added twice; a
new object keeps the file's GUID, so exporting again gives the same GUIDs.
"""

from __future__ import annotations

import bisect
import io
import unicodedata
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePosixPath
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from lxml import etree

from verbindend.accounts.models import User
from verbindend.analysis.models import Code, Coding, ExchangeKind, Memo
from verbindend.analysis.refi import ids
from verbindend.analysis.refi.safety import Package, Refused, parse_xml, refuse
from verbindend.analysis.refi.spec import (
    CHOICE_ATTRIBUTES,
    CODEBOOK_NS,
    LIMITS,
    PROJECT_NS,
    VARIABLES,
)
from verbindend.studies import extract
from verbindend.studies.models import (
    Case,
    CaseStatus,
    Document,
    DocumentKind,
    Respondent,
    Study,
)
from verbindend.studies.services import paragraph_starts

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


# -- reading ----------------------------------------------------------------------------------


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


# -- writing ----------------------------------------------------------------------------------

BATCH = 1000
IMPORT_ACCOUNT = "refi-import"


@dataclass
class Report:
    """What an import did: made, found again (not added twice), and what it left out."""

    study: Study
    created: dict[str, int] = field(default_factory=dict)
    found: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _variable_key(name: str) -> str | None:
    """Our attribute for a variable name from the file (its key, or its label in a language)."""
    from verbindend.networks.models import Person

    wanted = name.strip().lower()
    for key, variable in VARIABLES.items():
        if wanted in {key, variable.label.lower(), key.replace("_", " ")}:
            return key
        if key in PERSON_FIELDS:
            label = getattr(Person._meta.get_field(key), "verbose_name", key)
            with translation.override("nl"):
                dutch = str(label).lower()
            with translation.override("en"):
                english = str(label).lower()
            if wanted in {dutch, english}:
                return key
    return None


PERSON_FIELDS = ("lead_role", "engagement", "tenure", "gender", "involved_since")


def _choice(model_field: Any, value: str) -> str | None:
    """A stored choice for a value written as the choice itself or as its label (NL or EN)."""
    wanted = value.strip().lower()
    for stored, label in model_field.choices:
        names = {str(stored).lower()}
        for language in ("nl", "en"):
            with translation.override(language):
                names.add(str(label).lower())
        if wanted in names:
            return str(stored)
    return None


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _unique_slug(model: Any, name: str) -> str:
    base = slugify(name)[:60] or "import"
    slug = base
    while model.objects.filter(slug=slug).exists():
        slug = f"{base}-{uuid.uuid4().hex[:6]}"
    return slug


def _taken(model: Any, guids: list[uuid.UUID], study: Study) -> set[uuid.UUID]:
    """GUIDs already used as the UUID of another study's object (they get a fresh UUID)."""
    taken: set[uuid.UUID] = set()
    for start in range(0, len(guids), 500):
        chunk = guids[start : start + 500]
        taken |= set(
            model.objects.filter(uuid__in=chunk).exclude(study=study).values_list("uuid", flat=True)
        )
    return taken


def _found_again(
    model: Any, kind: str, study: Study, guids: list[uuid.UUID]
) -> dict[uuid.UUID, int]:
    """Objects of this study that already carry these GUIDs (own UUID or remembered)."""
    found = {g: int(k) for g, k in ids.by_guid(study, kind).items() if g in set(guids)}
    for start in range(0, len(guids), 500):
        chunk = guids[start : start + 500]
        found.update(model.objects.filter(study=study, uuid__in=chunk).values_list("uuid", "pk"))
    return found


@dataclass
class UserMatch:
    """How one `<User>` of a file is taken over: a team member's account, or a new one."""

    item: UserItem
    account: User | None

    @property
    def label(self) -> str:
        return self.item.name or self.item.ident or str(self.item.guid)


def match_users(plan: Plan, study: Study) -> dict[uuid.UUID, UserMatch]:
    """Users of the file matched only to the study's own team, by email (any letter case).

    Anyone else on the site stays out of reach: a file cannot credit codings to a stranger or
    make the page show a stranger's name. Unmatched users become new inactive accounts.
    """
    team: dict[str, User] = {}
    for member in User.objects.filter(study_roles__study=study).distinct():
        for address in (member.email, member.username):
            if address and "@" in address:
                team.setdefault(address.strip().casefold(), member)
    known = ids.by_guid(study, ExchangeKind.USER)
    own = ids.own_users(study)
    imported = {
        made.pk: made
        for made in User.objects.filter(
            pk__in=[
                int(pk)
                for pk in [*own.values(), *known.values()]
                if str(pk).isascii() and str(pk).isdigit()
            ],
            username__startswith="refi-",
            is_active=False,
        )
    }
    team_by_pk = {member.pk: member for member in team.values()}
    out: dict[uuid.UUID, UserMatch] = {}
    for item in plan.users.values():
        account: User | None = None
        for key in (own.get(item.guid), known.get(item.guid)):
            if account is None and key is not None and str(key).isascii() and str(key).isdigit():
                account = team_by_pk.get(int(key)) or imported.get(int(key))
        if account is None and item.ident:
            account = team.get(item.ident.strip().casefold())
        out[item.guid] = UserMatch(item, account)
    return out


def _new_inactive_account(item: UserItem) -> User:
    """A new inactive account without a password, named as in the file.

    Its username is ``refi-<GUID>``, or that with a number when an earlier import (into
    another study) already made one: never an existing account, whoever it belongs to.
    """
    base = f"refi-{item.guid}"
    for attempt in range(1, 1000):
        username = base if attempt == 1 else f"{base}-{attempt}"
        if User.objects.filter(username__iexact=username).exists():
            continue
        account = User(
            username=username,
            first_name=(item.name or item.ident or str(item.guid))[:150],
            is_active=False,
        )
        account.set_unusable_password()
        try:
            with transaction.atomic():  # made at the same moment by another import: next one
                account.save()
        except IntegrityError:
            continue
        return account
    raise RuntimeError(f"no free username for {base}")


class _Writer:
    def __init__(self, plan: Plan, study: Study, user: User | None, report: Report) -> None:
        self.plan = plan
        self.study = study
        self.user = user
        self.report = report
        self.users: dict[uuid.UUID, User] = {}
        self.codes: dict[uuid.UUID, int] = {}
        self.documents: dict[uuid.UUID, Document] = {}
        self.new_documents: set[uuid.UUID] = set()
        self.codings: dict[uuid.UUID, int] = {}
        self.cases: dict[str, Case] = {}
        self.var_keys = {guid: _variable_key(name) for guid, name in plan.variables.items()}
        self._fallback: User | None = user

    def count(self, what: str, created: int, found: int = 0) -> None:
        self.report.created[what] = self.report.created.get(what, 0) + created
        self.report.found[what] = self.report.found.get(what, 0) + found

    def fallback(self) -> User:
        if self._fallback is None:
            account, _made = User.objects.get_or_create(
                username=IMPORT_ACCOUNT,
                defaults={"first_name": "REFI-QDA import", "is_active": False},
            )
            if account.has_usable_password():
                account.set_unusable_password()
                account.save()
            self._fallback = account
        return self._fallback

    def user_for(self, guid: uuid.UUID | None) -> User:
        if guid is not None and guid in self.users:
            return self.users[guid]
        return self.fallback()

    # users -------------------------------------------------------------------------------

    def write_users(self) -> None:
        known = ids.by_guid(self.study, ExchangeKind.USER)
        made = matched = 0
        new_pairs = []
        own_pairs = []
        matches = match_users(self.plan, self.study)
        for item in self.plan.users.values():
            account = matches[item.guid].account
            if account is not None:
                if item.guid not in known:
                    new_pairs.append((account.pk, item.guid))
                matched += 1
            else:
                account = _new_inactive_account(item)
                if item.guid in known:
                    # The GUID already stands for another account (someone outside the team):
                    # it stays theirs; this study remembers its own copy.
                    own_pairs.append((account.pk, item.guid))
                else:
                    new_pairs.append((account.pk, item.guid))
                made += 1
            self.users[item.guid] = account
        ids.record(self.study, ExchangeKind.USER, new_pairs)
        ids.record_own_users(self.study, own_pairs)
        self.count("users", made, matched)
        if made:
            self.report.notes.append(
                ngettext(
                    "%(n)s user of the file became an inactive account without a password; "
                    "an administrator can activate it or merge it with a real account.",
                    "%(n)s users of the file became inactive accounts without a password; "
                    "an administrator can activate them or merge them with real accounts.",
                    made,
                )
                % {"n": made}
            )
        if matched:
            self.report.notes.append(
                ngettext(
                    "%(n)s user of the file matched an existing account.",
                    "%(n)s users of the file matched existing accounts.",
                    matched,
                )
                % {"n": matched}
            )

    # codes -------------------------------------------------------------------------------

    def write_codes(self) -> None:
        guids = list(self.plan.codes)
        found = _found_again(Code, ExchangeKind.CODE, self.study, guids)
        taken = _taken(Code, [g for g in guids if g not in found], self.study)
        remembered = []
        made = 0
        for item in self.plan.codes.values():
            if item.guid in found:
                self.codes[item.guid] = found[item.guid]
                continue
            parent = self.codes.get(item.parent) if item.parent else None
            own = uuid.uuid4() if item.guid in taken else item.guid
            code = Code.objects.create(
                study=self.study,
                uuid=own,
                parent_id=parent,
                order=item.order,
                name=item.name,
                colour=item.colour,
                definition=item.description,
            )
            if own != item.guid:
                remembered.append((code.pk, item.guid))
            self.codes[item.guid] = code.pk
            made += 1
        ids.record(self.study, ExchangeKind.CODE, remembered)
        self.count("codes", made, len(found))

    # cases and documents -------------------------------------------------------------------

    def case_for(self, network_name: str) -> Case:
        from verbindend.networks.models import Network

        name = (network_name or self.plan.name or self.plan.origin or "REFI-QDA")[:200]
        if name in self.cases:
            return self.cases[name]
        case = (
            Case.objects.filter(study=self.study, network__name=name)
            .select_related("network")
            .first()
        )
        if case is None:
            network = Network.objects.create(name=name, slug=_unique_slug(Network, name))
            case = Case.objects.create(study=self.study, network=network, status=CaseStatus.AGREED)
            self.report.notes.append(
                _(
                    "The network “%(name)s” was made as a case of the study to hold imported "
                    "respondents or documents; it has no coordinator yet."
                )
                % {"name": name}
            )
        self.cases[name] = case
        return case

    def values(self, raw: dict[str, str]) -> dict[str, str]:
        found = {}
        for guid_text, value in raw.items():
            guid = uuid.UUID(guid_text)
            key = self.var_keys.get(guid)
            if key is not None and value:
                found[key] = value
        return found

    def write_documents(self) -> None:
        guids = list(self.plan.sources)
        known = ids.by_guid(self.study, ExchangeKind.DOCUMENT)
        existing = {
            g: d
            for g, d in (
                (g, Document.objects.filter(study=self.study, pk=int(known[g])).first())
                for g in guids
                if g in known
            )
            if d is not None
        }
        new = []
        for item in self.plan.sources.values():
            if item.guid in existing:
                self.documents[item.guid] = existing[item.guid]
                if existing[item.guid].text != item.text:
                    self.report.skipped.append(
                        _(
                            "“%(title)s” is in the study with another text; the study's text "
                            "was kept."
                        )
                        % {"title": existing[item.guid].title}
                    )
                continue
            values = self.values(item.values)
            kind = values.get("document_kind", "")
            if kind not in DocumentKind.values:
                kind = _choice(Document._meta.get_field("kind"), kind) or DocumentKind.OTHER
            document = Document(
                study=self.study,
                title=item.name,
                text=item.text,
                length=len(item.text),
                paragraph_starts=paragraph_starts(item.text),
                kind=kind,
                source=item.description,
                date=_date(values.get("document_date", "")),
                case=self.case_for(values["network"]) if values.get("network") else None,
                created_by=self.users.get(item.creator) if item.creator else None,
            )
            new.append((item.guid, document))
        Document.objects.bulk_create([d for _g, d in new], batch_size=200)
        for guid, document in new:
            self.documents[guid] = document
            self.new_documents.add(guid)
        ids.record(self.study, ExchangeKind.DOCUMENT, [(d.pk, g) for g, d in new])
        self.count("sources", len(new), len(existing))

    def write_cases(self) -> None:
        from verbindend.networks.models import Organisation, OrganisationMembership, Person

        known = ids.by_guid(self.study, ExchangeKind.RESPONDENT)
        made = found = 0
        pairs = []
        skipped_values: Counter[str] = Counter()
        for item in self.plan.cases.values():
            respondent = None
            if item.guid in known:
                respondent = Respondent.objects.filter(
                    study=self.study, pk=int(known[item.guid])
                ).first()
            if respondent is not None:
                found += 1
                continue
            values = self.values(item.values)
            unknown = [g for g in item.values if self.var_keys.get(uuid.UUID(g)) is None]
            for g in unknown:
                skipped_values[self.plan.variables.get(uuid.UUID(g), g)] += 1
            case = self.case_for(values.get("network", ""))
            person = Person(network=case.network, name=item.name)
            for key in PERSON_FIELDS:
                value = values.get(key, "")
                if not value:
                    continue
                if key in CHOICE_ATTRIBUTES:
                    stored = _choice(Person._meta.get_field(key), value)
                    if stored is None:
                        skipped_values[key] += 1
                        continue
                    setattr(person, key, stored)
                elif key == "involved_since":
                    person.involved_since = _date(value)
                else:
                    setattr(person, key, value[:60])
            if values.get("organisation"):
                name = values["organisation"][:200]
                organisation = Organisation.objects.filter(
                    name=name, memberships__network=case.network
                ).first()
                if organisation is None:
                    organisation = Organisation.objects.create(name=name)
                    OrganisationMembership.objects.create(
                        network=case.network, organisation=organisation
                    )
                person.organisation = organisation
            person.save()
            respondent = Respondent.objects.create(study=self.study, case=case, person=person)
            pairs.append((respondent.pk, item.guid))
            made += 1
            for source in item.sources:
                if source in self.new_documents:
                    document = self.documents[source]
                    document.respondent = respondent
                    document.case = document.case or case
                    document.save(update_fields=["respondent", "case"])
        ids.record(self.study, ExchangeKind.RESPONDENT, pairs)
        self.count("cases", made, found)
        for name, n in sorted(skipped_values.items()):
            self.report.skipped.append(
                _("%(n)s value(s) of the variable “%(name)s” could not be taken over.")
                % {"n": n, "name": name}
            )
        ids.record(
            self.study,
            ExchangeKind.VARIABLE,
            [(key, guid) for guid, key in self.var_keys.items() if key is not None],
        )

    # codings and memos ----------------------------------------------------------------------

    def write_codings(self) -> None:
        plan = self.plan
        guids = list(plan.codings)
        found = _found_again(Coding, ExchangeKind.CODING, self.study, guids)
        taken = _taken(Coding, [g for g in guids if g not in found], self.study)
        old_docs = [d.pk for g, d in self.documents.items() if g not in self.new_documents]
        seen = set(
            Coding.objects.filter(document_id__in=old_docs).values_list(
                "document_id", "code_id", "coder_id", "start", "end"
            )
        )
        problems = []
        new = []
        doubles = 0
        for item in plan.codings.values():
            if item.guid in found:
                self.codings[item.guid] = found[item.guid]
                continue
            document = self.documents[item.source]
            if item.end > document.length:
                problems.append(
                    _("A coding (%(guid)s) lies outside the text of “%(title)s” in this study.")
                    % {"guid": item.guid, "title": document.title}
                )
                continue
            coder = self.user_for(item.coder)
            key = (document.pk, self.codes[item.code], coder.pk, item.start, item.end)
            if key in seen:
                doubles += 1
                continue
            seen.add(key)
            own = uuid.uuid4() if item.guid in taken else item.guid
            new.append(
                (
                    item.guid,
                    Coding(
                        study=self.study,
                        uuid=own,
                        document=document,
                        code_id=self.codes[item.code],
                        coder=coder,
                        start=item.start,
                        end=item.end,
                    ),
                )
            )
        if problems:
            raise Refused(problems)
        Coding.objects.bulk_create([c for _g, c in new], batch_size=BATCH)
        for guid, coding in new:
            self.codings[guid] = coding.pk
        ids.record(
            self.study,
            ExchangeKind.CODING,
            [(c.pk, g) for g, c in new if c.uuid != g],
        )
        self.count("codings", len(new), len(found))
        if doubles:
            self.report.skipped.append(
                ngettext(
                    "%(n)s coding repeated one already there (same code, coder and span).",
                    "%(n)s codings repeated ones already there (same code, coder and span).",
                    doubles,
                )
                % {"n": doubles}
            )

    def write_memos(self) -> None:
        guids = list(self.plan.notes)
        found = _found_again(Memo, ExchangeKind.MEMO, self.study, guids)
        taken = _taken(Memo, [g for g in guids if g not in found], self.study)
        new = []
        for item in self.plan.notes.values():
            if item.guid in found or item.target is None:
                continue
            kind, target = item.target
            memo = Memo(
                study=self.study,
                uuid=uuid.uuid4() if item.guid in taken else item.guid,
                author=self.user_for(item.author),
                text=item.text,
            )
            if kind == "code":
                memo.code_id = self.codes[target]
            elif kind == "document":
                memo.document = self.documents[target]
            elif target in self.codings:
                memo.coding_id = self.codings[target]
            else:  # the coding was a repeat of one already there
                continue
            new.append((item.guid, memo))
        Memo.objects.bulk_create([m for _g, m in new], batch_size=BATCH)
        ids.record(self.study, ExchangeKind.MEMO, [(m.pk, g) for g, m in new if m.uuid != g])
        self.count("notes", len(new), len(found))


def apply(plan: Plan, *, study: Study | None = None, user: User | None = None) -> Report:
    """Write a checked plan into a study (a new one when ``study`` is None), all or nothing."""
    if not plan.ok:
        raise Refused(plan.problems)
    with transaction.atomic():
        if study is None:
            from verbindend.accounts.services import grant_study_role
            from verbindend.core.roles import StudyRoles

            name = (plan.name or plan.origin or "REFI-QDA import")[:200]
            study = Study.objects.create(name=name, slug=_unique_slug(Study, name))
            if user is not None:
                grant_study_role(user=user, study=study, role=StudyRoles.RESEARCHER)
        report = Report(study=study, skipped=list(plan.skipped))
        writer = _Writer(plan, study, user, report)
        writer.write_users()
        writer.write_codes()
        if plan.kind == "project":
            writer.write_documents()
            writer.write_cases()
            writer.write_codings()
            writer.write_memos()
    return report
