"""Notice mail leaves from the worker: one at a time when asked, and a daily digest."""

from __future__ import annotations

from crontask import cron
from django.tasks import task

from verbindend.notices import services


@task
def send_notice(notice_id: int) -> bool:
    return services.send_one(notice_id)


@cron("0 7 * * *")
@task
def send_daily_digests() -> int:
    """Every morning, one email per person with the notices they chose to receive as a digest."""
    return services.send_digests()
