"""The must-show: after erasure no table, file or export holds the person's name, address or free
text — except what she said in her transcript, kept under her pseudonym when consent allowed it —
and a closed scan round's aggregates are exactly as they were."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import translation
from pypdf import PdfReader

from verbindend.analysis.models import Coding
from verbindend.privacy import rights
from verbindend.privacy.models import Pseudonym
from verbindend.privacy.personal_data import DataSubject
from verbindend.privacy.tests.conftest import EMAIL, FREE_TEXTS, NAME, SAID, build_griet
from verbindend.reports.services import request_report
from verbindend.scan import results
from verbindend.studies.models import Document
from verbindend.testing.personas import Personas


def every_text_value() -> list[tuple[str, str]]:
    """(where, text) for every text and JSON value of every model of every installed app."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        if not fields:
            continue
        for row in model._default_manager.values_list("pk", *[f.name for f in fields]):
            for field, value in zip(fields, row[1:], strict=True):
                if value in (None, "", [], {}):
                    continue
                text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                found.append((f"{model._meta.label}.{field.name}#{row[0]}", text))
    return found


def readable(path: Path) -> str:
    """A file's text as a reader sees it: a PDF's extracted text, anything else decoded."""
    if path.suffix == ".pdf":
        return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
    return path.read_bytes().decode("utf-8", "replace")


def every_file() -> list[tuple[str, str]]:
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return []
    return [(str(path), readable(path)) for path in root.rglob("*") if path.is_file()]


def numbers(result: results.RoundResult) -> Any:
    """A round's aggregates without the comments (free text, erased by design).

    When the snapshot was taken is not a figure (a plain computation has no time stamp); that
    erasure takes no new snapshot is checked on its own.
    """
    data = asdict(result)
    data.pop("taken_at")
    for principle in data["principles"]:
        principle.pop("comments")
    return data


def hits(places: list[tuple[str, str]], needle: str) -> list[str]:
    return [where for where, text in places if needle.lower() in text.lower()]


@pytest.mark.parametrize("consent", [True, False], ids=["with-consent", "without-consent"])
def test_erasure_leaves_no_trace_but_the_pseudonym(
    personas: Personas, consent: bool, django_capture_on_commit_callbacks: Any
) -> None:
    griet = build_griet(personas, consent=consent)
    before = numbers(results.compute(griet.round))
    # the closed round's results as members read them: a stored snapshot that holds her comment
    published = results.for_round(griet.round)
    assert published.taken_at and numbers(published) == before
    assert any(p.comments for p in published.principles)
    # a kept network report that names her (the knowledge-carrier map lists her)
    report = request_report(
        scope=personas.network,
        by=personas.coordinator,
        sections=["knowledge_carriers", "learning_log"],
        language="nl",
    )
    report.refresh_from_db()
    assert report.pdf and hits([("report.pdf", readable(Path(report.pdf.path)))], NAME)
    everything = every_text_value() + every_file()
    for needle in [NAME, EMAIL, SAID, *FREE_TEXTS]:
        assert hits(everything, needle), f"the test data lacks {needle!r}"

    subject = DataSubject(person=griet.person, user=griet.user)
    with django_capture_on_commit_callbacks(execute=True):
        pseudonym = rights.erase_subject(subject, by=personas.admin)

    griet.user.refresh_from_db()
    griet.person.refresh_from_db()
    export = rights.export_subject(DataSubject(person=griet.person, user=griet.user))
    places = every_text_value() + every_file()
    places.append(("export.json", rights.export_json(export)))
    places.append(("export.html", rights.export_html(export)))
    for needle in [NAME, EMAIL, *FREE_TEXTS]:
        assert hits(places, needle) == [], needle

    # what she said stays only in the transcript, only under the pseudonym, only with consent
    if consent:
        assert set(hits(places, SAID)) <= {
            f"studies.Document.text#{griet.transcript.pk}",
            "export.json",
            "export.html",
        }
        transcript = Document.objects.get(pk=griet.transcript.pk)
        assert f"{pseudonym.label}: {SAID}" in transcript.text
        assert not transcript.original
        # codings moved with the text: they still cover exactly what she said
        for coding in Coding.objects.filter(document=transcript):
            assert coding.fragment.startswith(SAID)
    else:
        assert hits(places, SAID) == []
        assert not Document.objects.filter(pk=griet.transcript.pk).exists()

    # the closed round's aggregates are exactly as they were
    griet.round.refresh_from_db()
    assert numbers(results.compute(griet.round)) == before
    after = results.for_round(griet.round)
    assert numbers(after) == before
    assert after.taken_at == published.taken_at  # the same snapshot, not a new one
    assert all(not p.comments for p in after.principles)

    # the account is there, unusable, under the pseudonym; the person record too
    assert not griet.user.is_active and not griet.user.has_usable_password()
    assert griet.user.first_name == pseudonym.label and griet.person.name == pseudonym.label
    assert griet.person.user_id is None


