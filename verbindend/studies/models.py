"""Research studies (and trainings), their team, and the networks that are their cases."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from verbindend.core.roles import CASE_RESEARCHER, StudyRoles
from verbindend.core.scopes import RoleGrant

if TYPE_CHECKING:
    from verbindend.accounts.models import User


class StudyKind(models.TextChoices):
    RESEARCH = "research", _("Research study")
    TRAINING = "training", pgettext_lazy("kind of study", "Training")


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
    kind = models.CharField(_("kind"), max_length=20, choices=StudyKind, default=StudyKind.RESEARCH)
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


class StudyRole(RoleGrant):
    """Grants a user one role in one study (trainers hold the researcher role)."""

    scope_name = "study"
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="study_roles"
    )
    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=20, choices=StudyRoles.choices)

    class Meta:
        verbose_name = _("study role")
        verbose_name_plural = _("study roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "study", "role"], name="unique_study_role")
        ]


def case_researcher_roles(user: User, kind: str, scope: Any) -> set[str]:
    """A study's researcher reaches each network that agreed to be a case of that study."""
    if kind != "network":
        return set()
    my_studies = StudyRole.objects.filter(user=user, role=StudyRoles.RESEARCHER).values("study")
    agreed = Case.objects.agreed().filter(network=scope, study__in=my_studies).exists()
    return {CASE_RESEARCHER} if agreed else set()


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
        _("status"), max_length=20, choices=CaseStatus, default=CaseStatus.PROPOSED
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


# -- the six steps as a plan -------------------------------------------------------------------


class StepStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    UNDER_WAY = "under_way", _("Under way")
    DONE = "done", _("Done")


class StepPlanQuerySet(models.QuerySet["StepPlan"]):
    def visible_to(self, user: User) -> StepPlanQuerySet:
        return self.filter(study__in=Study.objects.visible_to(user))

    def of(self, study: Study) -> StepPlanQuerySet:
        """A study's planned steps, in the method's order, with their owners."""
        return self.filter(study=study).select_related("owner").order_by("order", "pk")


class StepPlan(models.Model):
    """One of the method's six research steps, planned for one study."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="steps")
    step_key = models.CharField(_("step"), max_length=60)
    order = models.PositiveSmallIntegerField(default=0)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("owner"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=StepStatus, default=StepStatus.PLANNED
    )
    notes = models.TextField(_("notes"), max_length=5000, blank=True)

    objects = StepPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("step of the plan")
        verbose_name_plural = _("steps of the plan")
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["study", "step_key"], name="unique_study_step"),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="step_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.study} · {self.step_key}"


# -- case selection ----------------------------------------------------------------------------


class Judgement(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")


class CaseAssessmentQuerySet(models.QuerySet["CaseAssessment"]):
    def visible_to(self, user: User) -> CaseAssessmentQuerySet:
        return self.filter(study__in=Study.objects.visible_to(user))


class CaseAssessment(models.Model):
    """The researcher's own judgements on a candidate case, where the profile cannot tell."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="assessments")
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="assessment")
    durable = models.CharField(
        _("durable partnership"), max_length=3, choices=Judgement, blank=True
    )
    open_about_history = models.CharField(
        _("open about its history"), max_length=3, choices=Judgement, blank=True
    )
    notes = models.TextField(_("notes"), max_length=5000, blank=True)

    objects = CaseAssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("case assessment")
        verbose_name_plural = _("case assessments")

    def __str__(self) -> str:
        return str(self.case)


# -- respondent selection ----------------------------------------------------------------------


class RespondentQuerySet(models.QuerySet["Respondent"]):
    def visible_to(self, user: User) -> RespondentQuerySet:
        return self.filter(study__in=Study.objects.visible_to(user))


class Respondent(models.Model):
    """A person of a case's network who is a candidate for an interview in this study."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="respondents")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="respondents")
    person = models.ForeignKey(
        "networks.Person", on_delete=models.CASCADE, related_name="respondencies"
    )
    positive_experiences = models.BooleanField(_("can tell about good experiences"), default=False)
    critical_experiences = models.BooleanField(
        _("can tell about critical experiences"), default=False
    )
    reflective = models.CharField(
        _("reflective and critical"), max_length=3, choices=Judgement, blank=True
    )
    selected = models.BooleanField(
        _("selected for an interview"),
        default=False,
        help_text=_("Only selected respondents count in the coverage of the criteria."),
    )
    notes = models.TextField(_("notes"), max_length=5000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RespondentQuerySet.as_manager()

    class Meta:
        verbose_name = _("respondent")
        verbose_name_plural = _("respondents")
        ordering = ["person__name"]
        constraints = [
            models.UniqueConstraint(fields=["case", "person"], name="unique_case_respondent")
        ]

    def __str__(self) -> str:
        return str(self.person)


class InterviewStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class InterviewQuerySet(models.QuerySet["Interview"]):
    def visible_to(self, user: User) -> InterviewQuerySet:
        return self.filter(study__in=Study.objects.visible_to(user))


class Interview(models.Model):
    """An interview appointment with a respondent."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="interviews")
    respondent = models.ForeignKey(Respondent, on_delete=models.CASCADE, related_name="interviews")
    scheduled_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=InterviewStatus, default=InterviewStatus.PLANNED
    )
    notes = models.TextField(_("notes"), max_length=2000, blank=True)

    objects = InterviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")
        ordering = ["scheduled_at"]

    def __str__(self) -> str:
        return f"{self.respondent} · {self.scheduled_at:%Y-%m-%d %H:%M}"


