"""Interview mode: the guide an interviewer walks through, the consent check, notes, transcript.

The guide is the themes of the live app's ``interview`` blueprint (one source for both), each
theme with its main question, its own questions and (for the history line) the exercise's
questions, all from the method content in the reader's language. Before the first question the
respondent's consent for recording is checked: without it the interviewer is stopped and may go
on only with notes (and says so explicitly). Notes are saved per question, on every change.

Afterwards a transcript of the study is attached and aligned (:mod:`research.alignment`): every
question the interviewer asked becomes a code (the method key of the question), applied to the
turns from that question up to the next one, and every theme a code over its questions — so the
coding of the transcript starts from the guide's questions.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from verbindend.core.errors import DomainError
from verbindend.method import content
from verbindend.research import alignment
from verbindend.research.models import InterviewNote, InterviewRun

BLUEPRINT = "interview"
THEME_COLOURS = ("#1d4e5f", "#8a5a00", "#2f6f4f", "#7a3b69")


@dataclass(frozen=True)
class Question:
    number: int  # 1-based, through the whole guide
    key: str  # the method content key (a theme's own question has the theme's key)
    theme: content.Node
    text: str
    first_of_theme: bool

    @property
    def aid(self) -> str:
        """The short name of the theme's visual aid (``levels`` for ``aid.levels``), or ''."""
        found = self.theme.refs("aid")
        return found[0].key.removeprefix("aid.") if found else ""

    def texts(self) -> list[str]:
        """The question in every language, for matching a transcript in either."""
        node = content.get(self.key)
        return [node.text("question", lang) for lang in content.LANGUAGES]


def themes() -> list[content.Node]:
    from verbindend.live.blueprints import BLUEPRINTS

    return [content.get(spec.content_key) for spec in BLUEPRINTS[BLUEPRINT].steps]


def guide() -> list[Question]:
    """The guide's questions in order, in the active language."""
    out: list[Question] = []
    for theme in themes():
        nodes = [theme, *theme.children("interview_question")]
        for exercise in theme.refs("exercise"):
            nodes += exercise.children("exercise_question")
        for index, node in enumerate(nodes):
            out.append(Question(len(out) + 1, node.key, theme, node.text("question"), index == 0))
    return out


def question(number: int) -> Question | None:
    found = guide()
    return found[number - 1] if 1 <= number <= len(found) else None


# -- consent -------------------------------------------------------------------------------------


def recording_consent(interview: Any) -> Any:
    """The respondent's active consent for recording, or None."""
    from verbindend.privacy.models import ConsentPurpose, ConsentRecord

    return (
        ConsentRecord.objects.active()
        .filter(person=interview.respondent.person, purpose=ConsentPurpose.RECORDING)
        .first()
    )


@transaction.atomic
def start(*, interview: Any, by: Any, without_recording: bool = False) -> InterviewRun:
    """Start (or go back to) the interview mode; refuses without consent unless told to go on
    with notes only."""
    existing = InterviewRun.objects.filter(interview=interview).first()
    if existing is not None:
        return existing
    consent = recording_consent(interview)
    if consent is None and not without_recording:
        raise DomainError(
            "research.no_recording_consent",
            _(
                "%(name)s has not consented to recording. Record the consent on the "
                "respondent's page first, or go on with notes only (do not record)."
            )
            % {"name": interview.respondent.person.name},
        )
    return InterviewRun.objects.create(
        interview=interview,
        study=interview.study,
        started_by=by,
        recording=consent is not None,
        consent_version=consent.text_version if consent is not None else "",
    )


# -- notes ---------------------------------------------------------------------------------------

NOTE_CHARS = 20000


def notes_of(run: InterviewRun) -> dict[str, InterviewNote]:
    return {note.question_key: note for note in run.notes.all()}


