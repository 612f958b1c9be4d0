"""One batching writer per process: every queued submission of a moment in one transaction."""

from __future__ import annotations

import asyncio
import contextvars
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection

from verbindend.core.errors import DomainError
from verbindend.core.workers import mark_live_busy
from verbindend.live import metrics
from verbindend.live.engine.broker import broker
from verbindend.live.engine.checks import Ack, Submission
from verbindend.live.engine.store import write_batch

log = logging.getLogger(__name__)

BATCH_MAX = 500
BATCH_WINDOW_SECONDS = 0.01

WRITE_RETRY_PAUSES = (0.05, 0.2, 0.5, 1.0)  # a database restart or failover takes a moment


class Load:
    """Submissions written in the current second; past ``LIVE_BUSY_RATE`` background work is
    asked to step aside (``verbindend.core.workers``), once a second at most."""

    def __init__(self) -> None:
        self.second = 0.0
        self.count = 0
        self.marked = False

    def add(self, written: int, now: float) -> None:
        if now - self.second >= 1:
            self.second, self.count, self.marked = now, 0, False
        self.count += written
        rate = settings.LIVE_BUSY_RATE
        if rate > 0 and self.count >= rate and not self.marked:
            self.marked = True
            mark_live_busy()


load = Load()


def _write_on_own_connection(items: list[Submission]) -> tuple[list[Any], list[dict]]:
    """write_batch, written again on a fresh connection when the database went away or was busy.

    A batch whose commit failed was rolled back, so writing it again is safe; one that committed
    but lost its answer is found by its client UUIDs and acknowledged as a duplicate. After the
    last pause the requests get an error and the phones send again from their queue.
    """
    for pause in (*WRITE_RETRY_PAUSES, None):
        try:
            written = write_batch(items)
            load.add(len(items), time.monotonic())
            return written
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
