"""Writes of the analysis workbench: the codebook, codings and memos."""

from __future__ import annotations

import re
import uuid as uuid_module
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from verbindend.analysis.models import GROUPS, Code, Coding, Memo, SavedQuery
from verbindend.core.errors import DomainError
from verbindend.method import content

if TYPE_CHECKING:
    from verbindend.accounts.models import User
    from verbindend.studies.models import Document, Study

COLOUR = re.compile(r"^#[0-9a-f]{6}$")
#: default colours of the seeded groups (readable on white, distinct without relying on hue)
GROUP_COLOURS = {
    "principle": "#1d4e5f",
    "level": "#7a4b00",
    "condition": "#5b2a86",
    "knowledge": "#1f6b3a",
    "carrier": "#8a1c3b",
    "finding_list": "#4d5f66",
}
#: colours for codes, readable on white and apart from each other
PALETTE = (
    "#1d4e5f", "#8a1c3b", "#1f6b3a", "#7a4b00", "#5b2a86", "#0b5cad", "#a33d00", "#4d5f66",
    "#00695c", "#9c2f7a",
)  # fmt: skip
#: codebook group → the method content's kind of node
SEEDED_KINDS = {
    "principle": "principle",
    "level": "level",
    "condition": "condition",
    "knowledge": "knowledge_type",
    "carrier": "carrier",
}


def _next_order(study: Study, parent: Code | None) -> int:
    top = Code.objects.filter(study=study, parent=parent).aggregate(m=Max("order"))["m"]
    return 0 if top is None else top + 1


def _group(study: Study, kind: str) -> Code:
    code, _created = Code.objects.get_or_create(
        study=study,
        method_key=kind,
        defaults={
            "order": list(GROUPS).index(kind),
            "colour": GROUP_COLOURS[kind],
        },
    )
    return code


@transaction.atomic
def seed_codebook(*, study: Study, with_findings: bool = False) -> int:
    """Create the method's codes that the study's codebook lacks; returns how many were made.

    Idempotent: codes are found by their method key, so renamed or moved codes stay as they are.
    """
    existing = set(Code.objects.filter(study=study).values_list("method_key", flat=True))
    made = 0
    for kind, content_kind in SEEDED_KINDS.items():
        group = _group(study, kind)
        for order, node in enumerate(content.of_kind(content_kind)):
            if node.key not in existing:
                Code.objects.create(
                    study=study,
                    parent=group,
                    method_key=node.key,
                    order=order,
                    colour=PALETTE[order % len(PALETTE)],  # codes side by side stay apart
                )
                made += 1
    if with_findings:
        group = _group(study, "finding_list")
        for order, lst in enumerate(content.of_kind("finding_list")):
            parent = Code.objects.filter(study=study, method_key=lst.key).first()
            if parent is None:
                parent = Code.objects.create(
                    study=study,
                    parent=group,
                    method_key=lst.key,
                    order=order,
                    colour=group.colour,
                )
                made += 1
            for item_order, item in enumerate(lst.children("finding")):
                if item.key not in existing:
                    Code.objects.create(
                        study=study,
                        parent=parent,
                        method_key=item.key,
                        order=item_order,
                        colour=group.colour,
                    )
                    made += 1
    return made


def code_for_key(study: Study, key: str) -> Code:
    """The study's code for a method key (e.g. ``"principle.p3"``), made (and seeded) if missing."""
    if not content.exists(key):
        raise DomainError("analysis.unknown_key", _("The method has no such code."))
    code = Code.objects.filter(study=study, method_key=key).first()
    if code is None:
        seed_codebook(study=study, with_findings=key.startswith("finding."))
        code = Code.objects.get(study=study, method_key=key)
    return code


def _clean_colour(colour: str) -> str:
    colour = (colour or "").strip().lower()
    if not COLOUR.match(colour):
        raise DomainError("analysis.colour", _("A colour is written as #rrggbb."))
    return colour


def _check_parent(code: Code | None, parent: Code | None, study: Study) -> None:
    if parent is None:
        return
    if parent.study_id != study.pk:
        raise DomainError("analysis.parent", _("That code belongs to another study."))
    node: Code | None = parent
    while node is not None and code is not None:
        if node.pk == code.pk:
            raise DomainError("analysis.cycle", _("A code cannot be placed under itself."))
        node = node.parent


def add_code(
    *,
    study: Study,
    name: str,
    parent: Code | None = None,
    colour: str = "#1d4e5f",
    definition: str = "",
) -> Code:
    name = name.strip()
    if not name:
        raise DomainError("analysis.name", _("Give the code a name."))
    _check_parent(None, parent, study)
    return Code.objects.create(
        study=study,
        parent=parent,
        name=name[:200],
        colour=_clean_colour(colour),
        definition=definition[:5000],
        order=_next_order(study, parent),
    )


