"""Studies' part in people's data rights: respondents, interviews and research material.

A respondent's transcripts stay in the research record only when the person's consent for
research or quoting is active: then their names and addresses in the text are replaced by the
pseudonym (coding offsets move with the text) and the uploaded original is deleted, since a file
cannot be redacted reliably. Without that consent the transcripts are deleted with their
codings. Any other document that names the person, or quotes their free text from elsewhere
(a live-session summary, a history-line story), is redacted the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q

from verbindend.privacy.personal_data import DataSubject

ERASED = "[…]"


def _respondents(subject: DataSubject) -> Any:
    from verbindend.studies.models import Respondent

    return Respondent.objects.filter(person__in=[p.pk for p in subject.people()])


def export(subject: DataSubject) -> dict[str, list[dict[str, Any]]]:
    from verbindend.studies.models import Document, Interview

    respondents = list(_respondents(subject).select_related("study", "case__network"))
    interviews = Interview.objects.filter(respondent__in=respondents).select_related("study")
    documents = Document.objects.filter(respondent__in=respondents).select_related("study")
    return {
        "respondents": [
            {
                "study": str(r.study),
                "network": str(r.case.network),
                "selected": r.selected,
                "notes": r.notes,
            }
            for r in respondents
        ],
        "interviews": [
            {
                "study": str(i.study),
                "when": i.scheduled_at.isoformat(),
                "place": i.place,
                "status": i.get_status_display(),
                "notes": i.notes,
            }
            for i in interviews
        ],
        "documents": [
            {
                "study": str(d.study),
                "title": d.title,
                "kind": d.get_kind_display(),
                "date": d.date.isoformat() if d.date else None,
                "text": d.text,
            }
            for d in documents
        ],
    }


def fragments(subject: DataSubject) -> list[str]:
    return [r.notes for r in _respondents(subject) if r.notes]


def consent_allows_keeping(person_ids: list[int]) -> set[int]:
    """The people whose active consent lets the research record keep their fragments."""
    from verbindend.privacy.models import ConsentPurpose, ConsentRecord

    return set(
        ConsentRecord.objects.active()
        .filter(
            person__in=person_ids,
            purpose__in=[ConsentPurpose.RESEARCH, ConsentPurpose.QUOTING],
        )
        .values_list("person_id", flat=True)
    )


def _pattern(needles: tuple[str, ...]) -> re.Pattern[str] | None:
    from verbindend.privacy.rights import needle_pattern

    return needle_pattern(needles)


#: Codings are parked this far out while they move, so no two ever meet half-way.


@dataclass(frozen=True)
class Redaction:
    """A text with some spans replaced, and how old code-point offsets map into the new text."""

    text: str
    spans: tuple[tuple[int, int, str], ...]  # (start, end, replacement) in the old text

    def moved(self, offset: int, *, end: bool) -> int:
        """An old offset in the new text; inside a replaced span it snaps to that span's edge
        (a start to its beginning, an end to its end), so a coding keeps the replacement."""
        shift = 0
        for start, stop, replacement in self.spans:
            if stop <= offset:
                shift += len(replacement) - (stop - start)
            elif start < offset:
                return start + shift + (len(replacement) if end else 0)
        return offset + shift


def plan_redaction(text: str, replacements: list[tuple[re.Pattern[str], str]]) -> Redaction | None:
    """Where each pattern hits (first pattern wins an overlap); None when nothing hits."""
    from verbindend.privacy.rights import substitute

    spans: list[tuple[int, int, str]] = []
    for pattern, replacement in replacements:
        for match in pattern.finditer(text):
            if not any(s < match.end() and match.start() < e for s, e, _r in spans):
                spans.append((match.start(), match.end(), substitute(match, replacement)))
    if not spans:
        return None
    spans.sort()
    pieces, position = [], 0
    for start, stop, replacement in spans:
        pieces += [text[position:start], replacement]
        position = stop
    pieces.append(text[position:])
    return Redaction("".join(pieces), tuple(spans))


def redact_document(document: Any, replacements: list[tuple[re.Pattern[str], str]]) -> bool:
    """Rewrite a document's text and move its codings' offsets with it; True if it changed.

    Two codings that end up on the same span with the same code and coder become one.
    """
    from verbindend.analysis.realign import move_codings
    from verbindend.studies.services import paragraph_starts

    plan = plan_redaction(document.text, replacements)
    if plan is None:
        return False
    move_codings(
        document, lambda start, end: (plan.moved(start, end=False), plan.moved(end, end=True))
    )
    document.text = plan.text
    document.length = len(plan.text)
    document.paragraph_starts = paragraph_starts(plan.text)
    document.save(update_fields=["text", "length", "paragraph_starts"])
    return True


def _delete_file_after_commit(field_file: Any) -> None:
    """Files leave only once the erasure is committed: a rolled-back erasure keeps them."""
    if field_file:
        storage, name = field_file.storage, field_file.name
        transaction.on_commit(lambda: storage.delete(name))


def _drop_original(document: Any) -> None:
    if document.original:
        _delete_file_after_commit(document.original)
        type(document).objects.filter(pk=document.pk).update(original="")


def erase(subject: DataSubject, *, pseudonym: str) -> None:
    from verbindend.studies.models import Document, ImportItem, Interview

    respondents = list(_respondents(subject))
    keep = consent_allows_keeping([r.person_id for r in respondents])
    names = _pattern(subject.names)
    texts = _pattern(subject.fragments)
    replacements = [(p, r) for p, r in ((names, pseudonym), (texts, ERASED)) if p]

    own = Document.objects.filter(respondent__in=respondents)
    for document in own.exclude(respondent__person__in=keep):
        for item in ImportItem.objects.filter(document=document):
            _delete_file_after_commit(item.upload)
        _drop_original(document)
        document.delete()  # its codings and memos go with it
    for document in own.filter(respondent__person__in=keep):
        redact_document(document, replacements)
        _drop_original(document)
    Interview.objects.filter(respondent__in=respondents).update(place="", notes="")
    _respondents(subject).update(notes="")

    if not replacements:
        return
    query = Q()
    for needle in subject.names + subject.fragments:
        query |= Q(text__icontains=needle)
    for document in Document.objects.filter(query):
        if redact_document(document, replacements):
            _drop_original(document)
