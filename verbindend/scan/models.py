"""The five-principle scan: rounds, invitations, responses, answers and comments.

A round belongs to one network and records the content version and the item keys it used, so
its results stay comparable after the method content changes. A response belongs to a round and
carries the respondent's organisation and role attributes as they were when given.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from verbindend.networks.models import (
    Engagement,
    LeadRole,
    Network,
    Organisation,
    Person,
    Tenure,
)

if TYPE_CHECKING:
    from verbindend.accounts.models import User

#: Characters of a round's share code: no 0/O, 1/I/L that people confuse.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
UNKNOWN = "unknown"


def new_token() -> str:
    return secrets.token_urlsafe(32)


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def principle_of(item_key: str) -> str:
    """'scan.p3.s2' → 'principle.p3' (the scan sections follow the principles' numbering)."""
    return "principle." + item_key.split(".")[1]


class RoundQuerySet(models.QuerySet["Round"]):
    def visible_to(self, user: User) -> RoundQuerySet:
        return self.filter(network__in=Network.objects.visible_to(user))

    def due_to_close(self, today: object = None) -> RoundQuerySet:
        return self.filter(closed_at__isnull=True, closes_on__lt=today or timezone.localdate())


class Round(models.Model):
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="scan_rounds")
    title = models.CharField(_("title"), max_length=200)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"), help_text=_("The round closes after this day."))
    k = models.PositiveSmallIntegerField(
        _("smallest group shown"),
        default=5,
        validators=[MinValueValidator(5), MaxValueValidator(100)],
        help_text=_("No breakdown is shown for fewer respondents (at least 5)."),
    )
    show_breakdowns = models.BooleanField(
        _("show breakdowns by organisation and role"), default=True
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("remind at most every … days"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    content_version = models.CharField(max_length=40, editable=False)
    item_keys = models.JSONField(default=list, editable=False)
    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    released = models.BooleanField(default=False, editable=False)
    #: Bumped with every change to the round's answers or comments (it keys cached results).
    revision = models.PositiveIntegerField(default=0, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("scan round")
        verbose_name_plural = _("scan rounds")
        ordering = ["-opens_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="scan_round_dates_ordered"
            ),
            models.CheckConstraint(condition=Q(k__gte=5), name="scan_round_k_at_least_5"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("scan:round", args=[self.network.slug, self.pk])

    @property
    def effective_k(self) -> int:
        """The round's own k, never below the network's."""
        return max(self.k, self.network.k_threshold, 5)

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    def accepts_answers(self, today: object = None) -> bool:
        day = today or timezone.localdate()
        return not self.is_closed and self.opens_on <= day <= self.closes_on  # type: ignore[operator]

    @property
    def results_available(self) -> bool:
        return self.is_closed or self.released

    def principle_keys(self) -> list[str]:
        seen: dict[str, None] = {}
        for key in self.item_keys:
            seen.setdefault(principle_of(key), None)
        return list(seen)

    def items_of(self, principle_key: str) -> list[str]:
        return [key for key in self.item_keys if principle_of(key) == principle_key]


class ScanInvitationQuerySet(models.QuerySet["ScanInvitation"]):
    def visible_to(self, user: User) -> ScanInvitationQuerySet:
        return self.filter(round__in=Round.objects.visible_to(user))


class ScanInvitation(models.Model):
    """One person's link to answer one round: one response per invitation."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="scan_invitations"
    )
    email = models.EmailField()
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    objects = ScanInvitationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "email"], name="scan_one_invitation_per_email")
        ]

    def __str__(self) -> str:
        return f"{self.email} · {self.round}"

    @property
    def network(self) -> Network:
        return self.round.network


class ResponseQuerySet(models.QuerySet["Response"]):
    def visible_to(self, user: User) -> ResponseQuerySet:
        return self.filter(round__in=Round.objects.visible_to(user))

    def counted(self) -> ResponseQuerySet:
        """Responses that count: verified, or by shared code and confirmed by the coordinator."""
        return self.filter(Q(verified=True) | Q(confirmed_at__isnull=False))

    def waiting(self) -> ResponseQuerySet:
        """Shared-code responses that wait for the coordinator's confirmation."""
        return self.filter(verified=False, confirmed_at__isnull=True)


class Response(models.Model):
    """One respondent's answers in one round, with their attributes as they gave them."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="responses")
    invitation = models.OneToOneField(
        ScanInvitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="response"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation_name = models.CharField(max_length=200, blank=True)
    lead_role = models.CharField(max_length=20, choices=LeadRole.choices, blank=True)
    engagement = models.CharField(max_length=20, choices=Engagement.choices, blank=True)
    tenure = models.CharField(max_length=20, choices=Tenure.choices, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    #: Given by personal link or by a logged-in member: one known person behind it.
    verified = models.BooleanField(default=False)
    #: A shared-code response counts only once the coordinator confirmed its batch.
    confirmed_at = models.DateTimeField(null=True, blank=True)
    #: The logged-in member who answered (one response per member per round).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ResponseQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["round", "organisation"])]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "user"],
                condition=Q(user__isnull=False),
                name="scan_one_response_per_member",
            )
        ]

    def __str__(self) -> str:
        return f"response {self.pk} · {self.round}"

    @property
    def network(self) -> Network:
        return self.round.network


class Answer(models.Model):
    """One item's answer; ``value`` is 1–5, or NULL for "don't know / not applicable"."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    # the response's round, repeated so that results aggregate over one index without a join
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+", db_index=False)
    item_key = models.CharField(max_length=80)
    principle_key = models.CharField(max_length=40)
    value = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["round", "response", "principle_key", "value"], name="scan_answer_scores"
            ),
            models.Index(fields=["round", "principle_key", "value"], name="scan_answer_spread"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "item_key"], name="scan_one_answer_per_item"
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=1, value__lte=5),
                name="scan_answer_value_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_key}={self.value}"


class Comment(models.Model):
    """A respondent's optional comment on one principle."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="comments")
    principle_key = models.CharField(max_length=40)
    text = models.TextField(max_length=2000)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["response", "principle_key"], name="scan_one_comment_per_principle"
            )
        ]

    def __str__(self) -> str:
        return self.principle_key


class ResultSnapshot(models.Model):
    """Results as published at one moment: they change only when k more responses count.

    ``published`` keeps, per data set, the membership of every cell shown, so that the next
    snapshot is checked against everything already out (see ``core.disclosure``).
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="snapshots")
    taken_at = models.DateTimeField(auto_now_add=True)
    response_ids = models.JSONField(default=list)
    result = models.JSONField(default=dict)
    published = models.JSONField(default=dict)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.round} · {self.taken_at:%Y-%m-%d %H:%M}"
