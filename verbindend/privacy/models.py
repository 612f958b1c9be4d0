"""People's data rights: consent per purpose and its texts, pseudonyms, the audit log, retention."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class ConsentPurpose(models.TextChoices):
    PARTICIPATION = "participation", _("Taking part in the network's learning activities")
    RESEARCH = "research", _("Use of contributions in research")
    RECORDING = "recording", _("Recording and transcribing interviews")
    QUOTING = "quoting", _("Quoting under a pseudonym in reports")


class ConsentRecordQuerySet(models.QuerySet["ConsentRecord"]):
    def active(self) -> ConsentRecordQuerySet:
        return self.filter(withdrawn_at__isnull=True)

    def visible_to(self, user: object) -> ConsentRecordQuerySet:
        from verbindend.networks.models import Network

        return self.filter(person__network__in=Network.objects.visible_to(user))  # type: ignore[arg-type]


class ConsentRecord(models.Model):
    person = models.ForeignKey("networks.Person", on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=30, choices=ConsentPurpose)
    text_version = models.CharField(_("version of the consent text"), max_length=40)
    given_at = models.DateTimeField(_("given at"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    objects = ConsentRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["-given_at"]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_purpose_display()}"

    @property
    def network(self) -> models.Model:
        return self.person.network


class ConsentTextQuerySet(models.QuerySet["ConsentText"]):
    def published(self) -> ConsentTextQuerySet:
        from django.utils import timezone

        return self.filter(published_on__lte=timezone.localdate())

    def current(self, purpose: str) -> ConsentText | None:
        """The newest published version of a purpose's text: the one shown when consent is given."""
        return self.published().filter(purpose=purpose).order_by("-published_on", "-pk").first()


class ConsentText(models.Model):
    """One version of the text a person agrees to for one purpose, in Dutch and English.

    Versions are never edited once people agreed to them: a change is a new version, so every
    consent record keeps pointing at the words that were actually shown.
    """

    purpose = models.CharField(_("purpose"), max_length=30, choices=ConsentPurpose)
    version = models.CharField(_("version"), max_length=40)
    text_nl = models.TextField(_("text (Dutch)"), max_length=5000)
    text_en = models.TextField(_("text (English)"), max_length=5000)
    published_on = models.DateField(_("published on"))

    objects = ConsentTextQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent text")
        verbose_name_plural = _("consent texts")
        ordering = ["purpose", "-published_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["purpose", "version"], name="unique_consent_version")
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} · {self.version}"

    def text(self, language: str | None = None) -> str:
        from django.utils.translation import get_language

        return (
            self.text_en if (language or get_language() or "nl").startswith("en") else self.text_nl
        )


class Pseudonym(models.Model):
    """The stable stand-in for an erased person: the same person always gets the same label.

    Linked to whichever of the person record, the account and the live participant were erased,
    so a later erasure of a linked record reuses the label instead of inventing a second one.
    """

    code = models.CharField(max_length=8, unique=True)
    label = models.CharField(max_length=40)
    person = models.OneToOneField(
        "networks.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    participant = models.OneToOneField(
        "live.Participant", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pseudonym")
        verbose_name_plural = _("pseudonyms")

    def __str__(self) -> str:
        return self.label


class AuditAction(models.TextChoices):
    VIEWED = "viewed", _("Viewed")
    EXPORTED = "exported", _("Exported")
    ERASED = "erased", _("Erased")
    CONSENT = "consent", _("Consent changed")
    PURGED = "purged", _("Purged by retention")


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def visible_to(self, user: object) -> AuditEventQuerySet:
        """Site admins see everything; coordinators see their networks' events."""
        from verbindend.core.roles import NetworkRoles

        if not getattr(user, "is_authenticated", False):
            return self.none()
        if getattr(user, "is_superuser", False):
            return self.all()
        return self.filter(
            network__roles__user=user, network__roles__role=NetworkRoles.COORDINATOR
        ).distinct()


class AuditEvent(models.Model):
    """Who viewed, exported, erased or changed consent on whose data, and when.

    It names the subject by type and id only (never by name or address) and keeps no IP
    address, so the log itself holds no one's personal data beyond the actor's account.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("who"),
    )
    action = models.CharField(_("action"), max_length=20, choices=AuditAction)
    subject_type = models.CharField(_("what"), max_length=40)
    subject_id = models.CharField(_("which"), max_length=64, blank=True)
    detail = models.CharField(_("detail"), max_length=120, blank=True)
    network = models.ForeignKey(
        "networks.Network",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("network"),
    )
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["network", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.subject_type}#{self.subject_id}"

    @property
    def detail_label(self) -> str:
        """Known details in the reader's language; anything else (file formats) as stored."""
        purposes = dict(ConsentPurpose.choices)
        if self.detail in purposes:
            return str(purposes[self.detail])
        if self.detail.startswith("-") and self.detail[1:] in purposes:
            return _("withdrawn: %(purpose)s") % {"purpose": purposes[self.detail[1:]]}
        known = {
            "people list": _("list of people"),
            "respondents": _("respondents"),
            "transcript": _("transcript"),
            "study": _("study"),
        }
        return str(known.get(self.detail, self.detail))

    @property
    def subject_label(self) -> str:
        """The kind of record in the reader's language ("persoon", "netwerk"), never a key."""
        from django.apps import apps

        for model in apps.get_models():
            if model._meta.model_name == self.subject_type:
                return str(model._meta.verbose_name)
        return self.subject_type


DEFAULT_RETENTION_MONTHS = 24


class RetentionPolicy(models.Model):
    """How long a network keeps data of people who left, closed sessions and the audit log."""

    network = models.OneToOneField(
        "networks.Network", on_delete=models.CASCADE, related_name="retention"
    )
    months = models.PositiveSmallIntegerField(
        _("keep for (months)"),
        default=DEFAULT_RETENTION_MONTHS,
        validators=[MinValueValidator(1), MaxValueValidator(240)],
        help_text=_(
            "After this many months, people who left are erased, free text of closed live "
            "sessions is removed and old audit events are deleted."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("retention period")
        verbose_name_plural = _("retention periods")

    def __str__(self) -> str:
        return f"{self.network} · {self.months}"

    @property
    def policy_scope(self) -> models.Model:
        return self.network
