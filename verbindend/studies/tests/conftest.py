from __future__ import annotations

import pytest
from django.core.management import call_command


@pytest.fixture
def database_worker(settings: object) -> None:
    """Imports through the real queue and worker, with progress in between.

    Only for tests marked ``django_db(transaction=True)``: the worker commits and closes its
    connection, which a test wrapped in one transaction does not survive on PostgreSQL. Other
    tests run tasks at once (the project's test default).
    """
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # type: ignore[attr-defined]


def run_worker() -> None:
    """The real background worker, processing whatever was queued, then stopping."""
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
