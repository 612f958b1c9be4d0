"""Writes for studies: the step plan, case and respondent selection, consent, appointments and
the material (imports in the background, and material sent by other parts of the app)."""

from __future__ import annotations

import bisect
import hashlib
import logging
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from verbindend.core.errors import DomainError
from verbindend.method import content
from verbindend.privacy.models import ConsentPurpose, ConsentRecord, ConsentText
from verbindend.studies import extract
from verbindend.studies.models import (
    BatchStatus,
    Case,
    CaseAssessment,
    CaseStatus,
    Document,
    ImportBatch,
    ImportItem,
    Interview,
    InterviewStatus,
    ItemStatus,
    Respondent,
    StepPlan,
    Study,
)
from verbindend.studies.signals import text_replaced

if TYPE_CHECKING:
    from verbindend.accounts.models import User
    from verbindend.networks.models import Person

log = logging.getLogger(__name__)
CONSENT_TEXT_VERSION = "study-2026.1"
# Checked by the caller already (and each would cost a query per document).
UNCHECKED = ["original", "study", "case", "respondent", "created_by"]
SLOW_FILE_BYTES = 1024 * 1024
QUICK_GROUP = 25
STUDY_CONSENT_PURPOSES = (ConsentPurpose.RESEARCH, ConsentPurpose.RECORDING)


# -- the plan ------------------------------------------------------------------------------------


def create_study(*, form: Any, by: Any) -> Study:
    """A new study from its form, with its six steps (``signals``) and its creator as its
    researcher.

    The form has checked the short name; one taken meanwhile (two people creating at once) is
    refused the same way and nothing is saved.
    """
    from verbindend.accounts import services as account_services
    from verbindend.core.roles import StudyRoles

    try:
        with transaction.atomic():
            study: Study = form.save()
            account_services.grant_study_role(user=by, study=study, role=StudyRoles.RESEARCHER)
    except IntegrityError:
        raise DomainError(
            "studies.slug_taken", _("This short name is taken; choose another.")
        ) from None
    return study


def ensure_steps(*, study: Study) -> list[StepPlan]:
    """Every study plans the method's six steps: made when the study is made (``signals``), and
    any step the method gained since when the plan is saved."""
    steps = content.of_kind("research_step")
    existing = {s.step_key: s for s in StepPlan.objects.filter(study=study)}
    missing = [
        StepPlan(study=study, step_key=node.key, order=node.order or 0)
        for node in steps
        if node.key not in existing
    ]
    if missing:
        StepPlan.objects.bulk_create(missing, ignore_conflicts=True)
    return list(StepPlan.objects.filter(study=study).select_related("owner"))


def plan_steps(sender: type[Study], instance: Study, created: bool, **kwargs: Any) -> None:
    """A new study plans the method's steps, however it is made (connected to ``post_save``)."""
    if created and not kwargs.get("raw"):
        ensure_steps(study=instance)


# -- cases -----------------------------------------------------------------------------------------


def propose_case(*, study: Study, network: Any) -> Case:
    """Ask a network to take part in a study; its coordinators are told and decide."""
    from verbindend.networks import services as network_services

    case = Case.objects.create(study=study, network=network)
    network_services.notify_case_proposed(case=case)
    return case


def assessment_for(*, case: Case) -> CaseAssessment:
    assessment, _created = CaseAssessment.objects.get_or_create(
        case=case, defaults={"study": case.study}
    )
    return assessment


# -- respondents -----------------------------------------------------------------------------------


def add_respondent(*, study: Study, case: Case, person: Person) -> Respondent:
    """Add a candidate respondent; only people of an agreed case's own network."""
    if case.study_id != study.pk or case.status != CaseStatus.AGREED:
        raise DomainError(
            "respondent.case", _("Respondents can only be chosen in an agreed case of this study.")
        )
    if person.network_id != case.network_id:
        raise DomainError("respondent.person", _("This person is not part of the case's network."))
    respondent, created = Respondent.objects.get_or_create(
        case=case, person=person, defaults={"study": study}
    )
    if not created:
        raise DomainError("respondent.duplicate", _("This person is already a candidate."))
    return respondent


def consents_of(respondents: list[Respondent]) -> dict[int, set[str]]:
    """Active consent purposes per person, for a list of respondents (one query)."""
    found: dict[int, set[str]] = {r.person_id: set() for r in respondents}
    records = ConsentRecord.objects.active().filter(
        person_id__in=found, purpose__in=STUDY_CONSENT_PURPOSES
    )
    for person_id, purpose in records.values_list("person_id", "purpose"):
        found[person_id].add(purpose)
    return found


