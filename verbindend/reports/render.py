"""Turning a report version into one self-contained HTML page and an A4 PDF.

The HTML embeds its stylesheet and draws every chart as inline SVG, so the same file reads in a
browser, prints, and goes through WeasyPrint without fetching anything: the PDF's URL fetcher
accepts ``data:`` URIs only and refuses every other address.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString

from verbindend.reports import audiences
from verbindend.reports import sections as report_sections
from verbindend.reports.models import ReportKind, ReportVersion
from verbindend.reports.sections import ReportRequest, ReportSection

Progress = Callable[[int, str], None]


def available(kind: str) -> list[ReportSection]:
    """The sections a report of this kind can hold, in report order."""
    return report_sections.all_sections("study" if kind == ReportKind.STUDY else "network")


def request_for(version: ReportVersion) -> ReportRequest:
    return ReportRequest(
        network=version.network,
        study=version.study,
        start=version.start,
        end=version.end,
        language=version.language,
        sections=tuple(version.sections),
        audience=version.audience,
        brief=version.kind == ReportKind.NETWORK and audiences.template(version.audience).brief,
    )


@dataclass
class RenderedSection:
    key: str
    title: str
    body: SafeString


def render_html(version: ReportVersion, progress: Progress | None = None) -> str:
    """Build and render each chosen section in the report's language; then the whole page."""
    request = request_for(version)
    chosen = [s for s in available(version.kind) if request.wants(s.key)]
    parts: list[RenderedSection] = []
    with translation.override(version.language):
        for number, section in enumerate(chosen):
            if progress:
                progress(round(90 * number / max(1, len(chosen))), str(section.title))
            context = section.build(request)
            body = render_to_string(section.template, {**context, "report": request})
            parts.append(RenderedSection(section.key, str(section.title), body))
        return render_to_string(
            "reports/document.html",
            {
                "version": version,
                "scope": version.scope,
                "request": request,
                "parts": parts,
                "generated": timezone.localtime(),
                "language": version.language,
                "audience": audiences.template(version.audience)
                if version.kind == ReportKind.NETWORK
                else None,
            },
        )


@cache
def _local_only_class() -> type:
    from weasyprint.urls import URLFetcher  # WeasyPrint loads when a PDF is made, not at start-up

    class LocalOnlyFetcher(URLFetcher):
        """Fetch ``data:`` URIs only: a report never reaches a server or the file system."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if not url.startswith("data:"):
                raise ValueError(f"a report fetches nothing outside itself, not {url[:80]}")
            return super().fetch(url, headers)

    return LocalOnlyFetcher


def local_only_fetcher() -> Any:
    """WeasyPrint's URL fetcher, limited to ``data:`` URIs."""
    return _local_only_class()()


def render_pdf(html: str) -> tuple[bytes, int]:
    """The PDF and its number of pages."""
    import weasyprint

    document = weasyprint.HTML(string=html, url_fetcher=local_only_fetcher()).render()
    return document.write_pdf(), len(document.pages)


def layout(html: str) -> Any:
    """WeasyPrint's laid-out document (for checks on boxes and pages)."""
    import weasyprint

    return weasyprint.HTML(string=html, url_fetcher=local_only_fetcher()).render()
