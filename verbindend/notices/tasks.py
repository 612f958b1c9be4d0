"""Notice mail leaves from the worker: one at a time when asked, and a daily digest."""

from __future__ import annotations

from crontask import cron
from django.tasks import task

from verbindend.notices import services

# Defined beside the service it runs, so the service can enqueue it without an import circle;
# named here too, so jobs queued under this address before still find it.
from verbindend.notices.services import send_notice  # noqa: F401


@cron("0 7 * * *")
@task
def send_daily_digests() -> int:
    """Every morning, one email per person with the notices they chose to receive as a digest."""
    return services.send_digests()