@transaction.atomic
def record_consent(*, respondent: Respondent, purpose: str, given: bool) -> None:
    """Record (or withdraw) the respondent's consent for research or recording."""
    if purpose not in STUDY_CONSENT_PURPOSES:
        raise DomainError("consent.purpose", _("This consent cannot be recorded here."))
    active = ConsentRecord.objects.active().filter(person=respondent.person, purpose=purpose)
    if given and not active.exists():
        current = ConsentText.objects.current(purpose)
        ConsentRecord.objects.create(
            person=respondent.person,
            purpose=purpose,
            text_version=current.version if current else CONSENT_TEXT_VERSION,
            given_at=timezone.now(),
        )
    elif not given:
        active.update(withdrawn_at=timezone.now())


def set_interview_status(*, interview: Interview, status: str) -> Interview:
    if status not in InterviewStatus.values:
        raise DomainError("interview.status", _("This status does not exist."))
    interview.status = status
    interview.save(update_fields=["status"])
    return interview


def remove_respondent(*, respondent: Respondent) -> None:
    """Take a candidate out of the selection (with their appointments)."""
    respondent.delete()


def schedule_interview(*, respondent: Respondent, form: Any) -> Interview:
    interview: Interview = form.save(commit=False)
    interview.respondent = respondent
    interview.study = respondent.study
    interview.full_clean()
    interview.save()
    return interview


# -- material --------------------------------------------------------------------------------------


def paragraph_starts(text: str) -> list[int]:
    """Code-point offsets at which each non-empty line (a paragraph in the reader) starts."""
    starts = []
    position = 0
    for line in text.split("\n"):
        if line.strip():
            starts.append(position)
        position += len(line) + 1
    return starts


def paragraph_at(document: Document, offset: int) -> int:
    """Index of the paragraph holding a code-point offset."""
    return max(0, bisect.bisect_right(document.paragraph_starts, offset) - 1)


def _new_document(**fields: Any) -> Document:
    text = fields["text"]
    document = Document(length=len(text), paragraph_starts=paragraph_starts(text), **fields)
    document.full_clean(exclude=UNCHECKED)
    document.save()
    return document


def add_material(
    *,
    study: Study,
    kind: str,
    title: str,
    text: str,
    case: Case | None = None,
    source: str = "",
    date: date | None = None,
    origin_ref: str = "",
    language: str = "",
) -> Document:
    """Material sent by other parts of the app (live-session summaries, history-line stories).

    Idempotent on ``origin_ref`` (e.g. ``"live-session:42"``): sending again updates the text.
    An empty text is kept as an empty document (a session without contributions yet), so a
    caller running after a commit never fails on it.
    """
    if case is not None and case.study_id != study.pk:
        raise DomainError("material.case", _("This case is not part of the study."))
    text = extract.normalise(text, allow_empty=True)
    fields = {
        "kind": kind,
        "title": title[:300],
        "text": text,
        "length": len(text),
        "paragraph_starts": paragraph_starts(text),
        "case": case,
        "source": source[:500],
        "date": date,
        "language": language,
    }
    if origin_ref:
        existing = Document.objects.filter(study=study, origin_ref=origin_ref).first()
        if existing is not None:
            old_text = existing.text
            with transaction.atomic():
                for name, value in fields.items():
                    setattr(existing, name, value)
                existing.save()
                if old_text != text:
                    text_replaced.send(sender=Document, document=existing, old_text=old_text)
            return existing
    try:
        with transaction.atomic():
            document = Document(study=study, origin_ref=origin_ref, **fields)
            document.full_clean(exclude=[*UNCHECKED, "text"])
            document.save()
            return document
    except IntegrityError:  # sent twice at the same moment: the other one won
        return Document.objects.get(study=study, origin_ref=origin_ref)


def start_import(
    *,
    study: Study,
    files: Sequence[UploadedFile],
    user: User,
    kind: str,
    case: Case | None = None,
    respondent: Respondent | None = None,
    source: str = "",
    date: date | None = None,
    language: str = "",
) -> ImportBatch:
    """Store the uploads and queue their import. Files that fail a quick check fail at once."""
    if not files:
        raise DomainError("import.none", _("Choose at least one file."))
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            study=study,
            kind=kind,
            case=case,
            respondent=respondent,
            source=source,
            date=date,
            language=language,
            created_by=user,
        )
        items = []
        for upload in files:
            name = (upload.name or "file").rsplit("/", 1)[-1][:200]
            item = ImportItem(batch=batch, filename=name, size=upload.size or 0)
            items.append(item)
            try:
                extract.format_of(name)
                extract.check_size(item.size)
            except DomainError as error:
                item.status = ItemStatus.FAILED
                item.error = str(error.message)
                continue
            item.upload.save(_stored_name(name), upload, save=False)
        ImportItem.objects.bulk_create(items)
        transaction.on_commit(lambda: queue_import(batch))
    return batch


