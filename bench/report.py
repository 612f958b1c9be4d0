"""The demo network's learning report as a PDF for every audience, rendered as the worker does it.

Measured per audience (members, board, funders, training group): the median whole rendering of one
version; ``pdf_s`` is the slowest audience's median (the target applies to it), ``audiences`` how
many were rendered, ``per_audience_s`` each median. For the members' report (every section) also:
the median whole rendering of one version (every section built and rendered in
its language, the page laid out and written as PDF by WeasyPrint, both files stored), and
``html_s`` = building and rendering the sections only; ``pdf_first_s`` = the first version a
fresh process renders (fonts and templates still to load). Baseline in the same run: WeasyPrint on
a plain page with the same words and no charts (``baseline_plain_pdf_s``), so the ratio shows
what the report's layout and pictures cost beyond setting its text.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from html import escape, unescape

from bench._common import emit, fresh_database, median, setup_django, size

REPEAT = size(3, 1)
TARGET_S = 5.0


def plain_page(html: str) -> str:
    """The report's words as plain paragraphs: no stylesheet, no SVG, no tables."""
    body = re.sub(r"<svg.*?</svg>", " ", html, flags=re.DOTALL)
    body = re.sub(r"<style>.*?</style>", " ", body, flags=re.DOTALL)
    text = re.sub(r"<[^>]+>", "\n", body)
    lines = [" ".join(line.split()) for line in unescape(text).splitlines()]
    paragraphs = "".join(f"<p>{escape(line)}</p>" for line in lines if line)
    return f"<!doctype html><html><body>{paragraphs}</body></html>"


def main() -> None:
    media = tempfile.mkdtemp(prefix="verbindend-bench-media-")
    os.environ["MEDIA_ROOT"] = media
    with fresh_database() as url:
        setup_django(url)
        from verbindend.core.demo import load_demo
        from verbindend.reports import render, services
        from verbindend.reports.audiences import TEMPLATES, Audience
        from verbindend.reports.models import ReportStatus, ReportVersion

        began = time.perf_counter()
        network = load_demo()
        load_s = time.perf_counter() - began
        keys = [s.key for s in render.available("network")]

        def one(audience: str = Audience.MEMBERS) -> tuple[float, ReportVersion]:
            chosen = keys if audience == Audience.MEMBERS else list(TEMPLATES[audience].sections)
            version = ReportVersion.objects.create(
                kind="network", network=network, sections=chosen, language="nl", audience=audience
            )
            began = time.perf_counter()
            services.run(version.pk)  # what the worker runs for one version
            took = time.perf_counter() - began
            version.refresh_from_db()
            assert version.status == ReportStatus.DONE, version.error
            return took, version

        first, version = one()  # a fresh worker process: fonts and templates not yet loaded
        full, html_only, plain = [], [], []
        for _ in range(REPEAT):
            took, version = one()
            full.append(took)
            began = time.perf_counter()
            html = render.render_html(version)
            html_only.append(time.perf_counter() - began)
            page = plain_page(html)
            began = time.perf_counter()
            render.render_pdf(page)
            plain.append(time.perf_counter() - began)
        pages, size_bytes = version.pages, version.pdf.size
        per_audience = {Audience.MEMBERS.value: median(full)}
        audience_pages = {Audience.MEMBERS.value: pages}
        for audience in Audience.values:
            if audience == Audience.MEMBERS:
                continue
            times = []
            for _ in range(REPEAT):
                took, rendered = one(audience)
                times.append(took)
            per_audience[audience] = median(times)
            audience_pages[audience] = rendered.pages
    emit(
        {
            "bench": "report",
            "sections": keys,
            "pages": pages,
            "pdf_bytes": size_bytes,
            "pdf_s": round(max(per_audience.values()), 2),
            "members_pdf_s": round(median(full), 2),
            "audiences": len(per_audience),
            "per_audience_s": {k: round(v, 2) for k, v in per_audience.items()},
            "audience_pages": audience_pages,
            "pdf_target_s": TARGET_S,
            "pdf_first_s": round(first, 2),
            "html_s": round(median(html_only), 2),
            "baseline_plain_pdf_s": round(median(plain), 2),
            "ratio_to_plain": round(median(full) / max(median(plain), 1e-9), 1),
            "demo_load_s": round(load_s, 1),
            "repeat": REPEAT,
        }
    )


if __name__ == "__main__":
    main()
