"""What the accounts app adds to the overview: invitations waiting for the person's address."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from verbindend.core import home


def connect() -> None:
    home.register("accounts.invitations", invitations_waiting)


def invitations_waiting(user: Any) -> Iterator[home.Task]:
    """Usable invitations sent to this account's address (a forwarded link never shows here)."""
    from verbindend.accounts.models import Invitation

    addresses = [a for a in (user.email, user.username) if a and "@" in a]
    if not addresses:
        return
    same_address = Q()
    for address in addresses:
        same_address |= Q(email__iexact=address)
    found = Invitation.objects.usable().filter(same_address).select_related("network", "study")
    for invitation in found.order_by("expires_at")[:10]:
        if not invitation.is_for(user):
            continue
        until = timezone.localtime(invitation.expires_at).date()
        yield home.Task(
            kind="invitation",
            title=_("Invitation as %(role)s") % {"role": invitation.get_role_display()},
            where=str(invitation.scope),
            url=reverse("accounts:accept", args=[invitation.token]),
            action=_("See the invitation"),
            detail=_("Valid until %(day)s.") % {"day": date_format(until, "DATE_FORMAT")},
            due=until,
            order=3,
        )
