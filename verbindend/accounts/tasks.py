"""Background jobs of accounts: mail goes out from the worker, not from the request."""

from __future__ import annotations

from django.tasks import task


@task
def send_invitation_email(invitation_id: int, language: str) -> None:
    from verbindend.accounts.models import Invitation
    from verbindend.accounts.services import send_invitation

    invitation = Invitation.objects.filter(pk=invitation_id).first()
    if invitation is not None and invitation.is_usable:
        send_invitation(invitation, language=language)
