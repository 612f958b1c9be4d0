"""Background workers that notice each other: heartbeats, and tasks of a dead worker run again.

``manage.py worker`` runs django-tasks-db's worker with a heartbeat thread beside it. Every
beat it also looks for tasks marked running by a worker whose heartbeat stopped (killed, out
of memory, its host gone) and puts them back in the queue, so another worker — or the same one
restarted — takes them up without anyone doing it by hand. A task that has been taken up
``TASK_MAX_ATTEMPTS`` times without finishing is marked failed instead, so a task that kills
its worker cannot do so forever. Tasks must therefore be safe to run again: the report and
import tasks pick up from what is already stored.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, close_old_connections, transaction
from django.tasks import TaskResultStatus
from django.utils import timezone

from verbindend.core.models import WorkerHeartbeat

log = logging.getLogger(__name__)


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


def beat(worker_id: str) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"host": socket.gethostname(), "pid": os.getpid(), "seen_at": timezone.now()},
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


class Heartbeat(threading.Thread):
    """Beats for one worker until stopped, and requeues the tasks of dead ones."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(name="worker-heartbeat", daemon=True)
        self.worker_id = worker_id
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                close_old_connections()
                beat(self.worker_id)
                requeue_orphans()
            except DatabaseError:
                log.warning("worker heartbeat: database unavailable; trying again")
            self.stopping.wait(beat_seconds())

    def stop(self) -> None:
        self.stopping.set()
