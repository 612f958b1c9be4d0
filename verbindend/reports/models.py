"""Kept versions of rendered reports: what was asked, how far rendering got, and the files."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from verbindend.core.scopes import Scoped, ScopedQuerySet, one_scope
from verbindend.reports.audiences import Audience

if TYPE_CHECKING:
    pass


#: a version that is still not made this long after it was asked for may be tried again
STALLED_AFTER = timedelta(minutes=15)


class ReportKind(models.TextChoices):
    NETWORK = "network", _("Network learning report")
    STUDY = "study", _("Study report")


class ReportStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    RUNNING = "running", _("Rendering")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class ReportLanguage(models.TextChoices):
    NL = "nl", "Nederlands"
    EN = "en", "English"


class ReportVersionQuerySet(ScopedQuerySet):
    """Versions of the networks and studies the user may see (the policy decides the rest)."""

    def finished(self) -> ReportVersionQuerySet:
        return self.filter(status=ReportStatus.DONE)


def _path(instance: ReportVersion, filename: str) -> str:
    scope = (
        f"network-{instance.network_id}" if instance.network_id else f"study-{instance.study_id}"
    )
    return f"reports/{scope}/{instance.pk}/{filename}"


class ReportVersion(Scoped):
    """One rendering of a report; every version is kept until someone deletes it."""

    kind = models.CharField(_("kind"), max_length=10, choices=ReportKind)
    network = models.ForeignKey(
        "networks.Network",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="report_versions",
    )
    study = models.ForeignKey(
        "studies.Study",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="report_versions",
    )
    start = models.DateField(_("from"), null=True, blank=True)
    end = models.DateField(_("to"), null=True, blank=True)
    audience = models.CharField(
        _("audience"), max_length=10, choices=Audience.choices, default=Audience.MEMBERS
    )
    sections = models.JSONField(_("sections"), default=list)
    language = models.CharField(
        _("language"), max_length=5, choices=ReportLanguage, default=ReportLanguage.NL
    )
    status = models.CharField(max_length=10, choices=ReportStatus, default=ReportStatus.WAITING)
    progress = models.PositiveSmallIntegerField(default=0)
    step = models.CharField(max_length=200, blank=True)
    error = models.CharField(max_length=500, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    html = models.FileField(upload_to=_path, blank=True, max_length=300)
    pdf = models.FileField(upload_to=_path, blank=True, max_length=300)
    pages = models.PositiveIntegerField(default=0)
    redacted = models.BooleanField(default=False)

    objects = ReportVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("report version")
        verbose_name_plural = _("report versions")
        ordering = ["-created_at", "-pk"]
        constraints = [one_scope("report_version_one_scope")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.scope} · {self.created_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return self._url("version")

    @property
    def finished(self) -> bool:
        return self.status in {ReportStatus.DONE, ReportStatus.FAILED}

    @property
    def stalled(self) -> bool:
        """Not finished long after it was asked for: the worker stopped or never ran."""
        return not self.finished and timezone.now() - self.created_at > STALLED_AFTER

    @property
    def retry_url(self) -> str:
        return self._url("retry")

    def _url(self, name: str) -> str:
        return reverse(f"reports:{self.scope_kind}_{name}", args=[self.scope.slug, self.pk])

    def html_url(self) -> str:
        return self._url("html")

    def pdf_url(self) -> str:
        return self._url("pdf")

    def delete_url(self) -> str:
        return self._url("delete")
