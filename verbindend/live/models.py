"""Live sessions: steps, participants, contributions, the event log, themes and the synthesis.

The event log (:class:`Event`) is the truth that screens replay from; every row has a
per-session sequence number handed out in commit order (see ``engine.py``).
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from verbindend.core.scopes import Scoped, ScopedQuerySet, one_scope
from verbindend.live import kinds

if TYPE_CHECKING:
    from verbindend.core.scopes import AnyUser

# Join codes avoid characters that look alike (0/O, 1/I/L, 2/Z, 5/S, 6/G, 8/B).
CODE_ALPHABET = "ACDEFHJKMNPRTUVWXY3479"
CODE_LENGTH = 6
TEXT_MAX = 1000
LETTER_MAX = 5000


def new_join_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def new_public_id() -> str:
    return secrets.token_urlsafe(9)


def new_token() -> str:
    return secrets.token_urlsafe(24)


class State(models.TextChoices):
    LOBBY = "lobby", _("Lobby")
    RUNNING = "running", _("Running")
    CLOSED = "closed", _("Closed")


class StepKind(models.TextChoices):
    """Names for the kinds other code refers to; the field's choices come from the registry."""

    OPEN_ANSWER = "open_answer", _("Open answer")
    SENTENCE_COMPLETION = "sentence_completion", _("Sentence completion")
    SCALE = "scale", _("Scale")
    CHOICE = "choice", _("Choice")
    DOT_VOTE = "dot_vote", _("Dot-vote")
    FAREWELL_LETTER = "farewell_letter", _("Farewell letter")
    PRINCIPLE_CARD = "principle_card", _("Principle card")
    HISTORY_LINE = "history_line", _("History line")


# Derived from the step-kind registry (verbindend/live/kinds/): written answers shown as cards,
# and answers that are counted rather than listed.
TEXT_KINDS = frozenset(k.key for k in kinds.all_kinds() if k.cards)
AGGREGATE_KINDS = frozenset(k.key for k in kinds.all_kinds() if k.counted)


def kind_choices() -> list[tuple[str, str]]:
    return kinds.choices()


class LiveSessionQuerySet(ScopedQuerySet):
    def visible_to(self, user: AnyUser) -> LiveSessionQuerySet:
        """Sessions of the networks and studies the user may see, and those they co-facilitate."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        shared = super().visible_to(user) | self.filter(co_facilitators=user)
        return shared.distinct()  # type: ignore[return-value]

    def open(self) -> LiveSessionQuerySet:
        return self.exclude(state=State.CLOSED)


class LiveSession(Scoped):
    """A focus group, interview, training or workshop run live; belongs to a network or a study."""

    network = models.ForeignKey(
        "networks.Network", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    study = models.ForeignKey(
        "studies.Study", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    template = models.CharField(_("template"), max_length=40, blank=True)
    state = models.CharField(max_length=10, choices=State, default=State.LOBBY)
    current_step = models.ForeignKey(
        "Step", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    join_code = models.CharField(max_length=CODE_LENGTH, unique=True, default=new_join_code)
    public_id = models.CharField(max_length=16, unique=True, default=new_public_id)
    ask_names = models.BooleanField(
        _("show names on the wall"),
        default=False,
        help_text=_("Off: contributions appear on the wall without names."),
    )
    ask_organisation = models.BooleanField(_("ask for the organisation"), default=False)
    planned_for = models.DateField(
        _("date"),
        null=True,
        blank=True,
        help_text=_("The day the session takes place; members see it on their overview that day."),
    )
    timer_ends_at = models.DateTimeField(null=True, blank=True)
    last_sequence = models.PositiveBigIntegerField(default=0)
    co_facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="co_facilitated_sessions"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = LiveSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("live session")
        verbose_name_plural = _("live sessions")
        ordering = ["-created_at"]
        constraints = [one_scope("live_session_one_scope")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("live:console", args=[self.pk])

    def join_url(self) -> str:
        """The short address people type or scan: the site, then the code."""
        return settings.SITE_URL.rstrip("/") + "/" + self.join_code


class Step(models.Model):
    """One prompt of a session; prompt text comes from a content key or the facilitator."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveIntegerField(default=0)
    kind = models.CharField(_("type"), max_length=30, choices=kind_choices)
    content_key = models.CharField(_("method content"), max_length=120, blank=True)
    prompt = models.TextField(_("prompt"), max_length=1000, blank=True)
    options = models.JSONField(default=dict, blank=True)
    alone_first = models.BooleanField(
        _("answer alone first"),
        default=True,
        help_text=_("Answers stay off the wall until you reveal them."),
    )
    revealed = models.BooleanField(default=False)
    locked = models.BooleanField(default=False)

    class Meta:
        ordering = ["session", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.order}. {self.get_kind_display()}"

    @property
    def policy_scope(self) -> Any:
        return self.session.policy_scope

    @property
    def shows_contributions(self) -> bool:
        return self.revealed or not self.alone_first

    @property
    def spec(self) -> kinds.Kind:
        """What this step's kind knows: checking, labels, results, partials."""
        return kinds.get(self.kind)


