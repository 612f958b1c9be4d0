"""Erasure leaves no kept report holding the subject's name; export lists what they asked for."""

from __future__ import annotations

import io
from typing import Any

import pypdf
import pytest

from verbindend.live.models import LiveSession, Synthesis
from verbindend.privacy.personal_data import DataSubject, modules
from verbindend.reports import personal_data, services
from verbindend.reports.models import ReportVersion
from verbindend.reports.tests.builders import finished_version
from verbindend.testing.personas import Personas

PSEUDONYM = "Persoon K7QX"


def pdf_text(version: ReportVersion) -> str:
    with version.pdf.open("rb") as handle:
        reader = pypdf.PdfReader(io.BytesIO(handle.read()))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def report_with_note(personas: Personas, note: str) -> tuple[ReportVersion, Synthesis]:
    session = LiveSession.objects.create(network=personas.network, title="Focusgroep")
    synthesis = Synthesis.objects.create(session=session, notes=note)
    version = services.request_report(
        scope=personas.network,
        by=personas.coordinator,
        sections=["profile", "focus_groups"],
        language="nl",
    )
    version.refresh_from_db()
    assert "Ann Noord" in services.read_html(version) and "Ann Noord" in pdf_text(version)
    return version, synthesis


def test_the_reports_app_comes_last() -> None:
    labels = [label for label, _module in modules()]
    assert labels[-1] == "reports"


def test_a_name_still_in_the_data_is_redacted_from_every_kept_version(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    version, _synthesis = report_with_note(personas, "Ann Noord bracht het thema aan.")
    old_files = (version.html.name, version.pdf.name)
    with django_capture_on_commit_callbacks(execute=True):
        personal_data.erase(DataSubject(person=personas.person), pseudonym=PSEUDONYM)
    version.refresh_from_db()
    html = services.read_html(version)
    assert "Ann Noord" not in html and "ann noord" not in html.lower()
    assert PSEUDONYM in html and f"{PSEUDONYM} bracht het thema aan." in html
    assert "Ann Noord" not in pdf_text(version) and PSEUDONYM in pdf_text(version)
    assert version.redacted
    assert (version.html.name, version.pdf.name) != old_files
    assert not version.html.storage.exists(old_files[0])
    assert not version.pdf.storage.exists(old_files[1])


def test_a_version_is_rendered_again_from_the_erased_data(personas: Personas) -> None:
    version, synthesis = report_with_note(personas, "Ann Noord bracht het thema aan.")
    # what the live app's own erasure does before ours runs
    Synthesis.objects.filter(pk=synthesis.pk).update(notes=f"{PSEUDONYM} bracht het aan.")
    personal_data.erase(DataSubject(person=personas.person), pseudonym=PSEUDONYM)
    version.refresh_from_db()
    html = services.read_html(version)
    assert "Ann Noord" not in html and f"{PSEUDONYM} bracht het aan." in html
    assert not version.redacted


def test_versions_that_do_not_mention_the_subject_stay_as_they_were(
    personas: Personas,
) -> None:
    version = finished_version(personas.network)
    before = (version.html.name, version.pdf.name, services.read_html(version))
    personal_data.erase(DataSubject(person=personas.person), pseudonym=PSEUDONYM)
    version.refresh_from_db()
    assert (version.html.name, version.pdf.name, services.read_html(version)) == before


def test_short_names_do_not_blank_ordinary_words(personas: Personas) -> None:
    personas.person.name = "An"
    version = finished_version(personas.network, html="<html><body><p>An anders</p></body></html>")
    personal_data.erase(DataSubject(person=personas.person), pseudonym=PSEUDONYM)
    version.refresh_from_db()
    assert "An anders" in services.read_html(version)


def test_redaction_leaves_the_stylesheet_alone() -> None:
    pattern = personal_data._pattern(["Arial"])
    assert pattern is not None
    page = "<style>p { font-family: Arial; }</style><p>Arial zei</p>"
    assert personal_data.redact(page, pattern, "X") == (
        "<style>p { font-family: Arial; }</style><p>X zei</p>"
    )


def test_export_lists_the_versions_the_user_asked_for_and_erase_unlinks_them(
    personas: Personas,
) -> None:
    finished_version(personas.network, requested_by=personas.coordinator)
    finished_version(personas.network, requested_by=personas.facilitator)
    subject = DataSubject(user=personas.coordinator)
    exported = personal_data.export(subject)
    rows = exported["Report versions asked for"]
    assert len(rows) == 1 and rows[0]["scope"] == "Netwerk Noord"
    personal_data.erase(subject, pseudonym=PSEUDONYM)
    assert not ReportVersion.objects.filter(requested_by=personas.coordinator).exists()
    assert ReportVersion.objects.filter(requested_by=personas.facilitator).exists()
    assert personal_data.export(DataSubject(participant=None)) == {}


@pytest.mark.parametrize("name", ["O'Brien Noord", "Zoë & Co"])
def test_names_written_as_html_entities_are_found_too(personas: Personas, name: str) -> None:
    from django.utils.html import escape

    version = finished_version(
        personas.network, html=f"<html><body><p>{escape(name)} was er.</p></body></html>"
    )
    personas.person.name = name
    personal_data.erase(DataSubject(person=personas.person), pseudonym=PSEUDONYM)
    version.refresh_from_db()
    html = services.read_html(version)
    assert escape(name) not in html and name not in html
