"""manage.py export_qdpx / export_qdc / import_qdpx, by slug or id, and their errors."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from verbindend.analysis.models import Coding
from verbindend.analysis.refi import validation
from verbindend.analysis.tests.refi.conftest import FILES, Coded
from verbindend.studies.models import Study


def test_export_by_slug_and_by_id_then_import_again(
    coded: Coded, tmp_path: Path, schemas: Path
) -> None:
    study = coded.w.p.study
    by_slug, by_id, codebook = tmp_path / "a.qdpx", tmp_path / "b.qdpx", tmp_path / "c.qdc"
    call_command("export_qdpx", study.slug, "-o", str(by_slug), stdout=io.StringIO())
    call_command("export_qdpx", str(study.pk), "-o", str(by_id), stdout=io.StringIO())
    call_command("export_qdc", study.slug, "-o", str(codebook), stdout=io.StringIO())
    assert validation.errors(validation.project_xml(by_slug.read_bytes()), "project", schemas) == []
    assert validation.errors(codebook.read_bytes(), "codebook", schemas) == []
    out = io.StringIO()
    call_command("import_qdpx", str(by_id), "--study", study.slug, stdout=out)
    assert "codings: 0 added, 5 already there" in out.getvalue()
    before = Study.objects.count()
    out = io.StringIO()
    call_command("import_qdpx", str(FILES / "inline_plaintext.qde"), stdout=out)
    assert Study.objects.count() == before + 1
    assert "imported into study inline-project" in out.getvalue()


def test_a_dry_run_writes_nothing(coded: Coded) -> None:
    before = Coding.objects.count()
    out = io.StringIO()
    call_command("import_qdpx", str(FILES / "inline_plaintext.qde"), "--dry-run", stdout=out)
    assert "codings 4" in out.getvalue() and Coding.objects.count() == before


def test_errors_are_clear(coded: Coded, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no study"):
        call_command("export_qdpx", "nope", "-o", str(tmp_path / "x.qdpx"))
    assert not (tmp_path / "x.qdpx").exists()
    bad = tmp_path / "bad.qde"
    bad.write_bytes(
        (FILES / "no_users.qde").read_bytes().replace(b'endPosition="', b'endPosition="9')
    )
    before = Study.objects.count()
    with pytest.raises(CommandError, match="Nothing was imported:\n  A selection"):
        call_command("import_qdpx", str(bad), stdout=io.StringIO())
    assert Study.objects.count() == before
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_qdpx", str(tmp_path / "missing.qdpx"))
    with pytest.raises(CommandError, match="codebook is empty"):
        call_command("export_qdc", coded.w.p.other_study.slug, "-o", str(tmp_path / "e.qdc"))