@transaction.atomic
def change_code(
    *, code: Code, name: str, colour: str, definition: str, parent: Code | None, order: int
) -> Code:
    """Rename, recolour, redefine or move a code; its codings stay with it."""
    if not name.strip() and not code.method_key:
        raise DomainError("analysis.name", _("Give the code a name."))
    _check_parent(code, parent, code.study)
    code.name = name.strip()[:200]
    code.colour = _clean_colour(colour)
    code.definition = definition[:5000]
    code.parent = parent
    code.order = max(0, order)
    code.save()
    return code


@transaction.atomic
def merge_codes(*, source: Code, target: Code) -> Code:
    """Move everything of ``source`` into ``target``, then drop ``source``.

    Codings keep their coder, span and UUID; a coding the coder already has with the target on
    the same span is a duplicate and is dropped (its memos move to the one that stays).
    """
    if source.pk == target.pk or source.study_id != target.study_id:
        raise DomainError("analysis.merge", _("Choose another code of the same study."))
    _check_parent(source, target, source.study)
    kept = {
        (c.document_id, c.coder_id, c.start, c.end): c.pk
        for c in Coding.objects.filter(code=target)
    }
    for coding in Coding.objects.filter(code=source):
        twin = kept.get((coding.document_id, coding.coder_id, coding.start, coding.end))
        if twin is not None:
            Memo.objects.filter(coding=coding).update(coding_id=twin)
            coding.delete()
    Coding.objects.filter(code=source).update(code=target)
    Memo.objects.filter(code=source).update(code=target)
    Code.objects.filter(parent=source).update(parent=target)
    if source.definition and source.definition not in target.definition:
        target.definition = (target.definition + "\n\n" + source.definition).strip()[:5000]
        target.save(update_fields=["definition"])
    source.delete()
    return target


@transaction.atomic
def delete_code(*, code: Code, confirmed: bool = False) -> None:
    """Delete a code; one with codings only when confirmed. Its sub-codes move up one level."""
    if not confirmed and code.codings.exists():
        raise DomainError(
            "analysis.confirm", _("This code has codings: confirm that they are to be deleted.")
        )
    Code.objects.filter(parent=code).update(parent=code.parent)
    code.delete()


def next_colour(study: Study) -> str:
    """A palette colour the codebook uses least, so a new code stands apart at once."""
    used = list(Code.objects.filter(study=study).values_list("colour", flat=True))
    return min(PALETTE, key=lambda colour: (used.count(colour), PALETTE.index(colour)))


def map_speakers(*, document: Document, mapping: dict[str, str]) -> None:
    names = {t["speaker"] for t in document.turns}
    document.speakers = {k: v for k, v in mapping.items() if k in names}
    document.save(update_fields=["speakers"])


def _check_span(document: Document, start: int, end: int) -> None:
    if not (0 <= start < end <= document.length):
        raise DomainError(
            "analysis.span",
            _("Choose a piece of the text: from %(start)s to %(end)s is outside it.")
            % {"start": start, "end": end},
        )


def apply_code(*, document: Document, code: Code, coder: User, start: int, end: int) -> Coding:
    """Code a span; applying the same code to the same span twice by one coder is a no-op."""
    if code.study_id != document.study_id:
        raise DomainError("analysis.code", _("That code belongs to another study."))
    _check_span(document, start, end)
    try:  # one insert; the unique constraint answers "already coded" without a prior read
        with transaction.atomic():
            return Coding.objects.create(
                study_id=document.study_id,
                document=document,
                code=code,
                coder=coder,
                start=start,
                end=end,
            )
    except IntegrityError:  # coded before (or twice at once): the coding that exists is the answer
        return Coding.objects.get(document=document, code=code, coder=coder, start=start, end=end)


@transaction.atomic
def remove_coding(*, coding: Coding) -> dict:
    """Delete a coding; returns what :func:`restore_coding` needs to bring it back (memos too)."""
    snapshot = {
        "uuid": str(coding.uuid),
        "study": coding.study_id,
        "document": coding.document_id,
        "code": coding.code_id,
        "coder": coding.coder_id,
        "start": coding.start,
        "end": coding.end,
        "memos": [
            {"uuid": str(m.uuid), "author": m.author_id, "text": m.text}
            for m in Memo.objects.filter(coding=coding)
        ],
    }
    coding.delete()
    return snapshot


@transaction.atomic
def restore_coding(*, snapshot: dict, study: Study, user: User) -> Coding:
    """Undo a deletion: the coding comes back with its UUID, coder and memos, if its code still
    exists. Only the person who deleted it holds the snapshot (in their session)."""
    if snapshot.get("study") != study.pk:
        raise DomainError("analysis.undo", _("This can no longer be undone."), status=403)
    code = Code.objects.filter(study=study, pk=snapshot["code"]).first()
    document = study.documents.filter(pk=snapshot["document"]).only("pk", "length").first()
    if code is None or document is None:
        raise DomainError(
            "analysis.undo", _("The code or the document is gone, so the coding cannot return.")
        )
    existing = Coding.objects.filter(study=study, uuid=snapshot["uuid"]).first()
    if existing is not None:
        return existing
    _check_span(document, snapshot["start"], snapshot["end"])
    coding, _created = Coding.objects.get_or_create(
        document=document,
        code=code,
        coder_id=snapshot["coder"],
        start=snapshot["start"],
        end=snapshot["end"],
        defaults={"uuid": snapshot["uuid"], "study": study},
    )
    for memo in snapshot.get("memos", []):
        if not Memo.objects.filter(study=study, uuid=memo["uuid"]).exists():
            Memo.objects.create(
                uuid=memo["uuid"],
                study=study,
                author_id=memo["author"],
                text=memo["text"],
                coding=coding,
            )
    return coding


