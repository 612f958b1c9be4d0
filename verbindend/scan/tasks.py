"""Periodic scan work, run by the scheduler (`manage.py crontask`) on the tasks backend."""

from __future__ import annotations

from crontask import cron
from django.tasks import task

from verbindend.scan import services


@cron("*/15 * * * *")
@task
def close_due_rounds() -> int:
    """Close every round whose close date has passed."""
    return services.close_due_rounds()


@cron("0 * * * *")
@task
def send_reminders() -> int:
    """Remind invited people who have not finished (at most once per round's interval)."""
    return services.send_reminders()
