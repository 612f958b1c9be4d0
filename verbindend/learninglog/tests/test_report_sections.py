"""The learning log's report sections build sensible context and their templates render."""

from __future__ import annotations

from datetime import date

import pytest
from django.template.loader import render_to_string

from verbindend.learninglog import demo
from verbindend.learninglog.models import Entry
from verbindend.learninglog.report_sections import SECTIONS
from verbindend.networks.models import Network
from verbindend.reports.sections import ReportRequest, all_sections
from verbindend.testing.personas import Personas


@pytest.fixture
def demo_network(personas: Personas) -> Network:
    demo.extend_demo(network=personas.network, study=personas.study)
    return personas.network


def test_the_sections_are_found_in_report_order() -> None:
    found = {s.key: s.order for s in all_sections()}
    assert found["learning_goals"] == 20
    assert found["learning_log"] == 60
    assert found["knowledge_carriers"] == 70


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_section_builds_and_renders_for_the_demo(
    demo_network: Network, language: str
) -> None:
    request = ReportRequest(network=demo_network, language=language)
    for section in SECTIONS:
        context = section.build(request)
        html = render_to_string(section.template, context)
        assert html.strip(), section.key
    log = SECTIONS[1].build(request)
    assert log["total"] == Entry.objects.filter(network=demo_network, status="recorded").count()
    counts = [c["count"] for c in log["counts"]]
    assert counts == sorted(counts, reverse=True) and counts[0] > counts[-1] > 0
    carriers = SECTIONS[2].build(request)
    assert "<svg" in carriers["svg"]
    assert any(t["risk_class"] == "high" for t in carriers["types"])
    goals = SECTIONS[0].build(request)["goals"]
    assert goals and any(g["revisits"] for g in goals)
    if language == "nl":
        assert log["counts"][0]["title"] == "Individuen leren"


def test_the_period_limits_the_log(demo_network: Network) -> None:
    everything = SECTIONS[1].build(ReportRequest(network=demo_network))
    recent = SECTIONS[1].build(ReportRequest(network=demo_network, start=date(2025, 1, 1)))
    assert 0 < recent["total"] < everything["total"]
    assert all(row["on"] >= date(2025, 1, 1) for row in recent["entries"])


def test_an_empty_network_renders_empty_states(personas: Personas) -> None:
    request = ReportRequest(network=personas.other_network)
    texts = [render_to_string(s.template, s.build(request)) for s in SECTIONS]
    assert "not set learning goals" in texts[0]
    assert "No changes were recorded" in texts[1]
    assert "not mapped its knowledge carriers" in texts[2]


def test_the_network_report_renders_the_learning_log_sections(
    demo_network: Network, personas: Personas
) -> None:
    from verbindend.reports import services as reports

    version = reports.request_report(
        scope=demo_network,
        by=personas.coordinator,
        sections=["learning_goals", "learning_log", "knowledge_carriers"],
        language="nl",
    )
    version.refresh_from_db()
    html = reports.read_html(version)
    assert "Leerdoelen" in html and "Kennisdragers" in html
    assert "Individuen leren" in html
    assert 'id="carriers-t"' in html
