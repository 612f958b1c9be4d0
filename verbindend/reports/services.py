"""Asking for a report, rendering it in the background, keeping and deleting its versions."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from verbindend.core.errors import DomainError
from verbindend.reports import render
from verbindend.reports.audiences import Audience
from verbindend.reports.models import ReportKind, ReportLanguage, ReportStatus, ReportVersion

log = logging.getLogger(__name__)


def request_report(
    *,
    scope: Any,
    by: Any,
    sections: list[str],
    language: str,
    start: date | None = None,
    end: date | None = None,
    audience: str = Audience.MEMBERS,
) -> ReportVersion:
    """Store what was asked for and queue the rendering; the version shows its progress."""
    from verbindend.networks.models import Network

    kind = ReportKind.NETWORK if isinstance(scope, Network) else ReportKind.STUDY
    known = [s.key for s in render.available(kind)]
    chosen = [key for key in known if key in set(sections)]
    if not chosen or len(chosen) != len(set(sections)):
        raise DomainError("reports.sections", _("Choose one or more of the listed sections."))
    if language not in ReportLanguage.values:
        raise DomainError("reports.language", _("Choose Dutch or English."))
    if start and end and start > end:
        raise DomainError("reports.period", _("The period must start before it ends."))
    if audience not in Audience.values:
        raise DomainError("reports.audience", _("Choose one of the listed audiences."))
    version = ReportVersion.objects.create(
        kind=kind,
        network=scope if kind == ReportKind.NETWORK else None,
        study=None if kind == ReportKind.NETWORK else scope,
        start=start,
        end=end,
        sections=chosen,
        language=language,
        audience=audience if kind == ReportKind.NETWORK else Audience.MEMBERS,
        requested_by=by if getattr(by, "is_authenticated", False) else None,
    )
    render_version.enqueue(version_id=version.pk)
    return version


def _progress(version: ReportVersion) -> render.Progress:
    def report(percent: int, step: str) -> None:
        ReportVersion.objects.filter(pk=version.pk).update(
            progress=max(1, min(99, percent)), step=step[:200]
        )

    return report


def run(version_id: int) -> None:
    """Render one waiting version: HTML first, then the PDF; a failure is kept with its message."""
    # RUNNING too: the task is taken up again when its worker died mid-render (core.workers).
    claimed = ReportVersion.objects.filter(
        pk=version_id, status__in=[ReportStatus.WAITING, ReportStatus.RUNNING]
    ).update(status=ReportStatus.RUNNING, progress=1)
    if not claimed:  # deleted meanwhile, or finished
        return
    version = ReportVersion.objects.select_related("network", "study").get(pk=version_id)
    try:
        html = render.render_html(version, _progress(version))
        _progress(version)(92, "PDF")
        pdf, pages = render.render_pdf(html)
        store(version, html=html, pdf=pdf, pages=pages)
        announce_ready(version)
    except Exception as error:  # a broken section must not leave the version "rendering"
        log.exception("report version %s failed", version.pk)
        ReportVersion.objects.filter(pk=version.pk).update(
            status=ReportStatus.FAILED,
            error=f"{type(error).__name__}: {error}"[:500],
            finished_at=timezone.now(),
        )


@task
def render_version(version_id: int) -> None:
    """Run by ``manage.py db_worker`` (or at once with the immediate backend)."""
    run(version_id)


def announce_ready(version: ReportVersion) -> None:
    """Whoever asked for the report hears that it is ready."""
    from verbindend.notices.services import notify

    if version.requested_by is None:
        return
    notify(
        recipients=[version.requested_by],
        kind="report.ready",
        title=lambda: _("The report of %(scope)s is ready") % {"scope": version.scope.name},
        url=version.get_absolute_url(),
        where=version.scope.name,
    )


def retry(version: ReportVersion) -> ReportVersion:
    """Queue a failed or stalled version again; its files and choices stay as they were."""
    if not (version.status == ReportStatus.FAILED or version.stalled):
        raise DomainError(
            "reports.not_retryable",
            _("Only a version that failed or stopped can be tried again."),
            status=409,
        )
    ReportVersion.objects.filter(pk=version.pk).update(
        status=ReportStatus.WAITING, progress=0, step="", error="", created_at=timezone.now()
    )
    render_version.enqueue(version_id=version.pk)
    version.refresh_from_db()
    return version


def store(version: ReportVersion, *, html: str, pdf: bytes, pages: int) -> None:
    """Replace the version's files (old ones are deleted) and mark it ready."""
    old = [f.name for f in (version.html, version.pdf) if f and f.name]
    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    name = f"{version.kind}-report-{version.pk}-{stamp}"
    version.html.save(f"{name}.html", ContentFile(html.encode()), save=False)
    version.pdf.save(f"{name}.pdf", ContentFile(pdf), save=False)
    version.pages = pages
    version.status = ReportStatus.DONE
    version.progress = 100
    version.step = ""
    version.error = ""
    version.finished_at = timezone.now()
    version.save()
    stale = [path for path in old if path not in (version.html.name, version.pdf.name)]
    drop_files_after_commit(version.html.storage, stale)


def drop_files_after_commit(storage: Any, names: list[str]) -> None:
    """Delete files once the change that unlinked them is committed (a rollback keeps them)."""
    if names:
        transaction.on_commit(lambda: [storage.delete(name) for name in names])


def delete_version(version: ReportVersion) -> None:
    """Delete the version; its files go once that is committed (see ``apps.py``)."""
    version.delete()


def read_html(version: ReportVersion) -> str:
    with version.html.open("rb") as handle:
        return handle.read().decode()


def rerender(version: ReportVersion) -> None:
    """Render a kept version again, synchronously, from the data as it is now."""
    html = render.render_html(version)
    pdf, pages = render.render_pdf(html)
    store(version, html=html, pdf=pdf, pages=pages)
