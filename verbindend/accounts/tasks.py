"""Background jobs of accounts: mail goes out from the worker, not from the request."""

from __future__ import annotations

from crontask import cron
from django.tasks import task


@task
def send_invitation_email(invitation_id: int, language: str) -> None:
    from verbindend.accounts.models import Invitation
    from verbindend.accounts.services import send_invitation

    invitation = Invitation.objects.filter(pk=invitation_id).first()
    if invitation is not None and invitation.is_usable:
        send_invitation(invitation, language=language)


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
