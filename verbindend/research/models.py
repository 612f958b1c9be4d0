"""The research team's shared ground in a study.

- **Glossary**: the team's own definitions of concepts. Terms seeded from the method's concepts keep
  the method's key (so they are marked as such). Every change is a numbered revision with its
  author; team members record that they agree with a revision.
- **Literature**: references imported from BibTeX or RIS (and exported again), with the team's
  notes and tags; fields the app does not know are kept as they came, so an export gives them back.
- **Comments**: the guidance committee's (and researchers') threaded remarks on the study plan, the
  codebook or a report version; a researcher resolves a thread.

Terms and references link to the analysis' codes and memos; the links live here, so the analysis
app need not know about them.
"""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from verbindend.accounts.models import User


class StudyScopedQuerySet[M: models.Model](models.QuerySet[M]):
    def visible_to(self, user: User) -> StudyScopedQuerySet[M]:
        from verbindend.studies.models import Study

        if not user.is_authenticated:
            return self.none()
        return self.filter(study__in=Study.objects.visible_to(user))


class TermQuerySet(StudyScopedQuerySet["Term"]):
    def for_code(self, code: Any) -> TermQuerySet:
        """Terms linked to the code, or naming the same concept (its method key or its name)."""
        match = Q(codes=code) | Q(term__iexact=code.label)
        if code.method_key:
            match |= Q(method_key=code.method_key)
        return self.filter(study_id=code.study_id).filter(match).distinct()

    def mentioned_in(self, memo: Any) -> list[Term]:
        """Of these terms (one study's, evaluated once and reused for every memo of a page),
        those linked to the memo or whose name occurs in its text as a whole word."""
        return [
            term
            for term in self
            if term.study_id == memo.study_id
            and (
                any(m.pk == memo.pk for m in term.memos.all())
                or re.search(rf"(?<!\w){re.escape(term.term)}(?!\w)", memo.text, re.IGNORECASE)
            )
        ]


