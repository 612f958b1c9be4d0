"""Writes for accounts: invitations sent and accepted, roles granted."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from verbindend.accounts.models import Invitation, User
from verbindend.core import policy
from verbindend.core.errors import DomainError
from verbindend.core.roles import NetworkRoles, StudyRoles

if TYPE_CHECKING:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from verbindend.networks.models import Network, Person
    from verbindend.studies.models import Study


def start_two_factor(*, user: User, key: str) -> TOTPDevice:
    """Store the authenticator a person is setting up, unconfirmed until a code matches."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _created = TOTPDevice.objects.get_or_create(
        user=user, confirmed=False, defaults={"name": "authenticator", "key": key}
    )
    return device


def grant_network_role(*, user: User, network: Network, role: str) -> None:
    from verbindend.networks.models import NetworkRole

    if role not in NetworkRoles.values:
        raise DomainError("role.unknown", _("This role does not exist in a network."))
    NetworkRole.objects.get_or_create(user=user, network=network, role=role)
    policy.forget(user)


def grant_study_role(*, user: User, study: Study, role: str) -> None:
    from verbindend.studies.models import StudyRole

    if role not in StudyRoles.values:
        raise DomainError("role.unknown", _("This role does not exist in a study."))
    StudyRole.objects.get_or_create(user=user, study=study, role=role)
    policy.forget(user)


def invite(
    *,
    email: str,
    role: str,
    invited_by: User,
    network: Network | None = None,
    study: Study | None = None,
    person: Person | None = None,
    language: str | None = None,
) -> Invitation:
    """Create an invitation and email its link. One open invitation per address and scope."""
    email = email.strip().lower()
    if (network is None) == (study is None):
        raise ValueError("an invitation needs exactly one scope")
    valid_roles = NetworkRoles.values if network else StudyRoles.values
    if role not in valid_roles:
        raise DomainError("invitation.role", _("This role cannot be given in this place."))
    existing = Invitation.objects.usable().filter(email=email, network=network, study=study).first()
    if existing:
        existing.role = role
        existing.person = person or existing.person
        existing.save(update_fields=["role", "person"])
        invitation = existing
    else:
        invitation = Invitation.objects.create(
            email=email,
            role=role,
            invited_by=invited_by,
            network=network,
            study=study,
            person=person,
        )
    chosen = language or translation.get_language() or settings.LANGUAGE_CODE
    # Enqueued in the same transaction: the job exists exactly when the invitation does.
    send_invitation_email.enqueue(invitation.pk, chosen)
    return invitation


def send_invitation(invitation: Invitation, *, language: str | None = None) -> None:
    link = settings.SITE_URL.rstrip("/") + reverse("accounts:accept", args=[invitation.token])
    with translation.override(language or translation.get_language() or settings.LANGUAGE_CODE):
        context = {"invitation": invitation, "link": link}
        subject = _("You are invited to %(scope)s on Verbindend") % {"scope": invitation.scope}
        body = render_to_string("accounts/email/invitation.txt", context)
    send_mail(subject, body, None, [invitation.email])


@task
def send_invitation_email(invitation_id: int, language: str) -> None:
    """The invitation mail leaves from the worker, not from the request."""
    invitation = Invitation.objects.filter(pk=invitation_id).first()
    if invitation is not None and invitation.is_usable:
        send_invitation(invitation, language=language)


@transaction.atomic
def accept_invitation(
    *, invitation: Invitation, user: User | None = None, name: str = "", password: str = ""
) -> User:
    """Turn an invitation into a role: for the logged-in user, or for a new account."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_usable:
        raise DomainError(
            "invitation.unusable",
            _("This invitation has expired, was withdrawn or was already used."),
            status=410,
        )
    if user is not None and not invitation.is_for(user):
        raise DomainError(
            "invitation.other_address",
            _("This invitation was sent to another email address."),
            status=403,
        )
    if user is None:
        user = User.objects.filter(username__iexact=invitation.email).first()
        if user is None:
            first, _sep, last = name.strip().partition(" ")
            user = User.objects.create_user(
                username=invitation.email,
                email=invitation.email,
                password=password,
                first_name=first[:150],
                last_name=last[:150],
            )
    if invitation.network_id:
        grant_network_role(user=user, network=invitation.network, role=invitation.role)  # type: ignore[arg-type]
        if invitation.person_id and invitation.person.user_id is None:  # type: ignore[union-attr]
            invitation.person.user = user  # type: ignore[union-attr]
            invitation.person.save(update_fields=["user"])  # type: ignore[union-attr]
    else:
        grant_study_role(user=user, study=invitation.study, role=invitation.role)  # type: ignore[arg-type]
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return user
