"""Test helpers: a finished report version with real (small) files, without a full render."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.utils import timezone

from verbindend.reports import render, services
from verbindend.reports.models import ReportKind, ReportStatus, ReportVersion


@cache
def small_pdf() -> tuple[bytes, int]:
    return render.render_pdf("<!doctype html><html><body><p>Klein verslag</p></body></html>")


def finished_version(scope: Any, *, html: str = "", **extra: Any) -> ReportVersion:
    from verbindend.networks.models import Network

    network = isinstance(scope, Network)
    version = ReportVersion.objects.create(
        kind=ReportKind.NETWORK if network else ReportKind.STUDY,
        network=scope if network else None,
        study=None if network else scope,
        sections=["profile"] if network else ["codebook"],
        status=ReportStatus.WAITING,
        **extra,
    )
    page = html or (
        "<!doctype html><html><head><style>p { color: #123456; }</style></head>"
        f"<body><p>Verslag van {scope.name}</p></body></html>"
    )
    pdf, pages = small_pdf()
    services.store(version, html=page, pdf=pdf, pages=pages)
    ReportVersion.objects.filter(pk=version.pk).update(finished_at=timezone.now())
    version.refresh_from_db()
    return version
