"""History lines' part in people's data rights: the lines people drew and their moments.

An erased person's line keeps its drawn points (overlays and shared peaks count it) under the
pseudonym, unlinked from the person; the moments keep their date, height and tags but lose
their title, story and answers.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from verbindend.privacy.personal_data import DataSubject


def _lines(subject: DataSubject) -> Any:
    from verbindend.historyline.models import Line
    from verbindend.live.history import participant_key

    keys = [f"person:{p.pk}" for p in subject.people()]
    keys += [participant_key(p) for p in subject.participants()]
    if subject.user is not None:
        keys.append(f"user:{subject.user.pk}")
    return Line.objects.filter(
        Q(person__in=[p.pk for p in subject.people()]) | Q(participant_key__in=keys)
    ).select_related("exercise")


def export(subject: DataSubject) -> dict[str, list[dict[str, Any]]]:
    from verbindend.historyline.models import Moment

    lines = list(_lines(subject))
    return {
        "history_lines": [
            {
                "exercise": line.exercise.title,
                "pseudonym": line.pseudonym,
                "role": line.role,
                "points": line.points,
            }
            for line in lines
        ],
        "moments": [
            {
                "exercise": m.line.exercise.title,
                "date": m.on.isoformat(),
                "kind": m.get_kind_display(),
                "title": m.title,
                "story": m.story,
                "peaks": m.answer_peaks,
                "valleys": m.answer_valleys,
                "red_thread": m.answer_red_thread,
            }
            for m in Moment.objects.filter(line__in=lines).select_related("line__exercise")
        ],
    }


def fragments(subject: DataSubject) -> list[str]:
    from verbindend.historyline.models import Moment

    out: list[str] = []
    for m in Moment.objects.filter(line__in=_lines(subject)):
        out += [m.title, m.story, m.answer_peaks, m.answer_valleys, m.answer_red_thread]
    return [t for t in out if t]


def erase(subject: DataSubject, *, pseudonym: str) -> None:
    from verbindend.historyline.models import Moment

    lines = list(_lines(subject))
    Moment.objects.filter(line__in=lines).update(
        title=_("(erased)"), story="", answer_peaks="", answer_valleys="", answer_red_thread=""
    )
    for line in lines:
        type(line).objects.filter(pk=line.pk).update(pseudonym=pseudonym[:40], person=None)
