"""``manage.py worker``: django-tasks-db's worker, with a heartbeat and recovery of tasks whose
worker died (see ``verbindend.core.workers``). Takes the same options as ``db_worker``."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand

from verbindend.core.workers import Heartbeat, yield_cpu


class Command(DBWorkerCommand):
    help = "Run background tasks; beat a heartbeat and queue again the tasks of a dead worker."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.WORKER_NICE > 0:
            os.nice(settings.WORKER_NICE)
        heartbeat = Heartbeat(options["worker_id"])
        heartbeat.start()
        yield_cpu()  # after the heartbeat started: it keeps the process's priority
        try:
            super().handle(*args, **options)
        finally:
            heartbeat.stop()
