"""``/metrics``: every registered figure in Prometheus format, summed over server processes.

Apps register their figures with prometheus-client at import; the background work waiting in
the task queue and the workers' heartbeats are read from the database when scraped.
"""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Iterator

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector


class TaskQueueCollector(Collector):
    """Background tasks waiting and running, and the workers alive, read when scraped."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from django.tasks import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        from verbindend.core.workers import alive_workers

        tasks = GaugeMetricFamily(
            "verbindend_tasks",
            "Background tasks by status (queue depth: ready).",
            labels=["status"],
        )
        for status in (TaskResultStatus.READY, TaskResultStatus.RUNNING):
            tasks.add_metric(
                [status.value.lower()], DBTaskResult.objects.filter(status=status).count()
            )
        yield tasks
        yield GaugeMetricFamily(
            "verbindend_workers_alive",
            "Background workers with a recent heartbeat.",
            value=len(alive_workers()),
        )


def multiprocess_dir() -> str:
    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
    return path if path and os.path.isdir(path) else ""


def forget_dead_processes() -> None:
    """Drop the live gauges of server processes that are gone (a restarted worker's streams)."""
    path = multiprocess_dir()
    if not path:
        return
    for name in glob.glob(os.path.join(path, "gauge_live*_*.db")):
        found = re.search(r"_(\d+)\.db$", name)
        if found and not _alive(int(found[1])):
            multiprocess.mark_process_dead(int(found[1]), path)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


_registered = False


def render() -> tuple[bytes, str]:
    """The exposition text and its content type."""
    global _registered
    if multiprocess_dir():
        forget_dead_processes()
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(TaskQueueCollector())
        return generate_latest(registry), CONTENT_TYPE_LATEST
    if not _registered:
        REGISTRY.register(TaskQueueCollector())
        _registered = True
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
