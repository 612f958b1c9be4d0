"""Notices: what happened that concerns a person, kept in their inbox and mailed as they chose."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from verbindend.notices.kinds import Mode

if TYPE_CHECKING:
    from verbindend.accounts.models import User


class NoticeQuerySet(models.QuerySet["Notice"]):
    def visible_to(self, user: User) -> NoticeQuerySet:
        """A notice is its recipient's alone."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(recipient=user)

    def unread(self) -> NoticeQuerySet:
        return self.filter(read_at__isnull=True)


class Notice(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), max_length=2000, blank=True)
    #: The title and text in every interface language, so the inbox follows the reader's choice.
    texts = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=500, blank=True)
    where = models.CharField(_("network or study"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    #: When it left by email (alone or in a digest); empty while waiting or when no mail is due.
    emailed_at = models.DateTimeField(null=True, blank=True)
    #: How email was due when the notice was made: immediately, digest or off.
    email_mode = models.CharField(max_length=20, choices=Mode.choices, default=Mode.OFF)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notice_recipient_unread")]

    def __str__(self) -> str:
        return self.title

    def _text(self, field: str) -> str:
        from django.utils.translation import get_language

        shown = self.texts.get(get_language() or "", {})
        return str(shown.get(field) or getattr(self, field))

    @property
    def shown_title(self) -> str:
        return self._text("title")

    @property
    def shown_body(self) -> str:
        return self._text("body")


class NoticePreference(models.Model):
    """One person's choice for one kind; without a row the kind's default applies."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preferences"
    )
    kind = models.CharField(max_length=40)
    mode = models.CharField(_("email"), max_length=20, choices=Mode.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_notice_preference_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.kind} · {self.mode}"


class ContactConsent(models.Model):
    """A person's agreement to be contacted by email; without it, no notice is mailed."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contact_consent"
    )
    given_at = models.DateTimeField(_("given at"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent to be contacted by email")
        verbose_name_plural = _("consents to be contacted by email")

    def __str__(self) -> str:
        return f"{self.user} · {self.given_at:%Y-%m-%d}"

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None
