"""The ground floor's own tables: only what every app's background work shares."""

from __future__ import annotations

from django.db import models


class WorkerHeartbeat(models.Model):
    """A background worker's sign of life: written every few seconds while it runs.

    Readiness checks it, and a task whose worker stopped beating is queued again by the others.
    """

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(auto_now_add=True)
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.host}:{self.pid})"
