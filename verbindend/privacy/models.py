"""Consent per purpose, recorded with the version of the text that was agreed to."""

from __future__ import annotations

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
    purpose = models.CharField(_("purpose"), max_length=30, choices=ConsentPurpose.choices)
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
