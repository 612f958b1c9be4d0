"""Background jobs of privacy: the nightly retention purge (see ``privacy/retention.py``)."""

from __future__ import annotations

from crontask import cron
from django.tasks import task


@cron("41 3 * * *")
@task
def purge_expired_data() -> dict[str, object]:
    """Every night: apply each network's retention period."""
    from dataclasses import asdict

    from verbindend.privacy.retention import purge

    return asdict(purge())
