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

The parts, in the order a contribution meets them: ``checks`` (its shape), ``writer`` (the
batching task), ``store`` (the transaction and the event log), ``broker`` (the wake-up) and
``streams`` (what screens and phones receive).
"""

from __future__ import annotations

from verbindend.live.engine.broker import (
    LocalBroker,
    RedisBroker,
    Subscription,
    broker,
    publish_threadsafe,
)
from verbindend.live.engine.checks import (
    Ack,
    Submission,
    clean_text,
    parse_submission,
)
from verbindend.live.engine.store import (
    contribution_payload,
    load_events,
    record_event,
    source_step,
    state_payload,
    write_batch,
)
from verbindend.live.engine.streams import (
    GAP_WAIT_SECONDS,
    KEEPALIVE_SECONDS,
    POLL_SECONDS,
    PROCESS_ID,
    Presence,
    phone_stream,
    presence,
    screen_stream,
    sse,
)
from verbindend.live.engine.writer import (
    BATCH_MAX,
    BATCH_WINDOW_SECONDS,
    Writer,
    writer,
)

__all__ = [
    "BATCH_MAX",
    "BATCH_WINDOW_SECONDS",
    "GAP_WAIT_SECONDS",
    "KEEPALIVE_SECONDS",
    "POLL_SECONDS",
    "PROCESS_ID",
    "Ack",
    "LocalBroker",
    "Presence",
    "RedisBroker",
    "Submission",
    "Subscription",
    "Writer",
    "broker",
    "clean_text",
    "contribution_payload",
    "load_events",
    "parse_submission",
    "phone_stream",
    "presence",
    "publish_threadsafe",
    "record_event",
    "screen_stream",
    "source_step",
    "sse",
    "state_payload",
    "write_batch",
    "writer",
]
