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


def redact_document(document: Any, replacements: list[tuple[re.Pattern[str], str]]) -> bool:
    """Rewrite a document's text and move the codings' code-point offsets with it.

    A coding that lay wholly inside a replaced span keeps the replacement; one that straddles
    it is stretched or shrunk with it. Returns whether anything changed.
    """
    from verbindend.analysis.models import Coding
    from verbindend.studies.services import paragraph_starts

    text = document.text
    spans: list[tuple[int, int, str]] = []
    from verbindend.privacy.rights import substitute

    for pattern, replacement in replacements:
        for match in pattern.finditer(text):
            if not any(s < match.end() and match.start() < e for s, e, _r in spans):
                spans.append((match.start(), match.end(), substitute(match, replacement)))
    if not spans:
        return False
    spans.sort()

    def moved(offset: int, *, end: bool) -> int:
        shift = 0
        for start, stop, replacement in spans:
            if stop <= offset:
                shift += len(replacement) - (stop - start)
            elif start < offset:  # inside a replaced span: snap to its edge
                return start + shift + (len(replacement) if end else 0)
        return offset + shift

    pieces, position = [], 0
    for start, stop, replacement in spans:
        pieces.append(text[position:start])
        pieces.append(replacement)
        position = stop
    pieces.append(text[position:])
    new_text = "".join(pieces)
    for coding in Coding.objects.filter(document=document):
        start, stop = moved(coding.start, end=False), moved(coding.end, end=True)
        if stop <= start:
            coding.delete()
            continue
        Coding.objects.filter(pk=coding.pk).update(start=start, end=stop)
    document.text = new_text
    document.length = len(new_text)
    document.paragraph_starts = paragraph_starts(new_text)
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
