"""Writes for the glossary, the literature list and the comments (reads live on the QuerySets)."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from verbindend.core.errors import DomainError
from verbindend.method import content
from verbindend.research import bibliography
from verbindend.research.models import (
    Comment,
    Reference,
    Target,
    Term,
    TermAgreement,
    TermRevision,
)

#: the method's concepts a glossary starts from
SEED_KINDS = ("concept", "condition", "level", "carrier", "knowledge_type")

# -- glossary ----------------------------------------------------------------------------------


def seed_glossary(*, study: Any, by: Any, language: str = "nl") -> int:
    """Add the method's concepts as terms (marked as from the method); idempotent."""
    made = 0
    with transaction.atomic(), translation.override(language):
        taken = set(Term.objects.filter(study=study).values_list("method_key", flat=True))
        names = set(Term.objects.filter(study=study).values_list("term", flat=True))
        for kind in SEED_KINDS:
            for node in content.of_kind(kind):
                if node.key in taken or node.title in names:
                    continue
                term = Term.objects.create(
                    study=study, method_key=node.key, term=node.title, definition=node.summary
                )
                TermRevision.objects.create(
                    term=term,
                    number=1,
                    text_term=term.term,
                    definition=term.definition,
                    note=_("From the method"),
                    changed_by=by,
                )
                made += 1
    return made


def add_term(*, study: Any, by: Any, term: str, definition: str, note: str = "") -> Term:
    term, definition = term.strip(), definition.strip()
    if not term or not definition:
        raise DomainError("research.term_empty", _("A term needs a name and a definition."))
    try:
        with transaction.atomic():
            made = Term.objects.create(study=study, term=term, definition=definition)
    except IntegrityError:
        raise DomainError(
            "research.term_exists", _("This glossary already has that term."), status=409
        ) from None
    TermRevision.objects.create(
        term=made, number=1, text_term=term, definition=definition, note=note, changed_by=by
    )
    return made


def revise_term(*, term: Term, by: Any, name: str, definition: str, note: str = "") -> Term:
    """A new revision of the term (the old ones stay as history); nothing changed, nothing kept."""
    name, definition = name.strip(), definition.strip()
    if not name or not definition:
        raise DomainError("research.term_empty", _("A term needs a name and a definition."))
    if name == term.term and definition == term.definition:
        return term
    with transaction.atomic():
        locked = Term.objects.select_for_update().get(pk=term.pk)
        if Term.objects.filter(study=locked.study_id, term=name).exclude(pk=locked.pk).exists():
            raise DomainError(
                "research.term_exists", _("This glossary already has that term."), status=409
            )
        number = (
            locked.revisions.order_by("-number").values_list("number", flat=True).first() or 0
        ) + 1
        locked.term, locked.definition = name, definition
        locked.save(update_fields=["term", "definition", "updated_at"])
        TermRevision.objects.create(
            term=locked,
            number=number,
            text_term=name,
            definition=definition,
            note=note,
            changed_by=by,
        )
    return locked


def agree(*, term: Term, by: Any) -> TermAgreement:
    """Record that ``by`` agrees with the term's current definition (once per revision)."""
    latest = term.latest()
    if latest is None:
        raise DomainError("research.no_revision", _("This term has no definition yet."))
    agreement, _made = TermAgreement.objects.get_or_create(revision=latest, user=by)
    return agreement


def link_term(*, term: Term, codes: list[Any], memos: list[Any]) -> None:
    _same_study(term.study_id, codes, memos)
    term.codes.set(codes)
    term.memos.set(memos)


def _same_study(study_id: int, codes: list[Any], memos: list[Any]) -> None:
    if any(c.study_id != study_id for c in codes) or any(m.study_id != study_id for m in memos):
        raise DomainError("research.other_study", _("Link only codes and memos of this study."))


def glossary_rows(study: Any) -> list[dict[str, Any]]:
    """The glossary as plain rows for export: term, definition, origin, revision, agreed by."""
    rows = []
    for term in Term.objects.filter(study=study).prefetch_related(
        "revisions__agreements__user", "codes"
    ):
        revisions = list(term.revisions.all())
        latest = revisions[-1] if revisions else None
        rows.append(
            {
                "term": term.term,
                "definition": term.definition,
                "method_key": term.method_key,
                "revision": latest.number if latest else 0,
                "agreed_by": [str(a.user) for a in latest.agreements.all()] if latest else [],
                "codes": [c.label for c in term.codes.all()],
                "history": [
                    {
                        "number": r.number,
                        "term": r.text_term,
                        "definition": r.definition,
                        "note": r.note,
                        "by": str(r.changed_by) if r.changed_by else "",
                        "at": r.created_at.isoformat(),
                        "agreed_by": [str(a.user) for a in r.agreements.all()],
                    }
                    for r in revisions
                ],
            }
        )
    return rows


