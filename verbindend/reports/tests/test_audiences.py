"""Reports per audience on the demo network: sections, opening, period, one count, the PDF."""

from __future__ import annotations

import io
import re

import pypdf
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from verbindend.core.demo import load_demo
from verbindend.learninglog.models import Entry, EntryStatus
from verbindend.networks import counts
from verbindend.networks.models import Network, OrganisationMembership
from verbindend.reports import render, services
from verbindend.reports.audiences import TEMPLATES, Audience
from verbindend.reports.models import ReportStatus, ReportVersion
from verbindend.testing.pdf import overflowing

A4_POINTS = (595.28, 841.89)


def titles() -> dict[str, str]:
    with translation.override("en"):
        return {s.key: str(s.title) for s in render.available("network")}


def version_for(network: Network, audience: str, **extra: object) -> ReportVersion:
    """An unsaved version with the audience's own sections, as the form suggests them."""
    return ReportVersion(
        kind="network",
        network=network,
        audience=audience,
        sections=list(TEMPLATES[audience].sections),
        language="en",
        **extra,  # type: ignore[arg-type]
    )


def headings(html: str) -> list[str]:
    return re.findall(r'<section class="report-section" id="section-([a-z_]+)">', html)


@pytest.fixture
def demo(db: None) -> Network:
    return load_demo()


def test_each_audience_gets_its_own_sections_title_and_opening(demo: Network) -> None:
    known = titles()
    for audience in Audience.values:
        spec = TEMPLATES[audience]
        html = render.render_html(version_for(demo, audience))
        assert headings(html) == [k for k in known if k in spec.sections], audience
        with translation.override("en"):
            assert str(spec.title) in html and str(spec.opening) in html
        for key, title in known.items():
            if key not in spec.sections:
                assert f"<h2>{title}</h2>" not in html, (audience, key)
    # the board reads a brief log; the members every change of the period
    recorded = Entry.objects.filter(network=demo, status=EntryStatus.RECORDED).count()
    members = render.render_html(version_for(demo, Audience.MEMBERS))
    board = render.render_html(version_for(demo, Audience.BOARD))
    first = Entry.objects.filter(network=demo, status=EntryStatus.RECORDED).order_by(
        "happened_on", "pk"
    )
    assert all(e.title in members for e in first)
    if recorded > 10:
        assert sum(e.title in board for e in first) == 10


def test_the_period_holds_in_every_section(demo: Network) -> None:
    entries = list(Entry.objects.filter(network=demo, status=EntryStatus.RECORDED))
    days = sorted({e.happened_on for e in entries})
    assert len(days) >= 3, "the demo log spans several dates"
    start, end = days[1], days[-2]
    inside = [e for e in entries if start <= e.happened_on <= end]
    outside = [e for e in entries if not start <= e.happened_on <= end]
    assert inside and outside
    for audience in (Audience.MEMBERS, Audience.TRAINING):
        html = render.render_html(version_for(demo, audience, start=start, end=end))
        for entry in inside:
            assert entry.title in html, entry.title
        for entry in outside:
            assert entry.title not in html, entry.title
    # the organisation that left before the period's end is not counted as a member
    left = OrganisationMembership.objects.filter(network=demo, left_on__isnull=False).first()
    assert left is not None and left.left_on is not None
    html = render.render_html(
        version_for(demo, Audience.MEMBERS, end=left.left_on.replace(year=2022))
    )
    assert "Left the network" in html and left.organisation.name in html


def test_one_organisation_count_on_the_profile_page_and_in_every_report(demo: Network) -> None:
    from verbindend.accounts.models import User

    expected = counts.organisation_count(demo)
    ever = OrganisationMembership.objects.filter(network=demo).values("organisation").distinct()
    assert ever.count() > expected, "the demo keeps an organisation that left"
    coordinator = User.objects.filter(network_roles__network=demo).first()
    client = Client()
    client.force_login(coordinator)
    page = client.get(reverse("networks:detail", args=[demo.slug])).content.decode()
    shown = re.search(r"<dt>Organisations</dt><dd>(\d+)</dd>", page) or re.search(
        r"<dt>Organisaties</dt><dd>(\d+)</dd>", page
    )
    assert shown and int(shown.group(1)) == expected
    for audience in Audience.values:
        version = version_for(demo, audience)
        version.sections = ["key_figures", "profile"]
        html = render.render_html(version)
        figure = re.search(r'data-figure="organisations"><th scope="row">[^<]+</th><td>(\d+)', html)
        heading = re.search(r'data-count="organisations">(\d+) organisations', html)
        assert figure and heading
        assert int(figure.group(1)) == int(heading.group(1)) == expected, audience


def test_every_audience_as_pdf_with_its_headings_and_text_alternatives(demo: Network) -> None:
    for audience in Audience.values:
        version = services.request_report(
            scope=demo,
            by=None,
            sections=list(TEMPLATES[audience].sections),
            language="nl",
            audience=audience,
        )
        version.refresh_from_db()
        assert version.status == ReportStatus.DONE, version.error
        html = services.read_html(version)
        with version.pdf.open("rb") as handle:
            reader = pypdf.PdfReader(io.BytesIO(handle.read()))
        assert len(reader.pages) == version.pages >= 2
        for page in reader.pages:
            assert abs(float(page.mediabox.width) - A4_POINTS[0]) <= 1
            assert abs(float(page.mediabox.height) - A4_POINTS[1]) <= 1
        text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
        with translation.override("nl"):
            assert str(TEMPLATES[audience].title) in text
            for section in render.available("network"):
                if section.key in TEMPLATES[audience].sections:
                    assert str(section.title) in text, (audience, section.key)
        assert f"2 / {len(reader.pages)}" in text
        # every chart says in words what it draws
        charts = re.findall(r"<svg\b[^>]*>.*?</svg>", html, flags=re.DOTALL)
        assert charts, audience
        for svg in charts:
            assert 'role="img"' in svg[:400] and "<title" in svg, svg[:200]
        # a phone can read the HTML: it scales to the screen's width
        assert 'name="viewport" content="width=device-width' in html
        assert overflowing(render.layout(html), at_least=100) == []
