"""Accounts' part in people's data rights: the login, its roles and invitations.

An erased account is pseudonymised, not deleted: codings and memos point at their coder with a
protected key, and the research record keeps who coded what under the pseudonym.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from verbindend.privacy.personal_data import DataSubject


def _invitations(subject: DataSubject) -> Any:
    from verbindend.accounts.models import Invitation

    query = Q(person__in=[p.pk for p in subject.people()])
    emails = subject.emails()
    if emails:
        for email in emails:
            query |= Q(email__iexact=email)
    if subject.user is not None:
        query |= Q(accepted_by=subject.user)
    return Invitation.objects.filter(query)


def export(subject: DataSubject) -> dict[str, list[dict[str, Any]]]:
    user = subject.user
    out: dict[str, list[dict[str, Any]]] = {"account": [], "roles": [], "invitations": []}
    if user is not None:
        out["account"] = [
            {
                "username": user.username,
                "email": user.email,
                "first_name": user.first_name,
                "last_name": user.last_name,
                "preferred_language": user.preferred_language,
                "joined": user.date_joined.isoformat(),
                "last_login": user.last_login.isoformat() if user.last_login else None,
            }
        ]
        out["roles"] = [
            {"network": str(r.network), "role": r.get_role_display()}
            for r in user.network_roles.select_related("network")
        ] + [
            {"study": str(r.study), "role": r.get_role_display()}
            for r in user.study_roles.select_related("study")
        ]
    out["invitations"] = [
        {
            "email": i.email,
            "to": str(i.scope),
            "role": i.role,
            "sent": i.created_at.isoformat(),
            "accepted": i.accepted_at.isoformat() if i.accepted_at else None,
        }
        for i in _invitations(subject).select_related("network", "study")
    ]
    return out


def erase(subject: DataSubject, *, pseudonym: str) -> None:
    _invitations(subject).delete()
    user = subject.user
    if user is None:
        return
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=user).delete()
    user.network_roles.all().delete()
    user.study_roles.all().delete()
    code = pseudonym.rsplit(" ", 1)[-1].lower()
    user.username = f"erased-{code}-{user.pk}@erased.invalid"
    user.email = ""
    user.first_name = pseudonym
    user.last_name = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.set_unusable_password()
    user.save()