def test_the_same_person_keeps_the_same_pseudonym(personas: Personas) -> None:
    griet = build_griet(personas, consent=True)
    first = rights.erase_subject(DataSubject(person=griet.person), by=personas.coordinator)
    again = rights.erase_subject(
        DataSubject(person=griet.person, user=griet.user), by=personas.admin
    )
    assert first.pk == again.pk and Pseudonym.objects.count() == 1
    assert first.label.startswith("Participant ") and len(first.code) == 4


def test_erasure_is_one_transaction(personas: Personas, monkeypatch: pytest.MonkeyPatch) -> None:
    griet = build_griet(personas, consent=False)
    from verbindend.scan import personal_data as scan_part

    def broken(subject: DataSubject, *, pseudonym: str) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(scan_part, "erase", broken)
    with pytest.raises(RuntimeError):
        rights.erase_subject(DataSubject(person=griet.person, user=griet.user), by=None)
    griet.person.refresh_from_db()
    assert griet.person.name == NAME
    transcript = Document.objects.get(pk=griet.transcript.pk)
    assert transcript.original and Path(transcript.original.path).exists()


def test_export_holds_every_app_part(personas: Personas) -> None:
    griet = build_griet(personas, consent=True)
    data = rights.export_subject(DataSubject(person=griet.person, user=griet.user))
    text = rights.export_json(data)
    for needle in [NAME, EMAIL, SAID, *FREE_TEXTS]:
        assert needle in text
    assert {"accounts", "networks", "studies", "privacy", "live", "historyline", "scan"} <= set(
        data["apps"]
    )
    assert "analysis" in data["apps"]
    page = rights.export_html(data)
    assert "&lt;" not in NAME and "Griet Vandenbroucke" in page
    assert "<h3>Consent</h3>" in page and '<th scope="col">Purpose</th>' in page
    with translation.override("nl"):
        dutch = rights.export_html(data)
    assert "<h3>Toestemming</h3>" in dutch and "access_log" not in dutch


def test_erasure_spares_other_people_who_share_a_name(personas: Personas) -> None:
    from verbindend.analysis.models import Memo
    from verbindend.networks.models import Person

    griet = build_griet(personas, consent=False)
    namesake = Person.objects.create(network=personas.other_network, name=NAME)
    longer = Person.objects.create(network=personas.network, name=f"{NAME}-Peeters")
    note = Memo.objects.create(
        study=personas.study,
        author=personas.researcher,
        code=Coding.objects.first().code,  # type: ignore[union-attr]
        text=f"Griet zei het ook. {NAME}s idee. {NAME}.",
    )
    pseudonym = rights.erase_subject(DataSubject(person=griet.person), by=None)
    assert Person.objects.get(pk=namesake.pk).name == NAME
    assert Person.objects.get(pk=longer.pk).name == f"{NAME}-Peeters"
    note.refresh_from_db()
    assert note.text == f"Griet zei het ook. {pseudonym.label}s idee. {pseudonym.label}."


def test_a_person_without_account_never_borrows_someone_elses_pseudonym(
    personas: Personas,
) -> None:
    first = rights.erase_subject(DataSubject(person=personas.person), by=None)
    second = rights.erase_subject(DataSubject(person=personas.other_person), by=None)
    assert first.code != second.code
