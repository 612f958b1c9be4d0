"""Background workers that notice each other: heartbeats, and tasks of a dead worker run again.

``manage.py worker`` runs django-tasks-db's worker with a heartbeat process beside it. Every
beat it also looks for tasks marked running by a worker whose heartbeat stopped (killed, out
of memory, its host gone) and puts them back in the queue, so another worker — or the same one
restarted — takes them up without anyone doing it by hand. A task that has been taken up
``TASK_MAX_ATTEMPTS`` times without finishing is marked failed instead, so a task that kills
its worker cannot do so forever. Tasks must therefore be safe to run again: the report and
import tasks pick up from what is already stored.

Background work also steps aside for live work. A live process that writes many submissions a
second says so through the cache (``mark_live_busy``); the heartbeat then stops its worker's
task (SIGSTOP) until the burst is over, at most ``WORKER_PAUSE_MAX_SECONDS`` at a time. The idle
scheduling class alone is not enough: on a saturated machine a task in it still slowed the
acknowledgements and pages by a third (``bench/mixed.py``).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, close_old_connections, connections, transaction
from django.tasks import TaskResultStatus
from django.utils import timezone

from verbindend.core.models import WorkerHeartbeat

log = logging.getLogger(__name__)

LIVE_BUSY_KEY = "live:busy"
LIVE_BUSY_SECONDS = 2  # how long one mark holds: a burst marks again every second
STEP_ASIDE_TICK_SECONDS = 0.2


def beat_seconds() -> float:
    return float(getattr(settings, "WORKER_HEARTBEAT_SECONDS", 5.0))


def stale_after() -> timedelta:
    """A worker silent for this long is taken for dead (several missed beats)."""
    return timedelta(seconds=float(getattr(settings, "WORKER_STALE_SECONDS", 30.0)))


def alive_workers() -> list[str]:
    since = timezone.now() - stale_after()
    return list(
        WorkerHeartbeat.objects.filter(seen_at__gte=since).values_list("worker_id", flat=True)
    )


def beat(worker_id: str, pid: int | None = None) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "host": socket.gethostname(),
            "pid": pid or os.getpid(),
            "seen_at": timezone.now(),
        },
    )


def requeue_orphans() -> list[str]:
    """Put back the running tasks whose worker stopped beating; return their ids."""
    from django_tasks_db.models import DBTaskResult

    max_attempts = int(getattr(settings, "TASK_MAX_ATTEMPTS", 3))
    alive = set(alive_workers())
    requeued = []
    with transaction.atomic():
        running = DBTaskResult.objects.select_for_update(skip_locked=True).filter(
            status=TaskResultStatus.RUNNING
        )
        for result in running:
            owner = result.worker_ids[-1] if result.worker_ids else ""
            if owner in alive:
                continue
            if not WorkerHeartbeat.objects.filter(worker_id=owner).exists() and (
                result.started_at and timezone.now() - result.started_at < stale_after()
            ):
                continue  # its worker has not beaten yet: give it time
            if len(result.worker_ids) >= max_attempts:
                result.status = TaskResultStatus.FAILED
                result.finished_at = timezone.now()
                result.exception_class_path = "verbindend.core.workers.WorkerLost"
                result.traceback = (
                    f"The worker stopped during this task {len(result.worker_ids)} times."
                )
                result.save(
                    update_fields=["status", "finished_at", "exception_class_path", "traceback"]
                )
                log.error("task %s failed: its worker stopped %s times", result.pk, max_attempts)
                continue
            result.status = TaskResultStatus.READY
            result.started_at = None
            result.save(update_fields=["status", "started_at"])
            requeued.append(str(result.pk))
            log.warning(
                "task %s (%s) queued again: worker %s stopped", result.pk, result.task_path, owner
            )
    WorkerHeartbeat.objects.filter(seen_at__lt=timezone.now() - 20 * stale_after()).delete()
    return requeued


def yield_cpu() -> None:
    """Lower the calling thread's CPU priority for background work.

    Under Linux's idle class (``WORKER_IDLE``) a task gets only the CPU that no web process
    wants; a nice value alone still leaves it a share of a saturated core, which the live
    acknowledgements then wait for (``bench/mixed.py``). Threads the task starts inherit the class.
    """
    if settings.WORKER_IDLE and hasattr(os, "SCHED_IDLE"):
        try:
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
        except OSError:
            log.warning("worker: the idle scheduling class is not available; using nice only")


def mark_live_busy() -> None:
    """Ask background tasks to step aside for the next moments (best effort: while Redis is
    away the mark is dropped, and the tasks simply keep running)."""
    cache.set(LIVE_BUSY_KEY, 1, timeout=LIVE_BUSY_SECONDS)


def live_busy() -> bool:
    return bool(cache.get(LIVE_BUSY_KEY))


class StepAside:
    """Stops one process while live work is busy and continues it afterwards.

    A pause lasts at most ``pause_max`` seconds; then the process runs at least ``resume``
    seconds before it may be stopped again, so a long busy morning slows a report but never
    starves it.
    """

    def __init__(self, pid: int, *, pause_max: float, resume: float) -> None:
        self.pid = pid
        self.pause_max = pause_max
        self.resume = resume
        self.paused_since: float | None = None
        self.runs_until = 0.0

    def tick(self, busy: bool, now: float) -> None:
        if self.paused_since is None:
            if busy and now >= self.runs_until:
                os.kill(self.pid, signal.SIGSTOP)
                self.paused_since = now
            return
        if not busy or now - self.paused_since >= self.pause_max:
            self.release()
            if busy:
                self.runs_until = now + self.resume

    def release(self) -> None:
        if self.paused_since is None:
            return
        os.kill(self.pid, signal.SIGCONT)
        log.info(
            "worker: background work paused %.1f s for live work",
            time.monotonic() - self.paused_since,
        )
        self.paused_since = None


def _stop(_signum: int, _frame: object) -> None:
    raise SystemExit(0)


def _beat_while_parent_lives(worker_id: str, parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the worker's to handle
    signal.signal(signal.SIGTERM, _stop)  # so the worker is never left stopped
    aside = StepAside(
        parent, pause_max=settings.WORKER_PAUSE_MAX_SECONDS, resume=settings.WORKER_RESUME_SECONDS
    )
    next_beat = 0.0
    try:
        while os.getppid() == parent:
            if time.monotonic() >= next_beat:
                try:
                    close_old_connections()
                    beat(worker_id, parent)
                    requeue_orphans()
                except DatabaseError:
                    log.warning("worker heartbeat: database unavailable; trying again")
                next_beat = time.monotonic() + beat_seconds()
            if settings.LIVE_BUSY_RATE > 0:
                aside.tick(live_busy(), time.monotonic())
            time.sleep(STEP_ASIDE_TICK_SECONDS)
    finally:
        if os.getppid() == parent:
            aside.release()


class Heartbeat:
    """Beats for one worker from a process of its own, and requeues the tasks of dead ones.

    A process, not a thread: a task in the idle class that holds the interpreter lock on a
    saturated machine would keep a heartbeat thread waiting for seconds, and its worker would be
    taken for dead. The heartbeat keeps the worker's nice priority and stops when the worker
    is gone, however it went. It also pauses the worker while live work is busy (``StepAside``).
    """

    def __init__(self, worker_id: str) -> None:
        self.worker_id = worker_id
        self.process: multiprocessing.process.BaseProcess | None = None

    def start(self) -> None:
        connections.close_all()  # the child opens its own
        context = multiprocessing.get_context("fork")
        self.process = context.Process(
            target=_beat_while_parent_lives,
            args=(self.worker_id, os.getpid()),
            name="worker-heartbeat",
            daemon=True,
        )
        self.process.start()

    def stop(self) -> None:
        if self.process is not None and self.process.is_alive():
            self.process.terminate()
            self.process.join(5)
