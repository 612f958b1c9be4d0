"""Accounts: people who log in, and the invitations that bring them in."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from verbindend.core.roles import NetworkRoles, StudyRoles
from verbindend.core.scopes import Scoped, ScopedQuerySet, one_scope


class EmailUserManager(UserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(username__iexact=username)


class User(AbstractUser):
    """A person with a login. The username is their email address."""

    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, blank=True
    )

    objects = EmailUserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.email or self.username


def new_token() -> str:
    return secrets.token_urlsafe(32)


def default_expiry() -> object:
    return timezone.now() + timedelta(days=settings.INVITATION_DAYS)


class InvitationQuerySet(ScopedQuerySet):
    def pending(self) -> InvitationQuerySet:
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True)

    def usable(self) -> InvitationQuerySet:
        return self.pending().filter(expires_at__gt=timezone.now())


class Invitation(Scoped):
    """An emailed link that gives its holder one role in one network or one study."""

    email = models.EmailField(_("email"))
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    network = models.ForeignKey(
        "networks.Network",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    study = models.ForeignKey(
        "studies.Study", null=True, blank=True, on_delete=models.CASCADE, related_name="invitations"
    )
    role = models.CharField(
        _("role"), max_length=20, choices=NetworkRoles.choices + StudyRoles.choices
    )
    person = models.ForeignKey(
        "networks.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitations",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=default_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [one_scope("invitation_one_scope")]

    def __str__(self) -> str:
        return f"{self.email} → {self.scope} ({self.role})"

    def is_for(self, user: models.Model) -> bool:
        """Only the account of the invited address may use it: a forwarded link gives nothing."""
        invited = self.email.strip().casefold()
        addresses = {str(getattr(user, "email", "") or ""), str(getattr(user, "username", ""))}
        return invited in {address.strip().casefold() for address in addresses if address}

    @property
    def masked_email(self) -> str:
        """The invited address with most of its name hidden, to tell who it was for."""
        name, _at, domain = self.email.partition("@")
        return f"{name[:1]}•••@{domain}"

    @property
    def is_usable(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )
