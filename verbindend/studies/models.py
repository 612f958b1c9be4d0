"""Research studies (and trainings), their team, and the networks that are their cases."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from verbindend.core.roles import StudyRoles

if TYPE_CHECKING:
    from verbindend.accounts.models import User


class StudyKind(models.TextChoices):
    RESEARCH = "research", _("Research study")
    TRAINING = "training", _("Training")


class StudyQuerySet(models.QuerySet["Study"]):
    def visible_to(self, user: User) -> StudyQuerySet:
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(roles__user=user).distinct()

    def using_network(self, network: object) -> StudyQuerySet:
        return self.filter(cases__network=network).distinct()


class Study(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=StudyKind.choices, default=StudyKind.RESEARCH
    )
    description = models.TextField(_("description"), max_length=5000, blank=True)
    research_questions = models.TextField(_("research questions"), max_length=5000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = StudyQuerySet.as_manager()

    class Meta:
        verbose_name = _("study")
        verbose_name_plural = _("studies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("studies:detail", args=[self.slug])

    @property
    def study(self) -> Study:
        return self


class StudyRoleQuerySet(models.QuerySet["StudyRole"]):
    def visible_to(self, user: User) -> StudyRoleQuerySet:
        return self.filter(study__in=Study.objects.visible_to(user))


class StudyRole(models.Model):
    """Grants a user one role in one study (trainers hold the researcher role)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="study_roles"
    )
    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=20, choices=StudyRoles.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = StudyRoleQuerySet.as_manager()

    class Meta:
        verbose_name = _("study role")
        verbose_name_plural = _("study roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "study", "role"], name="unique_study_role")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.study}"


class CaseStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    AGREED = "agreed", _("Agreed")
    DECLINED = "declined", _("Declined")


class CaseQuerySet(models.QuerySet["Case"]):
    def agreed(self) -> CaseQuerySet:
        return self.filter(status=CaseStatus.AGREED)

    def visible_to(self, user: User) -> CaseQuerySet:
        """Cases of the user's studies, and cases of networks the user coordinates."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        from verbindend.core.roles import NetworkRoles

        return self.filter(
            models.Q(study__roles__user=user)
            | models.Q(network__roles__user=user, network__roles__role=NetworkRoles.COORDINATOR)
        ).distinct()


class Case(models.Model):
    """A network taking part in a study; its coordinator's agreement opens its material."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="cases")
    network = models.ForeignKey("networks.Network", on_delete=models.CASCADE, related_name="cases")
    status = models.CharField(
        _("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.PROPOSED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [models.UniqueConstraint(fields=["study", "network"], name="unique_case")]

    def __str__(self) -> str:
        return f"{self.network} in {self.study}"

    @property
    def policy_scope(self) -> models.Model:
        """Taking part is the network's decision, so a case answers to the network's rules."""
        return self.network
