"""The learning log's part in a person's data rights (see ``privacy/personal_data.py``).

Export: the entries a person wrote or is linked to, entries made from their session answers or
history-line moments, their revisit notes, and the carriers that are that person.
Erase: a person carrier keeps its place in the map under the pseudonym and loses its link; the
free text the person wrote (or that was copied from their answers) is replaced by a neutral
marker, so the entry still counts for the conditions it reached; their name is replaced by the
pseudonym in the network's entries; links to them are removed.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from verbindend.learninglog.models import EVIDENCE_FIELDS, Carrier, Entry, GoalRevisit
from verbindend.privacy.personal_data import DataSubject

MARKER = "[…]"
ENTRY_TEXTS = ("title", "change", "involved", *EVIDENCE_FIELDS)


def _entry_row(entry: Entry, why: str) -> dict[str, Any]:
    return {
        "why": why,
        "network": entry.network.name,
        "date": entry.happened_on.isoformat(),
        "title": entry.title,
        "change": entry.change,
        "involved": entry.involved,
        "evidence": entry.evidence(),
        "source": entry.source_label,
        "created_at": entry.created_at.isoformat(),
    }


def _source_filter(subject: DataSubject) -> Q | None:
    found = Q()
    any_source = False
    if subject.participant is not None:
        found |= Q(source_contribution__participant=subject.participant)
        any_source = True
    if subject.person is not None:
        found |= Q(source_moment__line__person=subject.person)
        any_source = True
    if subject.user is not None:
        found |= Q(source_contribution__participant__user=subject.user)
        any_source = True
    return found if any_source else None


def export(subject: DataSubject) -> dict[str, list[dict[str, Any]]]:
    rows: dict[str, list[dict[str, Any]]] = {}
    seen: set[int] = set()
    entries = Entry.objects.select_related("network")
    written: list[dict[str, Any]] = []
    if subject.user is not None:
        for entry in entries.filter(created_by=subject.user):
            seen.add(entry.pk)
            written.append(_entry_row(entry, _("written by you")))
    if subject.person is not None:
        for entry in entries.filter(people=subject.person).exclude(pk__in=seen):
            seen.add(entry.pk)
            written.append(_entry_row(entry, _("you are named as involved")))
    sources = _source_filter(subject)
    if sources is not None:
        for entry in entries.filter(sources).exclude(pk__in=seen):
            seen.add(entry.pk)
            written.append(_entry_row(entry, _("made from your answer or moment")))
    if written:
        rows[_("Learning log entries")] = written
    if subject.user is not None:
        notes = [
            {
                "goal": r.goal.title,
                "date": r.on.isoformat(),
                "progress": r.progress,
                "note": r.note,
            }
            for r in GoalRevisit.objects.filter(created_by=subject.user).select_related("goal")
        ]
        if notes:
            rows[_("Revisits of learning goals")] = notes
    if subject.person is not None:
        carried = [
            {
                "network": c.network.name,
                "name": c.name,
                "kind": c.kind,
                "knowledge_types": list(c.knowledge_types),
                "description": c.description,
            }
            for c in Carrier.objects.filter(person=subject.person).select_related("network")
        ]
        if carried:
            rows[_("Knowledge carriers")] = carried
    return rows


def _mark(entry: Entry, fields: tuple[str, ...]) -> None:
    """Replace non-empty texts by the marker: the entry keeps the conditions it reached."""
    for name in fields:
        if getattr(entry, name).strip():
            setattr(entry, name, MARKER)


def _rename(entry: Entry, name: str, pseudonym: str) -> bool:
    pattern = re.compile(re.escape(name), re.IGNORECASE)
    changed = False
    for field in ENTRY_TEXTS:
        value = getattr(entry, field)
        if value and pattern.search(value):
            setattr(entry, field, pattern.sub(pseudonym, value))
            changed = True
    return changed


def erase(subject: DataSubject, *, pseudonym: str) -> None:
    if subject.user is not None:
        for entry in Entry.objects.filter(created_by=subject.user):
            _mark(entry, ENTRY_TEXTS)
            entry.created_by = None
            entry.save()
        for revisit in GoalRevisit.objects.filter(created_by=subject.user):
            revisit.note = MARKER if revisit.note.strip() else ""
            revisit.created_by = None
            revisit.save(update_fields=["note", "created_by"])
        from verbindend.learninglog.models import LearningGoal

        LearningGoal.objects.filter(created_by=subject.user).update(created_by=None)
    sources = _source_filter(subject)
    if sources is not None:
        for entry in Entry.objects.filter(sources):
            _mark(entry, ("title", "change"))
            entry.source_contribution = None
            entry.source_moment = None
            entry.save()
    person = subject.person
    if person is not None:
        Carrier.objects.filter(person=person).update(name=pseudonym, person=None)
        for entry in Entry.objects.filter(people=person):
            entry.people.remove(person)
        name = (person.name or "").strip()
        if len(name) >= 3:
            Carrier.objects.filter(
                network_id=person.network_id, kind="person", name__iexact=name
            ).update(name=pseudonym)
            for entry in Entry.objects.filter(network_id=person.network_id):
                if _rename(entry, name, pseudonym):
                    entry.save()
