"""The live engine: one batching writer per process, an event broker, and the SSE streams.

How a contribution travels (ARCHITECTURE §5)
--------------------------------------------
1. A phone POSTs it with a client-made UUID. The request only parses and checks its shape, then
   hands it to this process's single :class:`Writer` task and waits.
2. The writer takes everything queued, and in a worker thread with its own persistent database
   connection writes the whole batch in ONE transaction (``BEGIN IMMEDIATE`` on SQLite; the
   session rows are locked ``FOR UPDATE`` on PostgreSQL). Inside it, it checks the participant,
   the step and the answer, skips client UUIDs already stored (idempotent resubmission), and
   numbers the new contributions from the session's ``last_sequence`` — so sequence numbers come
   from the database and are handed out in commit order, even with several processes.
3. After the commit it publishes the batch's events, in sequence, and only then answers each
   request: the HTTP answer is the acknowledgement.
4. The broker only wakes streams (in-process by default, Redis pub/sub when ``REDIS_URL`` is set);
   the database is the truth. A screen's stream subscribes first, then replays from the database
   what came after its ``Last-Event-ID``, then drops what it already sent; a gap in the sequence
   is filled from the database, and a screen that was not woken for a few seconds looks there
   too (so a lost wake-up costs seconds, never data). Phones get state changes only, never every
   contribution.

Sync code (the facilitator's console) writes state events in its own short transaction with the
same numbering and publishes them after commit through :func:`publish_threadsafe`.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
import os
import socket
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from verbindend.core import validation
from verbindend.core.errors import DomainError
from verbindend.live import metrics
from verbindend.live.models import (
    LETTER_MAX,
    TEXT_MAX,
    Contribution,
    Event,
    LiveSession,
    Participant,
    State,
    Step,
    StepKind,
)
from verbindend.method import content

log = logging.getLogger(__name__)

BATCH_MAX = 500
BATCH_WINDOW_SECONDS = 0.01
KEEPALIVE_SECONDS = 15.0
POLL_SECONDS = 3.0  # screens look in the database when nothing woke them for this long
GAP_WAIT_SECONDS = 0.3  # an early event waits this long for the ones before it
PROCESS_ID = f"{socket.gethostname()}-{os.getpid()}"


# -- checking a submission (pure: no database) ------------------------------------------------


@dataclass(frozen=True)
class Submission:
    session: str  # the session's public id
    token: str
    step: int
    client_id: uuid.UUID
    text: str = ""
    value: dict[str, Any] = field(default_factory=dict)
    shared: bool = False
    participant_id: int | None = None  # set for answers a facilitator enters


@dataclass(frozen=True)
class Ack:
    id: int
    sequence: int
    duplicate: bool


def _clean_text(value: object) -> str:
    if not isinstance(value, str):
        return ""
    # Control characters (NUL included) cannot be stored everywhere; newlines and tabs stay;
    # bidirectional overrides would make an answer read differently on the wall.
    return validation.strip_bidi("".join(ch for ch in value if ch in "\n\t" or ch >= " ")).strip()


def parse_submission(session: str, token: str, data: Any) -> Submission:
    """A submission from a JSON body, or a DomainError saying what is wrong with it."""
    if not isinstance(data, dict):
        raise DomainError("live.bad_request", _("This answer could not be read."))
    try:
        client_id = uuid.UUID(str(data.get("client_id", "")))
        step = int(data.get("step", ""))
    except (ValueError, TypeError):
        raise DomainError("live.bad_request", _("This answer could not be read.")) from None
    value = data.get("value") or {}
    if not isinstance(value, dict) or len(json.dumps(value)) > 2000:
        raise DomainError("live.bad_request", _("This answer could not be read."))
    raw = data.get("text", "")
    if isinstance(raw, str) and len(raw) > LETTER_MAX * 2:
        raise DomainError(
            "live.too_long",
            _("Your answer is too long: at most %(n)s characters.") % {"n": LETTER_MAX},
        )
    return Submission(
        session=session,
        token=token,
        step=step,
        client_id=client_id,
        text=_clean_text(raw),
        value=value,
        shared=data.get("shared") in (True, "1", "on", "true"),
    )


def _refuse(code: str, message: Any, status: int = 400) -> DomainError:
    return DomainError(code, message, status=status)


def _check(
    item: Submission, session: LiveSession | None, step: Step | None
) -> tuple[str, dict[str, Any]]:
    """The cleaned text and value of one submission, or a DomainError."""
    if session is None:
        raise _refuse("live.unknown_session", _("This session does not exist."), 404)
    if session.state == State.CLOSED:
        raise _refuse("live.closed", _("This session has ended."), 410)
    if step is None or step.session_id != session.pk:
        raise _refuse("live.unknown_step", _("This question is not part of the session."), 404)
    if step.locked:
        raise _refuse("live.locked", _("This question is closed; answers are no longer taken."))
    kind = step.kind
    text, value = item.text, dict[str, Any]()
    limit = LETTER_MAX if kind == StepKind.FAREWELL_LETTER else TEXT_MAX
    if kind in (
        StepKind.OPEN_ANSWER,
        StepKind.SENTENCE_COMPLETION,
        StepKind.FAREWELL_LETTER,
        StepKind.PRINCIPLE_CARD,
    ):
        if not text:
            raise _refuse("live.empty", _("Write something first."))
        if len(text) > limit:
            raise _refuse(
                "live.too_long",
                _("Your answer is too long: at most %(n)s characters.") % {"n": limit},
            )
    if kind == StepKind.PRINCIPLE_CARD:
        item_key = str(item.value.get("item", ""))
        if not item_key.startswith(step.content_key + ".r") or not content.exists(item_key):
            raise _refuse("live.bad_item", _("Choose one of the card's questions."))
        value = {"item": item_key}
    elif kind == StepKind.SCALE:
        point = item.value.get("scale")
        if point not in (1, 2, 3, 4, 5, "unknown"):
            raise _refuse("live.bad_scale", _("Choose a point on the scale."))
        value, text = {"scale": point}, ""
    elif kind == StepKind.CHOICE:
        picked = item.value.get("choices")
        count = len(step.options.get("items", []))
        if (
            not isinstance(picked, list)
            or not picked
            or len(set(picked)) != len(picked)
            or not all(isinstance(p, int) and 0 <= p < count for p in picked)
            or (len(picked) > 1 and not step.options.get("multiple"))
        ):
            raise _refuse("live.bad_choice", _("Choose from the options shown."))
        value, text = {"choices": sorted(picked)}, ""
    elif kind == StepKind.DOT_VOTE:
        dots = item.value.get("dots")
        most = int(step.options.get("dots", 3))
        if (
            not isinstance(dots, list)
            or not dots
            or len(dots) > most
            or not all(isinstance(d, int) for d in dots)
        ):
            raise _refuse("live.bad_dots", _("Give between 1 and %(n)s dots.") % {"n": most})
        value, text = {"dots": dots}, ""
    elif kind == StepKind.HISTORY_LINE:
        raise _refuse("live.not_here", _("This step is answered on the history line itself."))
    return text, value


def write_batch(items: list[Submission]) -> tuple[list[Ack | DomainError], list[dict]]:
    """Write a batch in one transaction; return one outcome per item and the events to publish.

    Runs in the writer's thread (or directly from sync code). Idempotent per client UUID.
    """
    outcomes: list[Ack | DomainError | None] = [None] * len(items)
    published: dict[int, list[dict]] = defaultdict(list)
    with transaction.atomic():
        public_ids = {i.session for i in items}
        sessions = {
            s.public_id: s
            for s in LiveSession.objects.select_for_update()
            .filter(public_id__in=public_ids)
            .order_by("pk")
        }
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
        by_id = {
            p.pk: p
            for p in Participant.objects.filter(
                pk__in={i.participant_id for i in items if i.participant_id}
            ).select_related("organisation")
        }
        existing = {
            (c.session_id, c.client_id): c
            for c in Contribution.objects.filter(
                session__public_id__in=public_ids, client_id__in={i.client_id for i in items}
            ).only("pk", "sequence", "session_id", "client_id")
        }
        dot_targets = _dot_targets(items, steps)
        fresh: dict[int, list[tuple[int, Contribution]]] = defaultdict(list)
        in_batch: dict[tuple[int, uuid.UUID], int] = {}
        repeats: list[tuple[int, int]] = []  # (index, index of the first with that client UUID)
        for index, item in enumerate(items):
            try:
                session, step, participant, text, value = _resolve(
                    item, sessions, steps, participants, by_id, dot_targets
                )
            except DomainError as error:
                outcomes[index] = error
                continue
            key = (session.pk, item.client_id)
            if key in existing:
                old = existing[key]
                outcomes[index] = Ack(old.pk, old.sequence, duplicate=True)
            elif key in in_batch:
                repeats.append((index, in_batch[key]))
            else:
                in_batch[key] = index
                fresh[session.pk].append(
                    (
                        index,
                        Contribution(
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
                        ),
                    )
                )
        for session in sessions.values():
            entries = fresh.get(session.pk)
            if not entries:
                continue
            base = session.last_sequence
            for offset, (_index, contribution) in enumerate(entries, start=1):
                contribution.sequence = base + offset
            Contribution.objects.bulk_create([c for _i, c in entries])
            _insert_events(session.pk, [(c.sequence, c.pk) for _i, c in entries])
            session.last_sequence = base + len(entries)
            LiveSession.objects.filter(pk=session.pk).update(last_sequence=session.last_sequence)
            for index, contribution in entries:
                outcomes[index] = Ack(contribution.pk, contribution.sequence, duplicate=False)
                published[session.pk].append(contribution_payload(contribution, session))
    for index, first_index in repeats:  # the same client UUID twice in one batch
        first = outcomes[first_index]
        outcomes[index] = (
            Ack(first.id, first.sequence, duplicate=True) if isinstance(first, Ack) else first
        )
    messages = [
        {"session": pk, "phones": False, "events": events} for pk, events in published.items()
    ]
    return [o for o in outcomes if o is not None], messages


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
    dot_targets: dict[int, set[int]],
) -> tuple[LiveSession, Step, Participant, str, dict[str, Any]]:
    """Who, where and what of one submission, checked; or a DomainError."""
    session = sessions.get(item.session)
    step = steps.get(item.step)
    participant = by_id.get(item.participant_id) if item.participant_id else None
    participant = participant or participants.get(item.token)
    open_session = session is not None and session.state != State.CLOSED
    if open_session and (participant is None or participant.session_id != session.pk):  # type: ignore[union-attr]
        raise _refuse("live.not_joined", _("Join the session with its code first."), 403)
    text, value = _check(item, session, step)
    assert session is not None and step is not None and participant is not None
    if step.kind == StepKind.DOT_VOTE and not set(value["dots"]) <= dot_targets.get(step.pk, set()):
        raise _refuse("live.bad_dots", _("Give your dots to answers on the wall."))
    return session, step, participant, text, value


def _dot_targets(items: list[Submission], steps: dict[int, Step]) -> dict[int, set[int]]:
    """For each dot-vote step in the batch, the contributions one may vote on."""
    targets: dict[int, set[int]] = {}
    for step in steps.values():
        if step.kind != StepKind.DOT_VOTE or not any(i.step == step.pk for i in items):
            continue
        source = source_step(step)
        targets[step.pk] = (
            set(
                Contribution.objects.filter(
                    step=source, hidden=False, merged_into__isnull=True
                ).values_list("pk", flat=True)
            )
            if source
            else set()
        )
    return targets


def source_step(step: Step) -> Step | None:
    """The earlier step whose contributions a dot-vote step votes on."""
    back = int(step.options.get("source_back", 1))
    earlier = list(
        Step.objects.filter(session_id=step.session_id, order__lt=step.order).order_by("-order")
    )
    return earlier[back - 1] if 0 < back <= len(earlier) else None


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


# -- the broker -------------------------------------------------------------------------------


CLOSE: dict[str, Any] = {"session": 0, "events": [], "close": True}


class Subscription:
    def __init__(self, broker: LocalBroker, session_pk: int, phones: bool) -> None:
        self.broker = broker
        self.session_pk = session_pk
        self.phones = phones
        self.queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    def close(self) -> None:
        self.broker.unsubscribe(self)


class LocalBroker:
    """Fans messages out to this process's streams; knows nothing about the database."""

    def __init__(self) -> None:
        self.subscribers: dict[int, set[Subscription]] = defaultdict(set)
        self.loop: asyncio.AbstractEventLoop | None = None

    async def subscribe(self, session_pk: int, *, phones: bool) -> Subscription:
        self.loop = asyncio.get_running_loop()
        sub = Subscription(self, session_pk, phones)
        self.subscribers[session_pk].add(sub)
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        self.subscribers[sub.session_pk].discard(sub)
        if not self.subscribers[sub.session_pk]:
            self.subscribers.pop(sub.session_pk, None)

    def count(self, session_pk: int, *, phones: bool) -> int:
        return sum(1 for s in self.subscribers.get(session_pk, ()) if s.phones == phones)

    def close_all(self) -> None:
        """The server is shutting down: end every stream so that connections can drain."""
        for subs in list(self.subscribers.values()):
            for sub in list(subs):
                sub.queue.put_nowait(CLOSE)

    def dispatch(self, message: dict[str, Any]) -> None:
        for sub in list(self.subscribers.get(message["session"], ())):
            if message.get("phones") or not sub.phones:
                sub.queue.put_nowait(message)

    async def publish(self, message: dict[str, Any]) -> None:
        self.dispatch(message)

    def publish_threadsafe(self, message: dict[str, Any]) -> None:
        loop = self.loop
        if loop is None or loop.is_closed():
            return
        try:
            if asyncio.get_running_loop() is loop:
                self.dispatch(message)
                return
        except RuntimeError:
            pass
        loop.call_soon_threadsafe(self.dispatch, message)


