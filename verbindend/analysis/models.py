"""The analysis workbench: a study's codebook, the codings of its documents, and memos.

Positions are offsets in Unicode code points into ``Document.text`` (a Python ``str`` index),
``end`` exclusive — the same convention as the studies app and REFI-QDA. Codes, codings and
memos each carry a UUID for life, so exports to other tools keep their identity.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from verbindend.method import content

if TYPE_CHECKING:
    from verbindend.accounts.models import User

#: top-level groups of the seeded codebook: method kind → label
GROUPS = {
    "principle": _("Design principles"),
    "level": _("Levels"),
    "condition": _("Conditions of collective learning"),
    "knowledge": _("Knowledge types"),
    "carrier": _("Knowledge carriers"),
    "finding_list": _("Findings of the research"),
}


def _visible_studies(user: User) -> models.QuerySet:
    from verbindend.studies.models import Study

    return Study.objects.visible_to(user)


class CodeQuerySet(models.QuerySet["Code"]):
    def visible_to(self, user: User) -> CodeQuerySet:
        return self.filter(study__in=_visible_studies(user))


class Code(models.Model):
    """One code of a study's codebook; seeded codes remember the method key they came from."""

    #: its identity, also in REFI-QDA exchange: unique within its study (an imported GUID is kept)
    uuid = models.UUIDField(default=uuid.uuid4, editable=False)
    study = models.ForeignKey("studies.Study", on_delete=models.CASCADE, related_name="codes")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,  # only when the whole study goes: delete_code lifts sub-codes
        related_name="children",
        verbose_name=_("parent code"),
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    method_key = models.CharField(max_length=120, blank=True, editable=False)
    name = models.CharField(
        _("name"),
        max_length=200,
        blank=True,
        help_text=_("Leave empty to use the method's own name, in the reader's language."),
    )
    colour = models.CharField(_("colour"), max_length=7, default="#1d4e5f")
    definition = models.TextField(_("definition"), max_length=5000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("code")
        verbose_name_plural = _("codes")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["study", "uuid"], name="unique_code_uuid_in_study"),
            models.UniqueConstraint(
                fields=["study", "method_key"],
                condition=~models.Q(method_key=""),
                name="unique_code_method_key",
            ),
            models.CheckConstraint(
                condition=models.Q(colour__regex=r"^#[0-9a-f]{6}$"), name="code_colour_hex"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The researcher's name for the code, else the method's name in the active language."""
        if self.name:
            return self.name
        if self.method_key in GROUPS:
            return str(GROUPS[self.method_key])
        if self.method_key and content.exists(self.method_key):
            node = content.get(self.method_key)
            for field_name in ("label", "question"):  # e.g. an interview guide's question
                if not node.title and node.has(field_name):
                    return node.text(field_name)
            return node.title or node.key
        return self.method_key or "?"

    @property
    def method_definition(self) -> str:
        if self.method_key and content.exists(self.method_key):
            return content.get(self.method_key).summary
        return ""


class CodingQuerySet(models.QuerySet["Coding"]):
    def visible_to(self, user: User) -> CodingQuerySet:
        return self.filter(study__in=_visible_studies(user))

    def overlapping(self, *, start: int | models.F, end: int | models.F) -> CodingQuerySet:
        return self.filter(start__lt=end, end__gt=start)


class Coding(models.Model):
    """A code applied by one coder to one span of a document (code points, end exclusive)."""

    #: its identity, also in REFI-QDA exchange: unique within its study (an imported GUID is kept)
    uuid = models.UUIDField(default=uuid.uuid4, editable=False)
    study = models.ForeignKey("studies.Study", on_delete=models.CASCADE, related_name="codings")
    document = models.ForeignKey(
        "studies.Document", on_delete=models.CASCADE, related_name="codings"
    )
    code = models.ForeignKey(Code, on_delete=models.CASCADE, related_name="codings")
    coder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="codings"
    )
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    #: made together by one auto-coding, so that it can be undone together
    batch = models.UUIDField(null=True, blank=True, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CodingQuerySet.as_manager()

    class Meta:
        verbose_name = _("coding")
        verbose_name_plural = _("codings")
        ordering = ["document", "start", "end", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["study", "uuid"], name="unique_coding_uuid_in_study"),
            models.UniqueConstraint(
                fields=["document", "code", "coder", "start", "end"], name="unique_coding"
            ),
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="coding_span"
            ),
        ]
        indexes = [
            models.Index(fields=["study", "code", "document"]),  # covers the matrices
            models.Index(fields=["document", "start"]),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.start}–{self.end}"

    @property
    def fragment(self) -> str:
        return self.document.text[self.start : self.end]


class MemoQuerySet(models.QuerySet["Memo"]):
    def visible_to(self, user: User) -> MemoQuerySet:
        return self.filter(study__in=_visible_studies(user))


class Memo(models.Model):
    """A researcher's note on a document, a code or one coded fragment."""

    #: its identity, also in REFI-QDA exchange: unique within its study (an imported GUID is kept)
    uuid = models.UUIDField(default=uuid.uuid4, editable=False)
    study = models.ForeignKey("studies.Study", on_delete=models.CASCADE, related_name="memos")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memos"
    )
    document = models.ForeignKey(
        "studies.Document", null=True, blank=True, on_delete=models.CASCADE, related_name="memos"
    )
    code = models.ForeignKey(
        Code, null=True, blank=True, on_delete=models.CASCADE, related_name="memos"
    )
    coding = models.ForeignKey(
        Coding, null=True, blank=True, on_delete=models.CASCADE, related_name="memos"
    )
    text = models.TextField(_("memo"), max_length=20000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MemoQuerySet.as_manager()

    class Meta:
        verbose_name = _("memo")
        verbose_name_plural = _("memos")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["study", "uuid"], name="unique_memo_uuid_in_study"),
            models.CheckConstraint(
                condition=(
                    models.Q(document__isnull=False, code__isnull=True, coding__isnull=True)
                    | models.Q(document__isnull=True, code__isnull=False, coding__isnull=True)
                    | models.Q(document__isnull=True, code__isnull=True, coding__isnull=False)
                ),
                name="memo_one_target",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def edited(self) -> bool:
        """Rewritten after it was first saved (a second's grace for the first save)."""
        return (self.updated_at - self.created_at).total_seconds() > 1


class ExchangeKind(models.TextChoices):
    USER = "user", _("user")
    DOCUMENT = "document", _("document")
    RESPONDENT = "respondent", _("respondent")
    VARIABLE = "variable", _("variable")
    CODE = "code", _("code")
    CODING = "coding", _("coding")
    MEMO = "memo", _("memo")


class ExchangeId(models.Model):
    """The REFI-QDA GUID of a local object, so the next export (or a re-import) keeps identity.

    Documents, respondents, variables and users have no UUID of their own: their GUID is derived
    from the object (``refi.ids``), and a row here exists only for a GUID an import brought (or
    an earlier version of the export made). Codes, codings and memos use their own ``uuid``.
    ``local_key`` is the object's primary key (or a variable's name); users are shared by all
    studies, so their rows have no study.
    """

    kind = models.CharField(max_length=20, choices=ExchangeKind)
    study = models.ForeignKey(
        "studies.Study", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    local_key = models.CharField(max_length=64)
    guid = models.UUIDField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("exchange identifier")
        verbose_name_plural = _("exchange identifiers")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "study", "local_key"],
                condition=models.Q(study__isnull=False),
                name="unique_exchange_local",
            ),
            models.UniqueConstraint(
                fields=["kind", "study", "guid"],
                condition=models.Q(study__isnull=False),
                name="unique_exchange_guid",
            ),
            models.UniqueConstraint(
                fields=["kind", "local_key"],
                condition=models.Q(study__isnull=True),
                name="unique_exchange_shared_local",
            ),
            models.UniqueConstraint(
                fields=["kind", "guid"],
                condition=models.Q(study__isnull=True),
                name="unique_exchange_shared_guid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.local_key} = {self.guid}"


# -- suggested codes -------------------------------------------------------------------------


class SuggestionStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("status", "Open")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class SuggestionQuerySet(models.QuerySet["Suggestion"]):
    def visible_to(self, user: User) -> SuggestionQuerySet:
        return self.filter(study__in=_visible_studies(user))

    def pending(self) -> SuggestionQuerySet:
        return self.filter(status=SuggestionStatus.PENDING)


class Suggestion(models.Model):
    """A code proposed for one segment of a document, until a researcher decides.

    Accepting makes a coding by the person who accepted; rejecting keeps the row, so the same
    code is never offered again for the same span.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    study = models.ForeignKey("studies.Study", on_delete=models.CASCADE, related_name="+")
    document = models.ForeignKey(
        "studies.Document", on_delete=models.CASCADE, related_name="suggestions"
    )
    code = models.ForeignKey(Code, on_delete=models.CASCADE, related_name="suggestions")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    confidence = models.FloatField()
    source = models.CharField(max_length=20, default="framework")
    status = models.CharField(
        max_length=10, choices=SuggestionStatus, default=SuggestionStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    coding = models.ForeignKey(
        Coding, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: accepted together in one bulk accept, so that it can be undone together
    batch = models.UUIDField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["document", "start", "-confidence", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "code", "start", "end"], name="unique_suggestion"
            ),
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="suggestion_span"
            ),
        ]
        indexes = [models.Index(fields=["document", "status"])]

    def __str__(self) -> str:
        return f"{self.code} · {self.start}–{self.end} · {self.confidence:.2f}"


class ModelStatus(models.TextChoices):
    NONE = "none", _("Not trained yet")
    QUEUED = "queued", _("Waiting to train")
    TRAINING = "training", pgettext_lazy("model status", "Training")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Training failed")


class SuggestionModelQuerySet(models.QuerySet["SuggestionModel"]):
    def visible_to(self, user: User) -> SuggestionModelQuerySet:
        return self.filter(study__in=_visible_studies(user))


class SuggestionModel(models.Model):
    """A study's current suggestion model: its training state, its quality, its parameters.

    ``quality`` holds, per code UUID, precision, recall and support on held-out codings, the
    number of examples, and whether that is too few to judge. ``blob`` is the trained engine,
    written and read only by this application.
    """

    study = models.OneToOneField(
        "studies.Study", on_delete=models.CASCADE, related_name="suggestion_model"
    )
    status = models.CharField(max_length=10, choices=ModelStatus, default=ModelStatus.NONE)
    progress = models.PositiveSmallIntegerField(default=0)
    trained_at = models.DateTimeField(null=True, blank=True)
    codings_at_training = models.PositiveIntegerField(default=0)
    examples = models.PositiveIntegerField(default=0)
    quality = models.JSONField(default=dict, blank=True)
    backend = models.CharField(max_length=30, blank=True)
    engine_version = models.PositiveSmallIntegerField(default=0)
    blob = models.BinaryField(null=True, blank=True, editable=False)
    error = models.CharField(max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SuggestionModelQuerySet.as_manager()

    class Meta:
        verbose_name = _("suggestion model")
        verbose_name_plural = _("suggestion models")

    def __str__(self) -> str:
        return f"{self.study} · {self.status}"

    @property
    def busy(self) -> bool:
        return self.status in {ModelStatus.QUEUED, ModelStatus.TRAINING}


# -- saved code queries ------------------------------------------------------------------------


class SavedQueryQuerySet(models.QuerySet["SavedQuery"]):
    def visible_to(self, user: User) -> SavedQueryQuerySet:
        return self.filter(study__in=_visible_studies(user))


class SavedQuery(models.Model):
    """A code query kept under a name; it runs again each time it is opened, so it updates."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    study = models.ForeignKey("studies.Study", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    params = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SavedQueryQuerySet.as_manager()

    class Meta:
        verbose_name = _("saved query")
        verbose_name_plural = _("saved queries")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name
