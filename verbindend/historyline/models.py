"""The history-line exercise: a time axis, one drawn line per person, and their marked moments.

Points are stored as ``[day_offset, value]`` pairs (days since the exercise's start date, value
0–100), so a line stays meaningful if the facilitator later widens the axis.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from verbindend.core.scopes import Scoped, ScopedQuerySet, one_scope

if TYPE_CHECKING:
    from verbindend.accounts.models import User

DEFAULT_TOLERANCE_DAYS = 90


class ExerciseQuerySet(ScopedQuerySet):
    """Exercises of a network or a study the user may see."""

    def with_line_count(self) -> ExerciseQuerySet:
        return self.annotate(line_count=models.Count("lines"))


class Exercise(Scoped):
    """One history-line exercise, owned by a network or by a study (exactly one of the two)."""

    network = models.ForeignKey(
        "networks.Network",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="history_exercises",
    )
    study = models.ForeignKey(
        "studies.Study",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="history_exercises",
    )
    title = models.CharField(_("title"), max_length=200)
    start_date = models.DateField(_("start of the time axis"))
    end_date = models.DateField(_("end of the time axis"), default=timezone.localdate)
    milestones = models.JSONField(_("milestones"), default=list, blank=True)
    tolerance_days = models.PositiveIntegerField(
        _("tolerance for shared moments (days)"), default=DEFAULT_TOLERANCE_DAYS
    )
    live_step_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ExerciseQuerySet.as_manager()

    class Meta:
        verbose_name = _("history-line exercise")
        verbose_name_plural = _("history-line exercises")
        ordering = ["-created_at", "-pk"]
        constraints = [
            one_scope("history_exercise_one_scope"),
            models.CheckConstraint(
                condition=Q(end_date__gt=models.F("start_date")),
                name="history_exercise_axis_forward",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("historyline:detail", args=[self.pk])

    @property
    def span_days(self) -> int:
        return max(1, (self.end_date - self.start_date).days)

    def day_of(self, when: date) -> int:
        return (when - self.start_date).days

    def date_at(self, day: float) -> date:
        return self.start_date + timedelta(days=round(day))

    def milestone_days(self) -> list[tuple[int, str]]:
        out = []
        for item in self.milestones:
            try:
                out.append((self.day_of(date.fromisoformat(item["date"])), str(item["label"])))
            except (KeyError, TypeError, ValueError):
                continue
        return out


class LineQuerySet(models.QuerySet["Line"]):
    def visible_to(self, user: User) -> LineQuerySet:
        return self.filter(exercise__in=Exercise.objects.visible_to(user))


class Line(models.Model):
    """One person's line in one exercise; the respondent's attributes as they were when drawn."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="lines")
    participant_key = models.CharField(max_length=80)
    pseudonym = models.CharField(_("pseudonym"), max_length=40)
    person = models.ForeignKey(
        "networks.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(
        "networks.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    role = models.CharField(_("role in the network"), max_length=20, blank=True)
    points = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LineQuerySet.as_manager()

    class Meta:
        verbose_name = _("history line")
        verbose_name_plural = _("history lines")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["exercise", "participant_key"], name="history_line_one_per_participant"
            )
        ]

    def __str__(self) -> str:
        return self.pseudonym

    @property
    def policy_scope(self) -> Any:
        return self.exercise.policy_scope


class MomentKind(models.TextChoices):
    PEAK = "peak", _("Peak")
    VALLEY = "valley", _("Valley")


class MomentQuerySet(models.QuerySet["Moment"]):
    def visible_to(self, user: User) -> MomentQuerySet:
        return self.filter(line__exercise__in=Exercise.objects.visible_to(user))


class Moment(models.Model):
    """A peak or valley someone marked on their line, with its story and the three answers."""

    line = models.ForeignKey(Line, on_delete=models.CASCADE, related_name="moments")
    on = models.DateField(_("date"))
    value = models.FloatField(_("height"))
    kind = models.CharField(_("kind"), max_length=10, choices=MomentKind)
    title = models.CharField(_("title"), max_length=200)
    story = models.TextField(_("story"), max_length=5000, blank=True)
    answer_peaks = models.TextField(max_length=5000, blank=True)
    answer_valleys = models.TextField(max_length=5000, blank=True)
    answer_red_thread = models.TextField(max_length=5000, blank=True)
    level = models.CharField(_("level"), max_length=40, blank=True)
    principle = models.CharField(_("principle"), max_length=40, blank=True)
    condition = models.CharField(_("condition"), max_length=40, blank=True)
    knowledge = models.CharField(_("knowledge type"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MomentQuerySet.as_manager()

    class Meta:
        verbose_name = _("moment")
        verbose_name_plural = _("moments")
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def policy_scope(self) -> Any:
        return self.line.exercise.policy_scope

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.pk,
            "date": self.on.isoformat(),
            "day": self.line.exercise.day_of(self.on),
            "value": self.value,
            "kind": self.kind,
            "title": self.title,
            "story": self.story,
            "answers": {
                "q_peaks": self.answer_peaks,
                "q_valleys": self.answer_valleys,
                "q_red_thread": self.answer_red_thread,
            },
            "level": self.level,
            "principle": self.principle,
            "condition": self.condition,
            "knowledge": self.knowledge,
        }
