"""Importing a batch in the background: good files arrive whole, bad files fail alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from verbindend.core.errors import DomainError
from verbindend.studies import samples, services
from verbindend.studies.models import (
    BatchStatus,
    Document,
    DocumentKind,
    ImportBatch,
    ImportItem,
    ItemStatus,
)
from verbindend.studies.tests.conftest import run_worker
from verbindend.testing.personas import Personas


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def start(
    personas: Personas, files: list[SimpleUploadedFile], capture: object, settings: object
) -> ImportBatch:
    with capture(execute=True):  # type: ignore[operator]
        batch = services.start_import(
            study=personas.study,
            files=files,
            user=personas.researcher,
            kind=DocumentKind.NETWORK_DOCUMENT,
            source="Verslagen",
        )
    if "DatabaseBackend" in settings.TASKS["default"]["BACKEND"]:  # type: ignore[attr-defined]
        run_worker()
    batch.refresh_from_db()
    return batch


def files_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.django_db(transaction=True)  # the worker commits and closes its connection
def test_a_mixed_batch_imports_the_good_files_and_explains_the_bad_ones(
    personas: Personas,
    django_capture_on_commit_callbacks: object,
    settings: object,
    database_worker: None,
) -> None:
    """Through the real queue and the real database worker."""
    batch = start(
        personas,
        [
            upload("verslag.txt", "Één verslag ☕".encode()),
            upload("notities.md", b"# Notities"),
            upload("site.html", b"<p>Webpagina</p>"),
            upload("gesprek.docx", samples.docx_bytes(["Interview"])),
            upload("rapport.pdf", samples.pdf_of_words(3)),
            upload("kapot.pdf", b"%PDF-1.4 kapot"),
            upload("kapot.docx", b"PK\x03\x04 kapot"),  # fails inside a group of small files
            upload("geheim.pdf", samples.encrypted_pdf_bytes()),
            upload("leeg.txt", b""),
            upload("programma.exe", b"MZ"),
        ],
        django_capture_on_commit_callbacks,
        settings,
    )
    items = {i.filename: i for i in batch.items.all()}
    assert batch.status == BatchStatus.FINISHED
    imported = {n for n, i in items.items() if i.status == ItemStatus.DONE}
    assert imported == {"verslag.txt", "notities.md", "site.html", "gesprek.docx", "rapport.pdf"}
    assert "damaged" in items["kapot.pdf"].error
    assert "damaged" in items["kapot.docx"].error
    assert "password" in items["geheim.pdf"].error
    assert "empty" in items["leeg.txt"].error
    assert "type of file" in items["programma.exe"].error
    documents = Document.objects.filter(study=personas.study)
    assert documents.count() == 5
    verslag = documents.get(title="verslag")
    assert verslag.text == "Één verslag ☕"
    assert verslag.source == "Verslagen"
    assert verslag.original.read() == "Één verslag ☕".encode()
    # nothing half-written: only the five originals remain on disk
    assert len(files_under(Path(settings.MEDIA_ROOT))) == 5  # type: ignore[attr-defined]


def test_a_failure_while_saving_leaves_no_document_and_no_file(
    personas: Personas, django_capture_on_commit_callbacks: object, settings: object
) -> None:
    batch = start(
        personas, [upload("a.txt", b"tekst")], django_capture_on_commit_callbacks, settings
    )
    assert batch.items.get().status == ItemStatus.DONE
    # a batch whose documents cannot be valid: the save fails after the text was read
    batch2 = ImportBatch.objects.create(study=personas.study, kind="no-such-kind")
    item = ImportItem.objects.create(batch=batch2, filename="b.txt", size=5)
    item.upload.save("b.txt", SimpleUploadedFile("b.txt", b"tekst"), save=True)
    path = Path(item.upload.path)
    assert path.exists()
    assert services.import_item(item) is None
    item.refresh_from_db()
    assert item.status == ItemStatus.FAILED and item.error
    assert not path.exists()
    assert Document.objects.filter(study=personas.study).count() == 1


def test_no_files_is_an_error(personas: Personas) -> None:
    with pytest.raises(DomainError):
        services.start_import(
            study=personas.study, files=[], user=personas.researcher, kind="other"
        )


def test_paragraph_offsets_are_code_points() -> None:
    text = "🎉 één\n\nTwee ☕\nDrie"
    starts = services.paragraph_starts(text)
    assert [text[s : s + 4] for s in starts] == ["🎉 éé", "Twee", "Drie"]


def test_add_material_is_idempotent_on_its_origin(personas: Personas) -> None:
    first = services.add_material(
        study=personas.study,
        kind=DocumentKind.SESSION_SUMMARY,
        title="Focusgroep",
        text="Eerste versie",
        origin_ref="live-session:1",
    )
    again = services.add_material(
        study=personas.study,
        kind=DocumentKind.SESSION_SUMMARY,
        title="Focusgroep",
        text="Tweede versie",
        origin_ref="live-session:1",
    )
    assert first.pk == again.pk
    assert Document.objects.get(pk=first.pk).text == "Tweede versie"
    other = services.add_material(
        study=personas.other_study,
        kind=DocumentKind.HISTORY_STORY,
        title="Historielijn",
        text="Verhaal",
        origin_ref="live-session:1",
    )
    assert other.pk != first.pk


def test_add_material_refuses_another_studys_case(personas: Personas) -> None:
    case = personas.other_study.cases.get()
    with pytest.raises(DomainError):
        services.add_material(study=personas.study, kind="other", title="x", text="y", case=case)


def test_material_sent_without_text_yet_is_kept_empty(personas: Personas) -> None:
    document = services.add_material(
        study=personas.study,
        kind="session_summary",
        title="Nog leeg",
        text=" \n ",
        origin_ref="s:1",
    )
    assert document.text == "" and document.paragraph_starts == []
    again = services.add_material(
        study=personas.study,
        kind="session_summary",
        title="Gevuld",
        text="Nu wel",
        origin_ref="s:1",
    )
    assert again.pk == document.pk and again.paragraph_starts == [0]
