"""The demo network's report as a PDF: pages, words, drawings, and nothing wider than the page."""

from __future__ import annotations

import io

import pypdf
import pytest

from verbindend.core.demo import load_demo
from verbindend.reports import render, services
from verbindend.reports.models import ReportStatus, ReportVersion
from verbindend.testing.pdf import overflowing, walk

A4_POINTS = (595.28, 841.89)
DUTCH_TITLES = [
    "Netwerkprofiel",
    "Scanresultaten",
    "Historielijnen en gedeelde momenten",
    "Focusgroepthema's",
]


@pytest.fixture
def demo_report(db: None) -> tuple[ReportVersion, str, bytes]:
    network = load_demo()
    version = services.request_report(
        scope=network,
        by=None,
        sections=[s.key for s in render.available("network")],
        language="nl",
    )
    version.refresh_from_db()
    assert version.status == ReportStatus.DONE, version.error
    with version.pdf.open("rb") as handle:
        pdf = handle.read()
    return version, services.read_html(version), pdf


def test_the_demo_report_pdf(demo_report: tuple[ReportVersion, str, bytes]) -> None:
    version, html, pdf = demo_report
    reader = pypdf.PdfReader(io.BytesIO(pdf))

    # several A4 pages, as many as the version says
    assert len(reader.pages) > 1 and len(reader.pages) == version.pages
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - A4_POINTS[0]) <= 1 and abs(height - A4_POINTS[1]) <= 1

    # the section titles in the chosen language, an organisation, the page numbers
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    for title in DUTCH_TITLES:
        assert title in text, title
    assert "De Stek vzw" in text and "Werkwinkel Gent" in text
    assert f"2 / {len(reader.pages)}" in text

    # the charts are drawn: the radar, the trend and the history-line overlay are laid out as
    # real pictures, and the PDF pages draw them (form XObjects with their paths)
    document = render.layout(html)
    drawings = [
        box
        for page in document.pages
        for box in walk(page._page_box)
        if str(getattr(box, "element_tag", "")).endswith("svg") and hasattr(box, "replacement")
    ]
    assert len(drawings) >= 3
    assert all(box.width > 200 and box.height > 100 for box in drawings)
    drawn_pages = [
        page
        for page in reader.pages
        if "/XObject" in page["/Resources"]  # type: ignore[operator]
        and b" Do" in page.get_contents().get_data()  # type: ignore[union-attr]
    ]
    assert len(drawn_pages) >= 2

    # nothing sticks out beyond the right edge of the page's content area
    assert overflowing(document, at_least=500) == []


def test_the_demo_study_report_stays_on_the_page(db: None) -> None:
    """The matrices (a column per case, level or attribute value) and heat maps fit A4."""
    from verbindend.studies.models import Study

    load_demo()
    study = Study.objects.get(slug="verbindend-leren-gent")
    version = services.request_report(
        scope=study, by=None, sections=[s.key for s in render.available("study")], language="en"
    )
    version.refresh_from_db()
    assert version.status == ReportStatus.DONE, version.error
    document = render.layout(services.read_html(version))
    assert len(document.pages) > 1
    assert overflowing(document, at_least=500) == []


def test_long_words_and_wide_tables_stay_on_the_page(db: None) -> None:
    """A name without spaces and a matrix with many columns wrap instead of overflowing."""
    from django.template.loader import render_to_string

    word = "Samenwerkingsverbandsondersteuningsorganisatie" * 3
    cells = "".join(f"<th>{word[:20]}{n}</th>" for n in range(18))
    body = f"<h2>{word}</h2><table class='report-table'><tr>{cells}</tr></table><p>{word}</p>"
    css = render_to_string("reports/report.css")
    document = render.layout(f"<html><head><style>{css}</style></head><body>{body}</body></html>")
    assert overflowing(document, at_least=3) == []
