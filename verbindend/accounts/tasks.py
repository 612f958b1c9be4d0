"""Background jobs of accounts: mail goes out from the worker, not from the request."""

from __future__ import annotations

from crontask import cron
from django.tasks import task

# Defined beside the service it runs, so the service can enqueue it without an import circle;
# named here too, so jobs queued under this address before still find it.
from verbindend.accounts.services import send_invitation_email  # noqa: F401


@cron("17 3 * * *")
@task
def purge_stale_invitations() -> int:
    """Every night: forget invitations that expired unused more than 90 days ago."""
    from datetime import timedelta

    from django.utils import timezone

    from verbindend.accounts.models import Invitation

    cutoff = timezone.now() - timedelta(days=90)
    deleted, _ = Invitation.objects.filter(accepted_at__isnull=True, expires_at__lt=cutoff).delete()
    return deleted