class RedisBroker(LocalBroker):
    """Publishes through Redis so every process's streams wake; one listener per process."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url
        # Pub/sub channels are shared by every database number of a Redis server: the prefix
        # keeps one instance's live events away from another's.
        self.channel = f"{settings.REDIS_PREFIX}:live"
        self.listener: asyncio.Task[None] | None = None
        self.client: Any = None
        self.ready: asyncio.Event | None = None
        self.sync_client: Any = None

    async def _ensure(self) -> None:
        import redis.asyncio as aioredis

        loop = asyncio.get_running_loop()
        if self.listener is None or self.loop is not loop or self.listener.done():
            self.loop = loop
            self.client = aioredis.Redis.from_url(self.url)
            self.ready = asyncio.Event()
            self.listener = loop.create_task(self._listen(), context=contextvars.Context())
        assert self.ready is not None
        await self.ready.wait()

    async def _listen(self) -> None:
        while True:
            try:
                pubsub = self.client.pubsub()
                await pubsub.subscribe(self.channel)
                assert self.ready is not None
                self.ready.set()
                async for raw in pubsub.listen():
                    if raw.get("type") == "message":
                        self.dispatch(json.loads(raw["data"]))
            except asyncio.CancelledError:
                raise
            except Exception:  # Redis went away: streams fall back on the DB when it returns
                log.exception("live: Redis listener lost; reconnecting")
                await asyncio.sleep(1)

    async def subscribe(self, session_pk: int, *, phones: bool) -> Subscription:
        await self._ensure()
        return await super().subscribe(session_pk, phones=phones)

    async def publish(self, message: dict[str, Any]) -> None:
        await self._ensure()
        await self.client.publish(self.channel, json.dumps(message))

    def publish_threadsafe(self, message: dict[str, Any]) -> None:
        import redis

        if self.sync_client is None:
            self.sync_client = redis.Redis.from_url(self.url)
        try:
            self.sync_client.publish(self.channel, json.dumps(message))
        except redis.RedisError:
            log.exception("live: could not publish to Redis; screens catch up from the DB")


_broker: LocalBroker | None = None
_broker_lock = threading.Lock()


def broker() -> LocalBroker:
    global _broker
    with _broker_lock:
        if _broker is None:
            url = getattr(settings, "REDIS_URL", "")
            _broker = RedisBroker(url) if url else LocalBroker()
        return _broker


def publish_threadsafe(message: dict[str, Any]) -> None:
    broker().publish_threadsafe(message)


# -- the writer -------------------------------------------------------------------------------


WRITE_RETRY_PAUSES = (0.05, 0.2, 0.5, 1.0)  # a database restart or failover takes a moment


def _write_on_own_connection(items: list[Submission]) -> tuple[list[Any], list[dict]]:
    """write_batch, written again on a fresh connection when the database went away or was busy.

    A batch whose commit failed was rolled back, so writing it again is safe; one that committed
    but lost its answer is found by its client UUIDs and acknowledged as a duplicate. After the
    last pause the requests get an error and the phones send again from their queue.
    """
    for pause in (*WRITE_RETRY_PAUSES, None):
        try:
            return write_batch(items)
        except DatabaseError:
            connection.close()
            if pause is None:
                raise
            metrics.WRITE_RETRIES.inc()
            log.warning("live: writing a batch failed; trying again in %ss", pause)
            time.sleep(pause)
    raise AssertionError  # unreachable


class Writer:
    """The one writer task of this process: batches queued submissions into one transaction."""

    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self.queue: asyncio.Queue[tuple[Submission, asyncio.Future[Ack]]] | None = None
        self.task: asyncio.Task[None] | None = None
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="live-writer")

    def _ensure(self) -> asyncio.Queue[tuple[Submission, asyncio.Future[Ack]]]:
        loop = asyncio.get_running_loop()
        if self.loop is not loop or self.task is None or self.task.done():
            self.loop = loop
            self.queue = asyncio.Queue()
            self.task = loop.create_task(self._run(), context=contextvars.Context())
        assert self.queue is not None
        return self.queue

    async def submit(self, item: Submission) -> Ack:
        queue = self._ensure()
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Ack] = loop.create_future()
        queue.put_nowait((item, future))
        metrics.WRITER_QUEUE.set(queue.qsize())
        began = loop.time()
        ack = await future
        metrics.ACKS.inc()
        metrics.ACK_SECONDS.observe(loop.time() - began)
        return ack

    async def _run(self) -> None:
        assert self.queue is not None
        queue, loop = self.queue, asyncio.get_running_loop()
        while True:
            batch = [await queue.get()]
            if queue.empty():  # let a few more arrive: one transaction costs more than a row
                await asyncio.sleep(BATCH_WINDOW_SECONDS)
            while len(batch) < BATCH_MAX and not queue.empty():
                batch.append(queue.get_nowait())
            metrics.WRITER_QUEUE.set(queue.qsize())
            try:
                outcomes, messages = await loop.run_in_executor(
                    self.executor, _write_on_own_connection, [item for item, _f in batch]
                )
            except Exception as error:
                log.exception("live: a batch of %s could not be written", len(batch))
                for _item, future in batch:
                    if not future.done():
                        future.set_exception(error)
                continue
            for message in messages:  # after commit, in sequence order
                try:
                    await broker().publish(message)
                except Exception:
                    log.exception("live: publishing failed; screens catch up from the DB")
            for (_item, future), outcome in zip(batch, outcomes, strict=True):
                if future.done():
                    continue
                if isinstance(outcome, DomainError):
                    future.set_exception(outcome)
                else:
                    future.set_result(outcome)


writer = Writer()


# -- streams ----------------------------------------------------------------------------------


def sse(event: dict[str, Any]) -> bytes:
    data = json.dumps(event, separators=(",", ":"))
    head = f"id: {event['seq']}\n" if "seq" in event else ""
    return f"{head}data: {data}\n\n".encode()


async def screen_stream(
    session_pk: int,
    last_seen: int,
    run_sync: Callable[..., Any],
) -> AsyncIterator[bytes]:
    """A wall's or console's events: subscribe, replay after Last-Event-ID, then follow live.

    Events are sent strictly in sequence. One that arrives early (another process published
    first) waits briefly for the ones before it; if they do not come, they are read from the
    database. A screen that nothing woke for a while looks in the database too.
    """
    sub = await broker().subscribe(session_pk, phones=False)
    early: dict[int, dict[str, Any]] = {}
    gap_since: float | None = None
    loop = asyncio.get_running_loop()
    metrics.STREAMS_OPEN.labels("screen").inc()
    try:
        yield b"retry: 1000\n\n"
        for event in await run_sync(load_events, session_pk, last_seen):
            last_seen = max(last_seen, event["seq"])
            yield sse(event)
        quiet = 0.0
        while True:
            wait = POLL_SECONDS
            if gap_since is not None:
                wait = max(0.0, gap_since + GAP_WAIT_SECONDS - loop.time())
            chunks: list[bytes] = []
            try:
                message = await asyncio.wait_for(sub.queue.get(), wait)
            except TimeoutError:
                # Missing events did not come, or nothing woke us: read the database.
                before = min(early) if early else None
                for missed in await run_sync(load_events, session_pk, last_seen, before):
                    chunks.append(sse(missed))
                    last_seen = missed["seq"]
                if early:
                    last_seen = max(last_seen, min(early) - 1)  # nothing else can be missing
                elif not chunks:
                    quiet += POLL_SECONDS
                    if quiet >= KEEPALIVE_SECONDS:
                        quiet = 0.0
                        chunks.append(b": keepalive\n\n")
            else:
                if message.get("close"):
                    return
                for event in message["events"]:
                    seq = event.get("seq")
                    if seq is None:  # presence: not part of the log
                        chunks.append(sse(event))
                    elif seq > last_seen:
                        early[seq] = event
            while last_seen + 1 in early:
                last_seen += 1
                chunks.append(sse(early.pop(last_seen)))
            for seq in [s for s in early if s <= last_seen]:
                del early[seq]
            gap_since = (gap_since or loop.time()) if early else None
            if chunks:
                quiet = 0.0
                yield b"".join(chunks)
    finally:
        metrics.STREAMS_OPEN.labels("screen").dec()
        sub.close()


async def phone_stream(session_pk: int, current: dict[str, Any]) -> AsyncIterator[bytes]:
    """A phone's events: the current state first, then state changes only."""
    sub = await broker().subscribe(session_pk, phones=True)
    presence.changed(session_pk)
    metrics.STREAMS_OPEN.labels("phone").inc()
    try:
        yield b"retry: 2000\n\n" + sse({k: v for k, v in current.items() if k != "seq"})
        while True:
            try:
                message = await asyncio.wait_for(sub.queue.get(), KEEPALIVE_SECONDS)
            except TimeoutError:
                yield b": keepalive\n\n"
                continue
            if message.get("close"):
                return
            yield b"".join(
                sse({k: v for k, v in e.items() if k != "seq"})
                for e in message["events"]
                if e.get("type") == "state"
            )
    finally:
        metrics.STREAMS_OPEN.labels("phone").dec()
        sub.close()
        presence.changed(session_pk)


class Presence:
    """Tells the screens how many phones this process holds open, at most once a second."""

    def __init__(self) -> None:
        self.dirty: set[int] = set()
        self.task: asyncio.Task[None] | None = None

    def changed(self, session_pk: int) -> None:
        self.dirty.add(session_pk)
        if self.task is None or self.task.done():
            self.task = asyncio.get_running_loop().create_task(
                self._flush(), context=contextvars.Context()
            )

    async def _flush(self) -> None:
        await asyncio.sleep(1)
        dirty, self.dirty = self.dirty, set()
        for pk in dirty:
            count = broker().count(pk, phones=True)
            event = {"type": "presence", "pid": PROCESS_ID, "count": count}
            try:
                await broker().publish({"session": pk, "phones": False, "events": [event]})
            except Exception:
                log.exception("live: presence not published")


presence = Presence()
