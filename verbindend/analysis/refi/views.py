"""Exchange pages: download a study as REFI-QDA, upload a file from another tool → preview →
confirm → report. Permissions come from the policy (researchers of the study)."""

from __future__ import annotations

import re
import secrets
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import PurePosixPath
from typing import cast

from asgiref.sync import sync_to_async
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from verbindend.accounts.models import User
from verbindend.analysis.access import study_for
from verbindend.analysis.refi import export, importer
from verbindend.analysis.refi.safety import Refused
from verbindend.analysis.refi.spec import LIMITS
from verbindend.core import exports, policy
from verbindend.core.errors import DomainError
from verbindend.studies.models import Study

SUFFIXES = (".qdpx", ".qde", ".qdc")
TOKEN = re.compile(r"^[0-9a-f]{32}$")
PENDING_FOR = timedelta(days=1)


async def _async(chunks: Iterator[bytes]) -> AsyncIterator[bytes]:
    """Hand a sync stream to the ASGI server piece by piece (a sync iterator would be read
    into memory whole); each piece is made in the request's thread, where its cursor lives."""

    def step() -> bytes | None:
        return next(chunks, None)

    following = sync_to_async(step, thread_sensitive=True)
    while (chunk := await following()) is not None:
        yield chunk


def _download(chunks: Iterator[bytes], filename: str, content_type: str) -> StreamingHttpResponse:
    stem, _dot, extension = filename.rpartition(".")
    response: StreamingHttpResponse = exports.stream(stem, extension, chunks, content_type)
    return response


@require_GET
def exchange(request: HttpRequest, slug: str) -> HttpResponse:
    study = study_for(request, slug, "exchange.export")
    return render(
        request,
        "analysis/exchange.html",
        {"study": study, "can_import": policy.can(request.user, "exchange.import", study)},
    )


@require_GET
def export_project(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    study = study_for(request, slug, "exchange.export")
    return _download(export.project_chunks(study), f"{study.slug}.qdpx", "application/zip")


@require_GET
def export_codebook(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    study = study_for(request, slug, "exchange.export")
    return _download(export.codebook_chunks(study), f"{study.slug}.qdc", "application/xml")


def _pending(study: Study, token: str, suffix: str) -> str:
    return f"refi/pending/{study.pk}/{token}{suffix}"


def _forget_old_uploads(study: Study) -> None:
    """Uploads whose preview was never confirmed are deleted after a day."""
    folder = f"refi/pending/{study.pk}"
    try:
        _dirs, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    limit = timezone.now() - PENDING_FOR
    for name in files:
        path = f"{folder}/{name}"
        if default_storage.get_modified_time(path) < limit:
            default_storage.delete(path)


def _read(study: Study, token: str, suffix: str) -> importer.Plan:
    with default_storage.open(_pending(study, token, suffix), "rb") as handle:
        return importer.read(handle, f"upload{suffix}")


@require_POST
def import_preview(request: HttpRequest, slug: str) -> HttpResponse:
    """Keep the upload aside, read it, and show what would be imported (nothing is written)."""
    study = study_for(request, slug, "exchange.import")
    upload = request.FILES.get("file")
    if not isinstance(upload, UploadedFile):
        raise DomainError("refi.no_file", _("Choose a .qdpx, .qde or .qdc file."))
    suffix = PurePosixPath((upload.name or "").lower()).suffix
    if suffix not in SUFFIXES:
        raise DomainError("refi.suffix", _("Choose a .qdpx, .qde or .qdc file."))
    if (upload.size or 0) > LIMITS.max_upload:
        raise DomainError("refi.too_large", _("The file is too large."))
    _forget_old_uploads(study)
    token = secrets.token_hex(16)
    default_storage.save(_pending(study, token, suffix), upload)
    try:
        plan = _read(study, token, suffix)
    except Refused as error:
        default_storage.delete(_pending(study, token, suffix))
        return render(
            request,
            "analysis/exchange_preview.html",
            {"study": study, "problems": error.problems, "filename": upload.name},
            status=400,
        )
    if not plan.ok:
        default_storage.delete(_pending(study, token, suffix))
    return render(
        request,
        "analysis/exchange_preview.html",
        {
            "study": study,
            "plan": plan,
            "counts": plan.counts(),
            "users": list(importer.match_users(plan, study).values()) if plan.ok else [],
            "problems": plan.problems,
            "token": token if plan.ok else "",
            "suffix": suffix,
            "filename": upload.name,
        },
        status=200 if plan.ok else 400,
    )


@require_POST
def import_confirm(request: HttpRequest, slug: str) -> HttpResponse:
    """Import the file shown in the preview, all or nothing, and report what was done."""
    study = study_for(request, slug, "exchange.import")
    token = request.POST.get("token", "")
    suffix = request.POST.get("suffix", "")
    if not TOKEN.match(token) or suffix not in SUFFIXES:
        raise DomainError("refi.token", _("This upload is unknown; upload the file again."))
    name = _pending(study, token, suffix)
    if not default_storage.exists(name):
        raise DomainError("refi.token", _("This upload is unknown; upload the file again."))
    try:
        plan = _read(study, token, suffix)
        report = importer.apply(plan, study=study, user=cast(User, request.user))
    except Refused as error:
        return render(
            request,
            "analysis/exchange_preview.html",
            {"study": study, "problems": error.problems},
            status=400,
        )
    finally:
        default_storage.delete(name)
    labels = {
        "users": _("Users"),
        "codes": _("Codes"),
        "sources": _("Sources (documents)"),
        "cases": _("Cases (respondents)"),
        "codings": _("Codings"),
        "notes": _("Notes (memos)"),
    }
    rows = [(labels[k], n, report.found.get(k, 0)) for k, n in report.created.items()]
    return render(
        request,
        "analysis/exchange_report.html",
        {"study": study, "report": report, "rows": rows},
    )
