"""Writing a batch of submissions in one transaction, and the session's event log."""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from verbindend.core.errors import DomainError
from verbindend.live import kinds
from verbindend.live.engine.broker import publish_threadsafe
from verbindend.live.engine.checks import Ack, Submission, check, refuse
from verbindend.live.models import (
    Contribution,
    Event,
    LiveSession,
    Participant,
    State,
    Step,
    StepKind,
)

log = logging.getLogger(__name__)

KINDS_WITH_PREPARE = frozenset(
    k.key for k in kinds.all_kinds() if type(k).prepare is not kinds.Kind.prepare
)


def write_batch(items: list[Submission]) -> tuple[list[Ack | DomainError], list[dict]]:
    """Write a batch in one transaction; return one outcome per item and the events to publish.

    Runs in the writer's thread (or directly from sync code). Idempotent per client UUID. One
    voice per person: where the step's kind says a new answer replaces an earlier one of the same
    person (a scale point, a vote, ...), the earlier row takes the new answer and a new sequence
    number, so screens replaying the log see the last answer only.
    """
    outcomes: list[Ack | DomainError | None] = [None] * len(items)
    published: dict[int, list[dict]] = defaultdict(list)
    with transaction.atomic():
        public_ids = {i.session for i in items}
        # Read first what the session's lock need not guard: the lock is held until commit, and
        # under a burst on several processes every round trip inside it is paid by all of them.
        # A client UUID stored meanwhile by another process makes the insert fail on the unique
        # constraint; the writer then writes the batch again and finds it here.
        steps = {
            s.pk: s
            for s in Step.objects.filter(
                pk__in={i.step for i in items}, session__public_id__in=public_ids
            )
        }
        participants = {
            p.token: p
            for p in Participant.objects.filter(
                token__in={i.token for i in items if i.token}
            ).select_related("organisation")
        }
        ids = {i.participant_id for i in items if i.participant_id}  # answers a facilitator enters
        by_id = (
            {p.pk: p for p in Participant.objects.filter(pk__in=ids).select_related("organisation")}
            if ids
            else {}
        )
        existing = {
            (c.session_id, c.client_id): c
            for c in Contribution.objects.filter(
                session__public_id__in=public_ids, client_id__in={i.client_id for i in items}
            ).only("pk", "sequence", "session_id", "client_id")
        }
        sessions = {
            s.public_id: s
            for s in LiveSession.objects.select_for_update()
            .filter(public_id__in=public_ids)
            .order_by("pk")
        }
        prepared = {
            step.pk: step.spec.prepare(step)
            for step in steps.values()
            if step.kind in KINDS_WITH_PREPARE and any(i.step == step.pk for i in items)
        }
        stored_voices = _stored_voices(items, steps, participants, by_id)
        fresh: dict[int, list[tuple[int, Contribution]]] = defaultdict(list)
        updates: dict[int, list[tuple[int, Contribution]]] = defaultdict(list)
        in_batch: dict[tuple[int, uuid.UUID], int] = {}
        voice_of_batch: dict[tuple[int, int, str], tuple[int, Contribution]] = {}
        repeats: list[tuple[int, int, bool]] = []  # (index, index it follows, is a duplicate)
        for index, item in enumerate(items):
            try:
                session, step, participant, text, value = _resolve(
                    item, sessions, steps, participants, by_id, prepared
                )
            except DomainError as error:
                outcomes[index] = error
                continue
            key = (session.pk, item.client_id)
            if key in existing:
                old = existing[key]
                outcomes[index] = Ack(old.pk, old.sequence, duplicate=True)
                continue
            if key in in_batch:
                repeats.append((index, in_batch[key], True))
                continue
            in_batch[key] = index
            voice = step.spec.voice(step, value)
            vkey = (step.pk, participant.pk, voice or "")
            if voice is not None and vkey in voice_of_batch:  # twice in one batch: the last counts
                first, contribution = voice_of_batch[vkey]
                contribution.text, contribution.value = text, value
                repeats.append((index, first, False))
                continue
            if voice is not None and vkey in stored_voices:
                contribution = stored_voices[vkey]
                contribution.text, contribution.value = text, value
                updates[session.pk].append((index, contribution))
                voice_of_batch[vkey] = (index, contribution)
                continue
            contribution = Contribution(
                session=session,
                step=step,
                participant=participant,
                client_id=item.client_id,
                text=text,
                value=value,
                shared=item.shared and step.kind == StepKind.FAREWELL_LETTER,
                organisation_name=(
                    participant.organisation.name if participant.organisation else ""
                ),
            )
            fresh[session.pk].append((index, contribution))
            if voice is not None:
                voice_of_batch[vkey] = (index, contribution)
        for session in sessions.values():
            entries = fresh.get(session.pk, [])
            changed = updates.get(session.pk, [])
            if not entries and not changed:
                continue
            base = session.last_sequence
            for offset, (_index, contribution) in enumerate([*entries, *changed], start=1):
                contribution.sequence = base + offset
            if entries:
                Contribution.objects.bulk_create([c for _i, c in entries])
            if changed:
                Contribution.objects.bulk_update(
                    [c for _i, c in changed], ["text", "value", "sequence"]
                )
            everything = sorted([*entries, *changed], key=lambda e: e[1].sequence)
            _insert_events(session.pk, [(c.sequence, c.pk) for _i, c in everything])
            session.last_sequence = base + len(everything)
            LiveSession.objects.filter(pk=session.pk).update(last_sequence=session.last_sequence)
            for index, contribution in everything:
                outcomes[index] = Ack(contribution.pk, contribution.sequence, duplicate=False)
                published[session.pk].append(contribution_payload(contribution, session))
    for index, first_index, duplicate in repeats:
        leader = outcomes[first_index]
        outcomes[index] = (
            Ack(leader.id, leader.sequence, duplicate=duplicate)
            if isinstance(leader, Ack)
            else leader
        )
    messages = [
        {"session": pk, "phones": False, "events": events} for pk, events in published.items()
    ]
    return [o for o in outcomes if o is not None], messages