def save_note(*, run: InterviewRun, number: int, text: str, by: Any) -> InterviewNote:
    found = question(number)
    if found is None:
        raise DomainError("research.no_question", _("The guide has no such question."))
    if len(text) > NOTE_CHARS:
        raise DomainError(
            "research.note_long",
            _("Notes on one question can be at most %(n)s characters; nothing was saved.")
            % {"n": formats.number_format(NOTE_CHARS, force_grouping=True)},
        )
    note, _created = InterviewNote.objects.update_or_create(
        run=run, question_key=found.key, defaults={"text": text, "updated_by": by}
    )
    return note


# -- the transcript, aligned to the guide ----------------------------------------------------------


def transcripts_for(run: InterviewRun) -> list[Any]:
    """The study's transcripts with speaker turns; the respondent's own first."""
    from verbindend.studies.models import Document, DocumentKind

    documents = Document.objects.filter(study=run.study, kind=DocumentKind.TRANSCRIPT).exclude(
        turns=[]
    )
    respondent = run.interview.respondent_id
    return sorted(documents, key=lambda d: (d.respondent_id != respondent, d.title.lower()))


def _code(study: Any, key: str, parent: Any, colour: str) -> Any:
    from django.db.models import Max

    from verbindend.analysis.models import Code

    code = Code.objects.filter(study=study, method_key=key).first()
    if code is None:
        top = Code.objects.filter(study=study, parent=parent).aggregate(m=Max("order"))["m"]
        code = Code.objects.create(
            study=study,
            method_key=key,
            parent=parent,
            colour=colour,
            order=0 if top is None else top + 1,
        )
    return code


def _clear(run: InterviewRun) -> None:
    from verbindend.analysis.models import Coding

    if run.batch is not None:
        Coding.objects.filter(study=run.study, batch=run.batch).delete()


@transaction.atomic
def attach_transcript(*, run: InterviewRun, document: Any, by: Any) -> int:
    """Attach a transcript and align it: returns how many questions were found in it.

    Attaching again (the same or another transcript) replaces the earlier alignment's codings;
    codings made by hand stay as they are.
    """
    from verbindend.analysis.models import Coding

    if document.study_id != run.study_id:
        raise DomainError("research.other_study", _("Choose a transcript of this study."))
    if not document.turns:
        raise DomainError(
            "research.no_turns",
            _("This document has no speaker turns, so it cannot be aligned to the questions."),
        )
    questions = guide()
    found = alignment.align(
        [q.texts() for q in questions], document.text, document.turns, document.speakers
    )
    _clear(run)
    batch = uuid.uuid4()
    spans: list[dict[str, Any]] = []
    theme_spans: dict[str, list[int]] = {}
    for index, (start, end) in found.items():
        q = questions[index]
        spans.append({"key": q.key, "number": q.number, "start": start, "end": end})
        bounds = theme_spans.setdefault(q.theme.key, [start, end])
        bounds[1] = max(bounds[1], end)
    theme_codes = {}
    for i, theme in enumerate(themes()):
        if theme.key in theme_spans:
            theme_codes[theme.key] = _code(
                run.study, theme.key, None, THEME_COLOURS[i % len(THEME_COLOURS)]
            )
    rows = [(theme_codes[key], start, end) for key, (start, end) in theme_spans.items()]
    for aligned in spans:
        q = questions[aligned["number"] - 1]
        if q.key == q.theme.key:
            continue  # the theme's own question: its code covers the whole theme
        parent = theme_codes[q.theme.key]
        code = _code(run.study, q.key, parent, parent.colour)
        rows.append((code, aligned["start"], aligned["end"]))
    Coding.objects.bulk_create(
        [
            Coding(
                study=run.study,
                document=document,
                code=code,
                coder=by,
                start=start,
                end=end,
                batch=batch,
            )
            for code, start, end in rows
        ],
        ignore_conflicts=True,
    )
    run.transcript = document
    run.aligned = spans
    run.aligned_at = timezone.now()
    run.batch = batch
    run.save(update_fields=["transcript", "aligned", "aligned_at", "batch"])
    return len(spans)


@transaction.atomic
def detach_transcript(*, run: InterviewRun) -> None:
    _clear(run)
    run.transcript = None
    run.aligned = []
    run.aligned_at = None
    run.batch = None
    run.save(update_fields=["transcript", "aligned", "aligned_at", "batch"])
