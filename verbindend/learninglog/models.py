"""A network's learning goals, its change-and-learning log and its knowledge-carrier map.

An entry starts from a change ("what do we do differently now?") and collects evidence for the
four cumulative conditions of collective learning. The conditions hold in turn, so an entry has
*reached* condition n only when conditions 1..n all have evidence; ``reached`` is stored so
that the overview can count and filter in the database.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from verbindend.accounts.models import User

#: The four conditions in the order they must hold (method content keys).
CONDITIONS: tuple[str, ...] = (
    "condition.learned",
    "condition.shared",
    "condition.collective_behaviour",
    "condition.anchored",
)
#: Entry field holding the evidence for each condition, in the same order.
EVIDENCE_FIELDS: tuple[str, ...] = (
    "evidence_learned",
    "evidence_shared",
    "evidence_behaviour",
    "evidence_anchored",
)
TEXT_MAX = 5000


class _NetworkScoped(models.QuerySet[Any]):
    def visible_to(self, user: User) -> Any:
        """Rows of the networks the user may see."""
        from verbindend.networks.models import Network

        if not user.is_authenticated:
            return self.none()
        return self.filter(network__in=Network.objects.visible_to(user))


class GoalStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    REACHED = "reached", _("Reached")
    PAUSED = "paused", _("Paused")
    DROPPED = "dropped", _("Dropped")


class GoalQuerySet(_NetworkScoped):
    pass


class LearningGoal(models.Model):
    """What the network wants to learn, beside its general goals; revisited over time."""

    network = models.ForeignKey(
        "networks.Network", on_delete=models.CASCADE, related_name="learning_goals"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=TEXT_MAX, blank=True)
    principles = models.JSONField(_("principles"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=GoalStatus, default=GoalStatus.ACTIVE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = GoalQuerySet.as_manager()

    class Meta:
        verbose_name = _("learning goal")
        verbose_name_plural = _("learning goals")
        ordering = ["status", "title", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("learninglog:goal", args=[self.pk])


class Progress(models.TextChoices):
    NONE = "none", _("No progress yet")
    SOME = "some", _("Some progress")
    GOOD = "good", _("Good progress")
    REACHED = "reached", _("Goal reached")


class RevisitQuerySet(models.QuerySet["GoalRevisit"]):
    def visible_to(self, user: User) -> RevisitQuerySet:
        return self.filter(goal__in=LearningGoal.objects.visible_to(user))


class GoalRevisit(models.Model):
    """A dated look back at a goal: how far along are we, and what did we notice?"""

    goal = models.ForeignKey(LearningGoal, on_delete=models.CASCADE, related_name="revisits")
    on = models.DateField(_("date"), default=timezone.localdate)
    progress = models.CharField(_("progress"), max_length=10, choices=Progress)
    note = models.TextField(_("note"), max_length=TEXT_MAX, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RevisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("revisit")
        verbose_name_plural = _("revisits")
        ordering = ["-on", "-pk"]

    def __str__(self) -> str:
        return f"{self.goal} · {self.on}"

    @property
    def policy_scope(self) -> Any:
        return self.goal.network


class EntryStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    RECORDED = "recorded", _("Recorded")


class EntryQuerySet(_NetworkScoped):
    def reached_at_least(self, n: int) -> EntryQuerySet:
        return self.filter(reached__gte=n)


class Entry(models.Model):
    """One change the network noticed, with evidence for each of the four conditions."""

    network = models.ForeignKey(
        "networks.Network", on_delete=models.CASCADE, related_name="log_entries"
    )
    title = models.CharField(_("what do we do differently now?"), max_length=200)
    change = models.TextField(_("the change in a few sentences"), max_length=TEXT_MAX, blank=True)
    happened_on = models.DateField(_("when"), default=timezone.localdate)
    status = models.CharField(
        _("status"), max_length=10, choices=EntryStatus, default=EntryStatus.RECORDED
    )
    involved = models.CharField(
        _("who was involved"),
        max_length=500,
        blank=True,
        help_text=_("Names, roles or teams, as you would say them."),
    )
    people = models.ManyToManyField(
        "networks.Person", blank=True, related_name="log_entries", verbose_name=_("people")
    )
    organisations = models.ManyToManyField(
        "networks.Organisation",
        blank=True,
        related_name="log_entries",
        verbose_name=_("organisations"),
    )
    levels = models.JSONField(_("levels"), default=list, blank=True)
    knowledge_types = models.JSONField(_("knowledge types"), default=list, blank=True)
    principles = models.JSONField(_("principles"), default=list, blank=True)
    goal = models.ForeignKey(
        LearningGoal,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="entries",
        verbose_name=_("learning goal"),
    )
    evidence_learned = models.TextField(max_length=TEXT_MAX, blank=True)
    evidence_shared = models.TextField(max_length=TEXT_MAX, blank=True)
    evidence_behaviour = models.TextField(max_length=TEXT_MAX, blank=True)
    evidence_anchored = models.TextField(max_length=TEXT_MAX, blank=True)
    anchor_places = models.JSONField(_("where it is anchored"), default=list, blank=True)
    reached = models.PositiveSmallIntegerField(default=0, db_index=True, editable=False)
    source_contribution = models.ForeignKey(
        "live.Contribution", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source_moment = models.ForeignKey(
        "historyline.Moment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source_label = models.CharField(_("source"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("log entry")
        verbose_name_plural = _("log entries")
        ordering = ["-happened_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "source_contribution"],
                condition=Q(source_contribution__isnull=False, created_by__isnull=False),
                name="learninglog_one_entry_per_contribution_and_author",
            ),
            models.UniqueConstraint(
                fields=["created_by", "source_moment"],
                condition=Q(source_moment__isnull=False, created_by__isnull=False),
                name="learninglog_one_entry_per_moment_and_author",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.reached = self.compute_reached()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "reached" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "reached"]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("learninglog:entry", args=[self.pk])

    def evidence(self) -> list[str]:
        return [getattr(self, name) for name in EVIDENCE_FIELDS]

    def compute_reached(self) -> int:
        """The highest n for which conditions 1..n all have evidence (0: none yet)."""
        reached = 0
        for text in self.evidence():
            if not text.strip():
                break
            reached += 1
        return reached


class CarrierKind(models.TextChoices):
    PERSON = "person", _("Person")
    SYSTEM = "system", _("Technical system")
    ORGANISATIONAL = "organisational", _("The network's way of working")


#: Each carrier kind's method content node.
CARRIER_KEYS: dict[str, str] = {
    CarrierKind.PERSON: "carrier.people",
    CarrierKind.SYSTEM: "carrier.technical_systems",
    CarrierKind.ORGANISATIONAL: "carrier.management_system",
}


class CarrierQuerySet(_NetworkScoped):
    pass


class Carrier(models.Model):
    """Someone or something that carries part of the network's knowledge."""

    network = models.ForeignKey(
        "networks.Network", on_delete=models.CASCADE, related_name="knowledge_carriers"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CarrierKind)
    name = models.CharField(_("name"), max_length=200)
    person = models.ForeignKey(
        "networks.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="knowledge_carriers",
        verbose_name=_("person in the network"),
    )
    description = models.TextField(_("what it carries"), max_length=TEXT_MAX, blank=True)
    knowledge_types = models.JSONField(_("knowledge types"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CarrierQuerySet.as_manager()

    class Meta:
        verbose_name = _("knowledge carrier")
        verbose_name_plural = _("knowledge carriers")
        ordering = ["kind", "name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def content_key(self) -> str:
        return CARRIER_KEYS[self.kind]


class MilestoneQuerySet(_NetworkScoped):
    def to_celebrate(self) -> MilestoneQuerySet:
        return self.filter(celebrated_at__isnull=True)


class Milestone(models.Model):
    """A change that reached "anchored", or a goal that was reached: a moment to celebrate.

    Principle 2 asks to name changes and celebrate them at the right time; a milestone is made
    once per entry or goal, shown on the network's page and in the next report, and can be put on
    the agenda of the network's next live session with one click.
    """

    network = models.ForeignKey(
        "networks.Network", on_delete=models.CASCADE, related_name="milestones"
    )
    entry = models.OneToOneField(
        Entry, null=True, blank=True, on_delete=models.CASCADE, related_name="milestone"
    )
    goal = models.OneToOneField(
        LearningGoal, null=True, blank=True, on_delete=models.CASCADE, related_name="milestone"
    )
    title = models.CharField(_("title"), max_length=200)
    reached_on = models.DateField(_("reached on"), default=timezone.localdate)
    celebrated_at = models.DateTimeField(_("celebrated at"), null=True, blank=True)
    celebrate_in = models.CharField(_("celebrated in"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["-reached_on", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        if self.entry_id:
            return reverse("learninglog:entry", args=[self.entry_id])
        if self.goal_id:
            return reverse("learninglog:goal", args=[self.goal_id])
        return reverse("learninglog:network", args=[self.network.slug])