def _stored_voices(
    items: list[Submission],
    steps: dict[int, Step],
    participants: dict[str, Participant],
    by_id: dict[int, Participant],
) -> dict[tuple[int, int, str], Contribution]:
    """The answers already stored that a new answer of the same person may replace."""
    step_ids = {pk for pk, step in steps.items() if step.spec.replaces(step)}
    if not step_ids:
        return {}
    people = {p.pk for p in participants.values()} | set(by_id)
    found: dict[tuple[int, int, str], Contribution] = {}
    rows = Contribution.objects.filter(step_id__in=step_ids, participant_id__in=people).only(
        "pk", "step_id", "participant_id", "text", "value", "sequence", "session_id"
    )
    for c in rows.order_by("sequence"):
        voice = steps[c.step_id].spec.voice(steps[c.step_id], c.value)
        if voice is not None and c.participant_id is not None:
            found.setdefault((c.step_id, c.participant_id, voice), c)
    return found


def _insert_events(session_pk: int, rows: list[tuple[int, int]]) -> None:
    """The log rows of new contributions, in one executemany: the ORM's bulk insert costs more
    CPU than the write itself on this hot path (measured with bench/live.py)."""
    payload = Event._meta.get_field("payload")
    created = connection.ops.adapt_datetimefield_value(timezone.now())
    table = connection.ops.quote_name(Event._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (session_id, sequence, kind, payload, created_at) "  # noqa: S608
            "VALUES (%s, %s, %s, %s, %s)",
            [
                (
                    session_pk,
                    sequence,
                    "contribution",
                    payload.get_db_prep_save({"contribution": pk}, connection),
                    created,
                )
                for sequence, pk in rows
            ],
        )


def _resolve(
    item: Submission,
    sessions: dict[str, LiveSession],
    steps: dict[int, Step],
    participants: dict[str, Participant],
    by_id: dict[int, Participant],
    prepared: dict[int, Any],
) -> tuple[LiveSession, Step, Participant, str, dict[str, Any]]:
    """Who, where and what of one submission, checked; or a DomainError."""
    session = sessions.get(item.session)
    step = steps.get(item.step)
    participant = by_id.get(item.participant_id) if item.participant_id else None
    participant = participant or participants.get(item.token)
    open_session = session is not None and session.state != State.CLOSED
    if open_session and (participant is None or participant.session_id != session.pk):  # type: ignore[union-attr]
        raise refuse("live.not_joined", _("Join the session with its code first."), 403)
    text, value = check(item, session, step, prepared.get(item.step))
    assert session is not None and step is not None and participant is not None
    return session, step, participant, text, value


def source_step(step: Step) -> Step | None:
    """The earlier step whose contributions a dot-vote step votes on."""
    from verbindend.live.kinds.dot_vote import source_step as find

    found: Step | None = find(step)
    return found


def contribution_payload(c: Contribution, session: LiveSession) -> dict[str, Any]:
    """What a screen gets for a contribution: never the text of a private letter."""
    private = c.step.kind == StepKind.FAREWELL_LETTER and not c.shared
    return {
        "type": "contribution",
        "seq": c.sequence,
        "id": c.pk,
        "step": c.step_id,
        "kind": c.step.kind,
        "text": None if private or c.hidden else c.text,
        "value": c.value,
        "hidden": c.hidden,
        "name": (
            c.participant.display_name
            if session.ask_names and c.participant and not private
            else ""
        ),
    }


def state_payload(session: LiveSession) -> dict[str, Any]:
    step = session.current_step
    return {
        "type": "state",
        "state": session.state,
        "step": step.pk if step else None,
        "revealed": bool(step and step.revealed),
        "locked": bool(step and step.locked),
        "timer_ends_at": session.timer_ends_at.isoformat() if session.timer_ends_at else None,
    }


def record_event(session: LiveSession, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Store one event with the next sequence number and publish it after commit (sync code)."""
    with transaction.atomic():
        locked = LiveSession.objects.select_for_update().get(pk=session.pk)
        sequence = locked.last_sequence + 1
        LiveSession.objects.filter(pk=session.pk).update(last_sequence=sequence)
        session.last_sequence = sequence
        event = {**payload, "seq": sequence}
        Event.objects.create(session=session, sequence=sequence, kind=kind, payload=event)
        message = {"session": session.pk, "phones": kind == "state", "events": [event]}
        transaction.on_commit(lambda: publish_threadsafe(message))
    return event


def load_events(session_pk: int, after: int, before: int | None = None) -> list[dict[str, Any]]:
    """The events after a sequence number, rebuilt for screens from the current data."""
    events = Event.objects.filter(session_id=session_pk, sequence__gt=after).order_by("sequence")
    if before is not None:
        events = events.filter(sequence__lt=before)
    rows = list(events.values("sequence", "kind", "payload")[:5000])
    ids = [r["payload"]["contribution"] for r in rows if r["kind"] == "contribution"]
    session = LiveSession.objects.get(pk=session_pk)
    contributions = {
        c.pk: c
        for c in Contribution.objects.filter(pk__in=ids).select_related("step", "participant")
    }
    out = []
    for row in rows:
        if row["kind"] == "contribution":
            found = contributions.get(row["payload"]["contribution"])
            if found is None:
                continue
            payload = contribution_payload(found, session)
            payload["seq"] = row["sequence"]
            out.append(payload)
        else:
            out.append({**row["payload"], "seq": row["sequence"]})
    return out
