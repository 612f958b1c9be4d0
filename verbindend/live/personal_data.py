"""Live sessions' part in people's data rights: participants and their contributions.

An erased participant stays counted (the session's numbers and closed aggregates do not move),
but their display name, account link and phone token go, and their contributions lose their
text, their organisation and their link to them. Scale, choice and dot-vote values are kept:
they only ever show as aggregates. The saved synthesis loses the same texts.
"""

from __future__ import annotations

from typing import Any

from verbindend.privacy.personal_data import DataSubject


def _contributions(subject: DataSubject) -> Any:
    from verbindend.live.models import Contribution

    return Contribution.objects.filter(
        participant__in=[p.pk for p in subject.participants()]
    ).select_related("step", "session")


def export(subject: DataSubject) -> dict[str, list[dict[str, Any]]]:
    from verbindend.live.synthesis import step_prompt

    return {
        "participants": [
            {
                "session": p.session.title,
                "name": p.display_name,
                "organisation": str(p.organisation) if p.organisation_id else "",
                "joined": p.joined_at.isoformat(),
            }
            for p in subject.participants()
        ],
        "contributions": [
            {
                "session": c.session.title,
                "prompt": step_prompt(c.step),
                # what they answered, readable: a scale point or a vote by its label
                "text": c.text or c.step.spec.answer_label(c.step, c),
                "value": c.value,
                "organisation": c.organisation_name,
                "at": c.created_at.isoformat(),
            }
            for c in _contributions(subject)
        ],
    }


def fragments(subject: DataSubject) -> list[str]:
    return [c.text for c in _contributions(subject) if c.text]


def erase(subject: DataSubject, *, pseudonym: str) -> None:
    from verbindend.live.models import (
        AGGREGATE_KINDS,
        Contribution,
        Participant,
        Synthesis,
        new_token,
    )

    contributions = list(_contributions(subject))
    ids = {c.pk for c in contributions}
    texts = [c.pk for c in contributions if c.step.kind not in AGGREGATE_KINDS]
    Contribution.objects.filter(pk__in=ids).update(text="", organisation_name="", participant=None)
    Contribution.objects.filter(pk__in=texts).update(value={})
    for participant in subject.participants():
        Participant.objects.filter(pk=participant.pk).update(
            display_name="", user=None, token=new_token()
        )
    sessions = {c.session_id for c in contributions}
    for synthesis in Synthesis.objects.filter(session__in=sessions):
        synthesis.snapshot = _scrub(synthesis.snapshot, ids)
        synthesis.save(update_fields=["snapshot"])


def _scrub(snapshot: dict[str, Any], ids: set[int]) -> dict[str, Any]:
    for step in snapshot.get("steps", []):
        for item in step.get("items", []):
            if item.get("id") in ids:
                item["text"] = ""
                item["organisation"] = ""
    return snapshot


def erase_session_texts(session: Any) -> None:
    """Retention: a closed session's free text goes, its counts and aggregates stay."""
    from verbindend.live.models import AGGREGATE_KINDS, Contribution, Synthesis

    contributions = Contribution.objects.filter(session=session)
    contributions.update(text="", organisation_name="")
    contributions.exclude(step__kind__in=AGGREGATE_KINDS).update(value={})
    session.participants.update(display_name="", user=None)
    Synthesis.objects.filter(session=session).update(notes="")
    for synthesis in Synthesis.objects.filter(session=session):
        ids = set(contributions.values_list("pk", flat=True))
        synthesis.snapshot = _scrub(synthesis.snapshot, ids)
        synthesis.save(update_fields=["snapshot"])
