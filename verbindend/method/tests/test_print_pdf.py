"""The print view renders to an A4 PDF with the visual aids drawn and nothing overflowing."""

from __future__ import annotations

import io
from typing import Any

import pypdf
import pytest
import weasyprint
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from weasyprint.urls import URLFetcher, URLFetcherResponse

from verbindend.method import aids, content
from verbindend.testing.pdf import overflowing, walk

BASE = "http://verbindend.test"
A4_POINTS = (595.28, 841.89)


class StaticFetcher(URLFetcher):  # type: ignore[misc]
    """Serve /static/ from the static files finders; fetch nothing else."""

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        prefix = f"{BASE}/static/"
        if not url.startswith(prefix):
            raise ValueError(f"the print view must not need {url}")
        path = finders.find(url.removeprefix(prefix))
        assert path, url
        with open(str(path), "rb") as handle:
            body = handle.read()
        kind = "text/css" if url.endswith(".css") else "application/octet-stream"
        return URLFetcherResponse(url, body, {"Content-Type": kind})


@pytest.fixture(scope="module", params=["nl", "en"])
def rendered(request: pytest.FixtureRequest) -> tuple[str, Any, bytes]:
    client = Client()
    client.cookies["django_language"] = request.param
    response = client.get(reverse("method:print"))
    assert response.status_code == 200
    html = response.content.decode()
    document = weasyprint.HTML(
        string=html, base_url=f"{BASE}/method/print/", url_fetcher=StaticFetcher()
    ).render()
    return request.param, document, document.write_pdf()


def test_the_pdf_is_a4_with_a_sensible_number_of_pages(rendered: tuple[str, Any, bytes]) -> None:
    _lang, _document, pdf = rendered
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert 15 <= len(reader.pages) <= 90
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - A4_POINTS[0]) <= 1 and abs(height - A4_POINTS[1]) <= 1


def test_the_pdf_holds_the_principles_and_the_credit(rendered: tuple[str, Any, bytes]) -> None:
    lang, _document, pdf = rendered
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    for principle in content.of_kind("principle"):
        assert principle.text("title", lang) in text
        for reflection in principle.children("reflection"):
            assert reflection.text("question", lang)[:40] in text
    assert "Opstaele" in text and "Arteveldehogeschool" in text
    # words that only the drawings carry: the history line's axis and the staircase's steps
    frame = content.get("aid.history_line_frame")
    assert frame.text("y_axis", lang) in text
    assert f"Method content version {content.version()}" in text or content.version() in text


def test_every_visual_aid_is_drawn_with_a_real_size(rendered: tuple[str, Any, bytes]) -> None:
    _lang, document, _pdf = rendered
    drawn = [
        box
        for page in document.pages
        for box in walk(page._page_box)
        if str(getattr(box, "element_tag", "")).endswith("svg") and hasattr(box, "replacement")
    ]
    keys = {box.element.get("data-key") for box in drawn}
    assert {f"aid.{name}" for name in aids.names()} <= keys
    assert all(box.width > 100 and box.height > 50 for box in drawn)


def test_nothing_overflows_the_page_width(rendered: tuple[str, Any, bytes]) -> None:
    _lang, document, _pdf = rendered
    problems = overflowing(document, at_least=1000)
    assert not problems, "\n".join(problems[:20])