class Term(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    study = models.ForeignKey("studies.Study", on_delete=models.CASCADE, related_name="terms")
    method_key = models.CharField(max_length=120, blank=True, editable=False)
    term = models.CharField(_("term"), max_length=200)
    definition = models.TextField(_("definition"), max_length=5000)
    codes = models.ManyToManyField(
        "analysis.Code", blank=True, related_name="glossary_terms", verbose_name=_("codes")
    )
    memos = models.ManyToManyField(
        "analysis.Memo", blank=True, related_name="glossary_terms", verbose_name=_("memos")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TermQuerySet.as_manager()

    class Meta:
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary terms")
        ordering = ["term", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["study", "term"], name="term_unique_in_study"),
            models.UniqueConstraint(
                fields=["study", "method_key"],
                condition=~Q(method_key=""),
                name="term_method_key_once",
            ),
        ]

    def __str__(self) -> str:
        return self.term

    @property
    def from_method(self) -> bool:
        return bool(self.method_key)

    @property
    def policy_scope(self) -> object:
        return self.study

    def latest(self) -> TermRevision | None:
        return self.revisions.order_by("-number").first()


class TermRevision(models.Model):
    """One state of a term's definition: who wrote it, why, and who agreed with it."""

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    text_term = models.CharField(_("term"), max_length=200)
    definition = models.TextField(_("definition"), max_length=5000)
    note = models.CharField(_("why this change"), max_length=500, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["term", "number"]
        constraints = [
            models.UniqueConstraint(fields=["term", "number"], name="term_revision_number_once")
        ]

    def __str__(self) -> str:
        return f"{self.text_term} #{self.number}"


class TermAgreement(models.Model):
    revision = models.ForeignKey(TermRevision, on_delete=models.CASCADE, related_name="agreements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["revision", "user"], name="agree_once_per_revision")
        ]

    def __str__(self) -> str:
        return f"{self.user} agrees with {self.revision}"


class Reference(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    study = models.ForeignKey("studies.Study", on_delete=models.CASCADE, related_name="references")
    key = models.CharField(_("citation key"), max_length=200)
    kind = models.CharField(_("type"), max_length=40, default="misc")
    title = models.CharField(_("title"), max_length=1000)
    authors = models.JSONField(_("authors"), default=list, blank=True)  # "Last, First" each
    year = models.CharField(_("year"), max_length=20, blank=True)
    container = models.CharField(_("journal or book"), max_length=500, blank=True)
    publisher = models.CharField(_("publisher"), max_length=300, blank=True)
    volume = models.CharField(_("volume"), max_length=50, blank=True)
    issue = models.CharField(_("issue"), max_length=50, blank=True)
    pages = models.CharField(_("pages"), max_length=50, blank=True)
    doi = models.CharField("DOI", max_length=200, blank=True)
    url = models.URLField(_("web address"), max_length=1000, blank=True)
    #: every other field as it came, per format: {"bibtex": {...}, "ris": {...}}
    extra = models.JSONField(default=dict, blank=True)
    notes = models.TextField(_("notes"), max_length=20000, blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    codes = models.ManyToManyField(
        "analysis.Code", blank=True, related_name="references", verbose_name=_("codes")
    )
    memos = models.ManyToManyField(
        "analysis.Memo", blank=True, related_name="references", verbose_name=_("memos")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = StudyScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("reference")
        verbose_name_plural = _("references")
        ordering = ["authors", "year", "title", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["study", "key"], name="reference_key_unique_in_study")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def policy_scope(self) -> object:
        return self.study


class Target(models.TextChoices):
    PLAN = "plan", _("Study plan")
    CODEBOOK = "codebook", _("Codebook")
    REPORT = "report", _("Report draft")


class Comment(models.Model):
    """A remark on the plan, the codebook or a report version; replies point at their thread."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    study = models.ForeignKey("studies.Study", on_delete=models.CASCADE, related_name="comments")
    target = models.CharField(_("about"), max_length=10, choices=Target.choices)
    report = models.ForeignKey(
        "reports.ReportVersion",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comments",
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("comment"), max_length=5000)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = StudyScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target="report", report__isnull=False)
                | (~Q(target="report") & Q(report__isnull=True)),
                name="comment_report_only_for_reports",
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def policy_scope(self) -> object:
        return self.study

    @property
    def open(self) -> bool:
        return self.resolved_at is None


class InterviewRun(models.Model):
    """The interviewer's run through the guide for one interview appointment.

    It starts only after the respondent's consent for recording was checked: ``recording`` says
    whether that consent was active at the start (and which text version it was), or that the
    interviewer chose to go on with notes only. Afterwards a transcript is attached and aligned
    to the guide's questions; ``batch`` marks the codings the alignment made, so it can be redone.
    """

    interview = models.OneToOneField(
        "studies.Interview", on_delete=models.CASCADE, related_name="run"
    )
    study = models.ForeignKey("studies.Study", on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recording = models.BooleanField(_("recorded"), default=False)
    consent_version = models.CharField(max_length=40, blank=True)
    transcript = models.ForeignKey(
        "studies.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interview_runs",
        verbose_name=_("transcript"),
    )
    aligned_at = models.DateTimeField(null=True, blank=True)
    aligned = models.JSONField(default=list, blank=True)  # [{"key", "start", "end"}]
    batch = models.UUIDField(null=True, blank=True, editable=False)

    objects = StudyScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("interview run")
        verbose_name_plural = _("interview runs")

    def __str__(self) -> str:
        return str(self.interview)

    @property
    def policy_scope(self) -> object:
        return self.study


class InterviewNote(models.Model):
    """The interviewer's notes on one question of the guide, saved as they are typed."""

    run = models.ForeignKey(InterviewRun, on_delete=models.CASCADE, related_name="notes")
    question_key = models.CharField(max_length=120)
    text = models.TextField(_("notes"), max_length=20000, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("interview note")
        verbose_name_plural = _("interview notes")
        ordering = ["run", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["run", "question_key"], name="one_note_per_question")
        ]

    def __str__(self) -> str:
        return f"{self.run} · {self.question_key}"
