"""The research app's part in people's data rights: the interviewer's notes on a respondent's
interview. They are free text about the person, so they are exported and, on erasure, emptied
(the run itself — when, and whether recording was allowed — stays, like the appointment)."""

from __future__ import annotations

from typing import Any

from verbindend.privacy.personal_data import DataSubject


def _notes(subject: DataSubject) -> Any:
    from verbindend.research.models import InterviewNote

    people = [p.pk for p in subject.people()]
    return InterviewNote.objects.filter(run__interview__respondent__person__in=people)


def export(subject: DataSubject) -> dict[str, list[dict[str, Any]]]:
    from verbindend.method import content

    notes = _notes(subject).select_related("run__study", "run__interview")
    return {
        "interview_notes": [
            {
                "study": str(note.run.study),
                "when": note.run.interview.scheduled_at.isoformat(),
                "title": content.get(note.question_key).text("question")
                if content.exists(note.question_key)
                else note.question_key,
                "text": note.text,
            }
            for note in notes
            if note.text
        ]
    }


def erase(subject: DataSubject, *, pseudonym: str) -> None:
    _notes(subject).update(text="")