class SlideImage(models.Model):
    """The picture a facilitator uploaded for a slide step, re-encoded without its metadata.

    Kept apart from `Step` so the live engine never loads image bytes with its steps."""

    step = models.OneToOneField(Step, on_delete=models.CASCADE, related_name="slide_image")
    data = models.BinaryField(editable=False)
    content_type = models.CharField(max_length=20)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.step} ({self.width}×{self.height})"


#: A phone's token for a session travels in a cookie of this name (one per session).
COOKIE_PREFIX = "vblive_"


def cookie_name(public_id: str) -> str:
    return COOKIE_PREFIX + public_id.replace("-", "_")


class ParticipantQuerySet(models.QuerySet["Participant"]):
    def of_phone(self, public_id: str, token: str) -> Participant | None:
        """The participant whose phone holds ``token`` for this session (None for no token)."""
        if not token:
            return None
        return self.filter(token=token, session__public_id=public_id).first()

    def by_cookie(self, cookies: Mapping[str, str], public_id: str) -> Participant | None:
        """The participant whose phone sent this session's cookie (None without one)."""
        return self.of_phone(public_id, cookies.get(cookie_name(public_id), ""))


class Participant(models.Model):
    """Someone who joined by code: no account needed, a display name or anonymous."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="participants")
    token = models.CharField(max_length=64, unique=True, default=new_token)
    display_name = models.CharField(_("name"), max_length=80, blank=True)
    organisation = models.ForeignKey(
        "networks.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # the network someone comes from, asked in a study's (cross-network) sessions
    network = models.ForeignKey(
        "networks.Network", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_by_facilitator = models.BooleanField(default=False)
    joined_at = models.DateTimeField(auto_now_add=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["joined_at"]

    def __str__(self) -> str:
        return self.display_name or str(_("Anonymous"))


class Theme(models.Model):
    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(_("theme"), max_length=120)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name


class Contribution(models.Model):
    """One answer, written once per client UUID (a resubmission returns the same row)."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="contributions")
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="contributions")
    participant = models.ForeignKey(
        Participant, null=True, on_delete=models.SET_NULL, related_name="contributions"
    )
    client_id = models.UUIDField(default=uuid.uuid4)
    sequence = models.PositiveBigIntegerField()
    text = models.TextField(blank=True, max_length=LETTER_MAX)
    value = models.JSONField(default=dict, blank=True)
    organisation_name = models.CharField(max_length=200, blank=True)
    shared = models.BooleanField(default=False)
    hidden = models.BooleanField(default=False)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged"
    )
    theme = models.ForeignKey(
        Theme, null=True, blank=True, on_delete=models.SET_NULL, related_name="contributions"
    )
    tags = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sequence"]
        constraints = [
            models.UniqueConstraint(fields=["session", "client_id"], name="live_unique_client_id")
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def policy_scope(self) -> Any:
        return self.session.policy_scope

    @property
    def is_private(self) -> bool:
        return self.step.kind == StepKind.FAREWELL_LETTER and not self.shared


class Event(models.Model):
    """The session's event log: screens resume from it with Last-Event-ID."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="events")
    sequence = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=30)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["session", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["session", "sequence"], name="live_unique_sequence")
        ]

    def __str__(self) -> str:
        return f"{self.session_id}#{self.sequence} {self.kind}"


class Synthesis(models.Model):
    """The saved session summary: the facilitators' notes and a snapshot of themes and counts."""

    session = models.OneToOneField(LiveSession, on_delete=models.CASCADE, related_name="synthesis")
    notes = models.TextField(_("notes"), max_length=10000, blank=True)
    snapshot = models.JSONField(default=dict)
    saved_at = models.DateTimeField(auto_now=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"synthesis of {self.session_id}"

    @property
    def policy_scope(self) -> Any:
        return self.session.policy_scope


class SharedSession(models.Model):
    """A network's session offered to a study it takes part in: the coordinator's consent.

    While it stands, the session's synthesis (texts without names) is the study's material,
    renewed on every save; withdrawing removes it from the study again."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="shares")
    case = models.ForeignKey("studies.Case", on_delete=models.CASCADE, related_name="+")
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    shared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "case"], name="live_share_once_per_case")
        ]

    def __str__(self) -> str:
        return f"{self.session} → {self.case.study}"

    @property
    def policy_scope(self) -> Any:
        return self.session.network