# -- material ----------------------------------------------------------------------------------


class DocumentKind(models.TextChoices):
    TRANSCRIPT = "transcript", _("Interview transcript")
    NETWORK_DOCUMENT = "network_document", _("Network document")
    SESSION_SUMMARY = "session_summary", _("Live-session summary")
    HISTORY_STORY = "history_story", _("History-line story")
    OTHER = "other", _("Other")


class DocumentQuerySet(models.QuerySet["Document"]):
    def visible_to(self, user: User) -> DocumentQuerySet:
        return self.filter(study__in=Study.objects.visible_to(user))


def original_path(instance: models.Model, filename: str) -> str:
    return f"studies/originals/{instance.study_id}/{filename}"  # type: ignore[attr-defined]


class Document(models.Model):
    """A text to analyse. ``text`` is the whole text as a Python ``str``.

    Every position in a document (paragraph starts, search hits, later codings) is an offset in
    Unicode code points into ``text`` — a Python ``str`` index — never bytes or UTF-16 units.
    The text is stored NFC-normalised with ``\\n`` line ends; the uploaded file is kept as it came.
    """

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="documents")
    case = models.ForeignKey(
        Case,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
        verbose_name=_("case"),
    )
    respondent = models.ForeignKey(
        Respondent,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
        verbose_name=_("respondent"),
    )
    kind = models.CharField(
        _("kind"), max_length=30, choices=DocumentKind, default=DocumentKind.OTHER
    )
    title = models.CharField(_("title"), max_length=300)
    source = models.CharField(_("source"), max_length=500, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    text = models.TextField(_("text"))
    length = models.PositiveIntegerField(_("length in characters"), default=0)
    paragraph_starts = models.JSONField(default=list, blank=True, editable=False)
    #: speaker turns of a transcript: {"speaker", "start", "body", "end", "time"} (code points)
    turns = models.JSONField(default=list, blank=True, editable=False)
    #: speaker name → "interviewer" or a respondent's primary key (as text), set once per document
    speakers = models.JSONField(default=dict, blank=True, editable=False)
    #: for a web page: when it was fetched (its address is in ``source``)
    fetched_at = models.DateTimeField(null=True, blank=True, editable=False)
    original = models.FileField(_("original file"), upload_to=original_path, blank=True)
    origin_ref = models.CharField(max_length=200, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["study", "origin_ref"],
                condition=~models.Q(origin_ref=""),
                name="unique_document_origin",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("studies:document", args=[self.study.slug, self.pk])

    @property
    def original_filename(self) -> str:
        return PurePosixPath(self.original.name or "").name


class BatchStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    RUNNING = "running", _("Importing")
    FINISHED = "finished", _("Finished")


class ImportBatchQuerySet(models.QuerySet["ImportBatch"]):
    def visible_to(self, user: User) -> ImportBatchQuerySet:
        return self.filter(study__in=Study.objects.visible_to(user))


class ImportBatch(models.Model):
    """Files uploaded together; imported in the background, one item at a time."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="import_batches")
    kind = models.CharField(_("kind"), max_length=30, choices=DocumentKind)
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    respondent = models.ForeignKey(
        Respondent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(_("source"), max_length=500, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    status = models.CharField(max_length=20, choices=BatchStatus, default=BatchStatus.WAITING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.study} · {self.created_at:%Y-%m-%d %H:%M}"


class ItemStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Not imported")


def pending_path(instance: models.Model, filename: str) -> str:
    return f"studies/originals/{instance.batch.study_id}/{filename}"  # type: ignore[attr-defined]


class ImportItem(models.Model):
    """One uploaded file of a batch: its progress, and its error message if it failed.

    The uploaded file waits in ``upload``; on success it becomes the document's original, on
    failure it is deleted, so a failed file leaves no document and no file behind.
    """

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="items")
    filename = models.CharField(max_length=255)
    #: a web page to fetch instead of an upload
    url = models.URLField(max_length=500, blank=True)
    upload = models.FileField(upload_to=pending_path, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    status = models.CharField(max_length=20, choices=ItemStatus, default=ItemStatus.WAITING)
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.filename

    @property
    def study(self) -> Study:
        return self.batch.study