# -- literature --------------------------------------------------------------------------------

MAX_IMPORT_BYTES = 5 * 1024 * 1024


def _to_record(reference: Reference) -> bibliography.Record:
    return bibliography.Record(
        key=reference.key,
        kind=reference.kind,
        title=reference.title,
        authors=list(reference.authors),
        year=reference.year,
        container=reference.container,
        publisher=reference.publisher,
        volume=reference.volume,
        issue=reference.issue,
        pages=reference.pages,
        doi=reference.doi,
        url=reference.url,
        notes=reference.notes,
        tags=list(reference.tags),
        extra=dict(reference.extra),
    )


def import_references(*, study: Any, data: bytes, fmt: str) -> tuple[int, int]:
    """Read a BibTeX or RIS file; add new keys, leave keys the study has as they are.

    Returns (added, skipped). A file that cannot be read changes nothing.
    """
    if len(data) > MAX_IMPORT_BYTES:
        raise DomainError("research.too_big", _("The file is larger than 5 MB."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    reader = {"bibtex": bibliography.read_bibtex, "ris": bibliography.read_ris}.get(fmt)
    if reader is None:
        raise DomainError("research.format", _("Choose BibTeX or RIS."))
    try:
        records = reader(text)
    except bibliography.BibliographyError:
        raise DomainError(
            "research.unreadable", _("This file could not be read as %(fmt)s.") % {"fmt": fmt}
        ) from None
    added = skipped = 0
    with transaction.atomic():
        known = set(Reference.objects.filter(study=study).values_list("key", flat=True))
        for record in records:
            if record.key in known:
                skipped += 1
                continue
            known.add(record.key)
            Reference.objects.create(
                study=study,
                key=record.key[:200],
                kind=record.kind[:40] or "misc",
                title=(record.title or record.key)[:1000],
                authors=record.authors,
                year=record.year[:20],
                container=record.container[:500],
                publisher=record.publisher[:300],
                volume=record.volume[:50],
                issue=record.issue[:50],
                pages=record.pages[:50],
                doi=record.doi[:200],
                url=record.url[:1000] if record.url.startswith(("http://", "https://")) else "",
                notes=record.notes[:20000],
                tags=record.tags,
                extra=record.extra,
            )
            added += 1
    return added, skipped


def export_references(study: Any, fmt: str) -> str:
    records = [_to_record(r) for r in Reference.objects.filter(study=study).order_by("key")]
    if fmt == "ris":
        return bibliography.write_ris(records)
    return bibliography.write_bibtex(records)


def update_reference(
    *, reference: Reference, notes: str, tags: list[str], codes: list[Any], memos: list[Any]
) -> Reference:
    _same_study(reference.study_id, codes, memos)
    reference.notes = notes
    reference.tags = sorted({t.strip() for t in tags if t.strip()})
    reference.save(update_fields=["notes", "tags"])
    reference.codes.set(codes)
    reference.memos.set(memos)
    return reference


def cite(reference: Reference) -> str:
    return bibliography.cite(_to_record(reference))


def in_text(reference: Reference) -> str:
    return bibliography.in_text(_to_record(reference))


# -- comments ----------------------------------------------------------------------------------


def post_comment(
    *,
    study: Any,
    by: Any,
    target: str,
    text: str,
    report: Any = None,
    parent: Comment | None = None,
) -> Comment:
    text = text.strip()
    if not text:
        raise DomainError("research.comment_empty", _("Write a comment first."))
    if target not in Target.values:
        raise DomainError("research.target", _("Comment on the plan, the codebook or a report."))
    if target == Target.REPORT and (report is None or report.study_id != study.pk):
        raise DomainError("research.report", _("Choose a report version of this study."))
    if parent is not None:
        if parent.study_id != study.pk:
            raise DomainError("research.thread", _("Reply within this study."))
        parent = parent.parent or parent  # threads are one level deep: reply to the thread
        target, report = parent.target, parent.report
        if parent.resolved_at is not None:  # a reply reopens the thread
            Comment.objects.filter(pk=parent.pk).update(resolved_at=None, resolved_by=None)
    return Comment.objects.create(
        study=study,
        author=by,
        target=target,
        report=report if target == Target.REPORT else None,
        parent=parent,
        text=text[:5000],
    )


def resolve(*, comment: Comment, by: Any) -> Comment:
    thread = comment.parent or comment
    Comment.objects.filter(pk=thread.pk, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=by
    )
    thread.refresh_from_db()
    return thread


def reopen(*, comment: Comment) -> Comment:
    thread = comment.parent or comment
    Comment.objects.filter(pk=thread.pk).update(resolved_at=None, resolved_by=None)
    thread.refresh_from_db()
    return thread