@transaction.atomic
def recode(*, coding: Coding, code: Code) -> Coding:
    """Give a coding another code; if its coder already has that code there, the two become one."""
    if code.study_id != coding.study_id:
        raise DomainError("analysis.code", _("That code belongs to another study."))
    twin = Coding.objects.filter(
        document_id=coding.document_id,
        code=code,
        coder_id=coding.coder_id,
        start=coding.start,
        end=coding.end,
    ).first()
    if twin is not None:
        if twin.pk != coding.pk:
            Memo.objects.filter(coding=coding).update(coding=twin)
            coding.delete()
        return twin
    coding.code = code
    coding.save(update_fields=["code"])
    return coding


@transaction.atomic
def apply_many(
    *, document_spans: Iterable[tuple[Document, int, int]], code: Code, coder: User
) -> tuple[uuid_module.UUID, int]:
    """Code many spans at once (auto-coding of search hits); one batch, undone together."""
    batch = uuid_module.uuid4()
    made = 0
    for document, start, end in document_spans:
        if document.study_id != code.study_id:
            raise DomainError("analysis.code", _("That code belongs to another study."))
        _check_span(document, start, end)
        if Coding.objects.filter(
            document=document, code=code, coder=coder, start=start, end=end
        ).exists():
            continue
        Coding.objects.create(
            study_id=document.study_id,
            document=document,
            code=code,
            coder=coder,
            start=start,
            end=end,
            batch=batch,
        )
        made += 1
    return batch, made


def undo_batch(*, study: Study, batch: uuid_module.UUID, user: User) -> int:
    """Remove the codings one auto-coding made (only the caller's own)."""
    deleted, _detail = Coding.objects.filter(study=study, batch=batch, coder=user).delete()
    return deleted


def _resolve(study: Study, ref: str) -> Code:
    try:
        ident = uuid_module.UUID(str(ref))
    except ValueError:
        return code_for_key(study, str(ref))
    code = Code.objects.filter(study=study, uuid=ident).first()
    if code is None:
        raise DomainError("analysis.unknown_code", _("The codebook has no such code."))
    return code


@transaction.atomic
def import_codings(
    *,
    study: Study,
    document: Document,
    items: Iterable[tuple[int, int, str]],
    coder: User,
) -> list[Coding]:
    """Codings made elsewhere (live-session themes and tags, history-line moments).

    Each item is ``(start, end, code)`` where ``code`` is a method key (the code is made if the
    codebook lacks it) or a code's UUID. All or nothing: one bad item stops the whole import.
    """
    if document.study_id != study.pk:
        raise DomainError("analysis.document", _("That document belongs to another study."))
    return [
        apply_code(document=document, code=_resolve(study, ref), coder=coder, start=start, end=end)
        for start, end, ref in items
    ]


def add_memo(
    *,
    study: Study,
    author: User,
    text: str,
    document: Document | None = None,
    code: Code | None = None,
    coding: Coding | None = None,
) -> Memo:
    text = text.strip()
    if not text:
        raise DomainError("analysis.memo", _("Write something in the memo."))
    targets = [t for t in (document, code, coding) if t is not None]
    if len(targets) != 1:
        raise DomainError("analysis.memo_target", _("A memo belongs to one thing."))
    if targets[0].study_id != study.pk:
        raise DomainError("analysis.memo_target", _("That belongs to another study."))
    return Memo.objects.create(
        study=study, author=author, text=text[:20000], document=document, code=code, coding=coding
    )


def edit_memo(*, memo: Memo, user: User, text: str) -> Memo:
    """A memo is its author's thinking: only they (or a site administrator) rewrite it."""
    if memo.author_id != user.pk and not user.is_superuser:
        raise DomainError("analysis.memo_author", _("Only its author edits a memo."), status=403)
    memo.text = text.strip()
    memo.full_clean()
    memo.save(update_fields=["text", "updated_at"])
    return memo


def delete_memo(*, memo: Memo, user: User) -> None:
    if memo.author_id != user.pk and not user.is_superuser:
        raise DomainError("analysis.memo_author", _("Only its author deletes a memo."), status=403)
    memo.delete()


def save_query(*, study: Study, user: User, name: str, params: dict) -> SavedQuery:
    name = name.strip()
    if not name:
        raise DomainError("analysis.query_name", _("Give the query a name."))
    return SavedQuery.objects.create(study=study, created_by=user, name=name[:200], params=params)


def delete_query(*, query: SavedQuery) -> None:
    query.delete()