def start_web_import(
    *,
    study: Study,
    files: Sequence[str],
    user: User,
    kind: str,
    case: Case | None = None,
    respondent: Respondent | None = None,
    source: str = "",
    date: date | None = None,
    language: str = "",
) -> ImportBatch:
    """Queue the fetch of web pages (``files`` are their addresses); the worker fetches them."""
    from verbindend.studies import fetch

    for url in files:
        fetch.check_url(url)
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            study=study,
            kind=kind,
            case=case,
            respondent=respondent,
            source=source,
            date=date,
            language=language,
            created_by=user,
        )
        ImportItem.objects.bulk_create(
            ImportItem(batch=batch, filename=url[:255], url=url[:500]) for url in files
        )
        transaction.on_commit(lambda: queue_import(batch))
    return batch


def _stored_name(filename: str) -> str:
    stem = hashlib.sha256(f"{filename}{timezone.now().isoformat()}".encode()).hexdigest()[:12]
    return f"{stem}-{filename}"


def queue_import(batch: ImportBatch) -> None:
    import_batch.enqueue(batch_id=batch.pk)


@task
def import_batch(batch_id: int) -> None:
    """Run by ``manage.py db_worker`` (or at once with the immediate backend)."""
    batch = ImportBatch.objects.filter(pk=batch_id).select_related("study").first()
    if batch is not None:
        run_import(batch)


def run_import(batch: ImportBatch) -> None:
    """Import every waiting item of the batch; one failing file never stops the others."""
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.RUNNING)
    waiting = list(batch.items.filter(status__in=[ItemStatus.WAITING, ItemStatus.RUNNING]))
    quick = [item for item in waiting if not _slow(item)]
    # Small files are committed in groups (each still in its own savepoint, so one failure
    # stays alone); slow ones alone, so their progress shows while they run.
    for start in range(0, len(quick), QUICK_GROUP):
        with transaction.atomic():
            for item in quick[start : start + QUICK_GROUP]:
                import_item(item)
    for item in waiting:
        if _slow(item):
            import_item(item)
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.FINISHED)


def _slow(item: ImportItem) -> bool:
    return bool(item.url) or item.filename.lower().endswith(".pdf") or item.size > SLOW_FILE_BYTES


def import_item(item: ImportItem) -> Document | None:
    """Extract one file; on success the document and its original appear in one transaction."""
    batch = item.batch
    if _slow(item):
        # Worth showing as under way; a small text is done before anyone could see it.
        ImportItem.objects.filter(pk=item.pk).update(status=ItemStatus.RUNNING, progress=1)

    def progress(percent: int) -> None:
        ImportItem.objects.filter(pk=item.pk).update(progress=max(1, min(99, percent)))

    fetched_at = None
    try:
        if item.url:
            from verbindend.studies import fetch

            fetched = fetch.fetch(item.url)
            fetched_at = timezone.now()
            material = extract.extract_material(fetched.data, "page" + fetched.suffix, progress)
            source = fetched.url
        else:
            with item.upload.open("rb") as handle:
                data = handle.read()
            material = extract.extract_material(data, item.filename, progress)
            source = batch.source or item.filename
        text = material.text
        title = material.title or item.filename.rsplit(".", 1)[0][:300] or item.filename
        with transaction.atomic():
            document = _new_document(
                study=batch.study,
                case=batch.case,
                respondent=batch.respondent,
                kind=batch.kind,
                title=title,
                source=source[:500],
                fetched_at=fetched_at,
                date=batch.date,
                language=batch.language,
                text=text,
                turns=material.turns,
                original=item.upload.name or "",
                created_by=batch.created_by,
            )
            ImportItem.objects.filter(pk=item.pk).update(
                status=ItemStatus.DONE, progress=100, document=document, upload=""
            )
        return document
    except DomainError as error:
        message = str(error.message)
    except Exception:
        log.exception("import of %s failed", item.filename)
        message = _("The file could not be imported because of an unexpected error.")
    if item.upload:
        item.upload.delete(save=False)
    ImportItem.objects.filter(pk=item.pk).update(
        status=ItemStatus.FAILED, progress=0, error=message[:500], upload=""
    )
    return None


def store_original(*, document: Document, filename: str, data: bytes) -> None:
    """Attach an original file to a document made in code (the demo, tests)."""
    document.original.save(filename, ContentFile(data), save=True)
