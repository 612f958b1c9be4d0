"""Import of hand-written REFI-QDA files, one per variation real tools produce (see
refi_files/README.md), with assertions on what was taken over."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from verbindend.accounts.models import User
from verbindend.analysis.models import Code, Coding, Memo
from verbindend.analysis.refi import importer, validation
from verbindend.analysis.tests.refi.conftest import FILES
from verbindend.studies.models import Document, Respondent, Study
from verbindend.testing.personas import Personas


def zipped(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    return buffer.getvalue()


def load(name: str) -> tuple[bytes, str]:
    path = FILES / name
    if path.is_dir():
        return zipped(path), name + ".qdpx"
    return path.read_bytes(), name


def run(name: str, study: Study | None = None, user: User | None = None) -> importer.Report:
    data, filename = load(name)
    plan = importer.read(io.BytesIO(data), filename)
    assert plan.ok, plan.problems
    return importer.apply(plan, study=study, user=user)


def fragments(study: Study) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for coding in Coding.objects.filter(study=study).select_related("code", "document"):
        found.setdefault(coding.code.name, []).append(coding.fragment)
    return {k: sorted(v) for k, v in found.items()}


@pytest.mark.parametrize(
    "name",
    ["inline_plaintext.qde", "no_users.qde", "atlas_style.qde", "sources_folder/project.qde"],
)
def test_the_hand_written_files_are_valid_refi_qda(name: str, schemas: Path) -> None:
    """The fixtures themselves follow the schema, so what they test is the standard."""
    assert validation.errors((FILES / name).read_bytes(), "project", schemas) == []


def test_nested_codes_codebook_breaks_the_schema_only_by_its_bad_colour(schemas: Path) -> None:
    """A colour the schema rejects is a known fault of real exports; we take the code over."""
    (error,) = validation.errors((FILES / "nested_codes.qdc").read_bytes(), "codebook", schemas)
    assert "not-a-colour" in error


def test_inline_plaintext(personas: Personas) -> None:
    report = run("inline_plaintext.qde", study=personas.study, user=personas.researcher)
    study = personas.study
    assert report.created == {
        "users": 2,
        "codes": 4,
        "sources": 1,
        "cases": 0,
        "codings": 4,
        "notes": 2,
    }
    assert fragments(study) == {
        "Bellen": ["élkaar", "élkaar"],
        "Blij 😀": ["😀"],
        "Samenwerking": ["🇧🇪"],
    }
    bellen = Code.objects.get(study=study, name="Bellen")
    assert bellen.parent is not None and bellen.parent.name == "Samenwerking"
    assert bellen.colour == "#cc6633"  # #C63 written short
    assert Code.objects.get(study=study, name="Gevoel").colour == "#1d4e5f"  # none given
    assert Code.objects.get(study=study, name="Blij 😀").parent.name == "Gevoel"  # type: ignore[union-attr]
    coders = {c.coder.first_name for c in Coding.objects.filter(study=study, code=bellen)}
    assert coders == {"Ines Onderzoeker", "Bram Tweede"}
    flag = Coding.objects.get(study=study, code__name="Samenwerking")
    assert flag.coder == personas.researcher  # no creatingUser: the importing researcher
    memo = Memo.objects.get(study=study, text__startswith="Bellen")
    assert memo.coding is not None and memo.coding.code == bellen
    assert Memo.objects.get(study=study, text__startswith="Afgenomen").document is not None
    assert any("inactive" in line for line in report.notes)
    ines = User.objects.get(first_name="Ines Onderzoeker")
    assert not ines.is_active and not ines.has_usable_password()


def _with_ident(ident: str) -> importer.Plan:
    data, filename = load("inline_plaintext.qde")
    data = data.replace(b'id="bram"', f'id="{ident}"'.encode())
    plan = importer.read(io.BytesIO(data), filename)
    assert plan.ok, plan.problems
    return plan


def test_a_team_member_of_the_study_is_matched_by_email_in_any_case(personas: Personas) -> None:
    from verbindend.accounts.services import grant_study_role

    bram = User.objects.create_user(
        username="bram@studie-a.test", email="bram@studie-a.test", password=None
    )
    grant_study_role(user=bram, study=personas.study, role="researcher")
    plan = _with_ident("BRAM@Studie-A.test")
    report = importer.apply(plan, study=personas.study, user=personas.researcher)
    assert report.created["users"] == 1 and report.found["users"] == 1
    assert Coding.objects.filter(study=personas.study, coder=bram).count() == 2


def test_an_account_outside_the_team_is_never_credited(personas: Personas) -> None:
    stranger = User.objects.create_user(
        username="bram", email="bram@elders.test", first_name="Bram", last_name="Vreemde"
    )
    for ident in ("bram", "BRAM@elders.test", personas.other_researcher.email):
        plan = _with_ident(ident)
        matches = importer.match_users(plan, personas.study)
        assert all(m.account is None for m in matches.values()), ident
    report = importer.apply(_with_ident("bram@elders.test"), study=personas.study)
    assert report.found.get("users", 0) == 0 and report.created["users"] == 2
    assert not Coding.objects.filter(coder__in=[stranger, personas.other_researcher]).exists()
    made = User.objects.get(first_name="Bram Tweede")
    assert not made.is_active and made.username.startswith("refi-")


def test_sources_folder(personas: Personas) -> None:
    report = run("sources_folder", study=personas.study, user=personas.researcher)
    study = personas.study
    assert fragments(study) == {
        "Overleg": ["één keer per maand"],
        "Resultaat": ["140 plaatsen 📈"],
    }
    respondent = Respondent.objects.get(study=study)
    person = respondent.person
    assert person.name == "Respondent A"
    assert person.lead_role == "trekker"  # written as its English label
    assert str(person.involved_since) == "2018-05-01"
    assert person.organisation is not None and person.organisation.name == "Vzw Één"
    assert Document.objects.get(study=study, title="Stuurgroep").respondent == respondent
    assert any("Leeftijd" in line for line in report.skipped)
    assert "notes" in report.created and report.created["notes"] == 0


def test_nested_codes_codebook(personas: Personas) -> None:
    report = run("nested_codes.qdc", study=personas.study)
    assert report.created == {"users": 0, "codes": 5}
    reflectie = Code.objects.get(study=personas.study, name="Reflectie ✍️")
    assert reflectie.parent.name == "Individueel"  # type: ignore[union-attr]
    assert reflectie.parent.parent.name == "Leren"  # type: ignore[union-attr]
    assert reflectie.parent.colour == "#aabbcc"  # type: ignore[union-attr]
    assert Code.objects.get(study=personas.study, name="Collectief").colour == "#1d4e5f"
    assert Code.objects.get(study=personas.study, name="Leren").definition == "Wat mensen leren."
    assert any("Sets" in line for line in report.skipped)


def test_no_users_into_a_new_study(personas: Personas) -> None:
    report = run("no_users.qde", user=personas.researcher)
    study = report.study
    assert study.name == "Minimal" and study.roles.filter(user=personas.researcher).exists()
    assert fragments(study) == {"Verslag": ["verslag"]}
    assert Document.objects.get(study=study).title == "d4000000-0000-4000-8000-000000000001"


def test_no_users_and_no_importer_uses_an_inactive_import_account(db: None) -> None:
    report = run("no_users.qde")
    coding = Coding.objects.get(study=report.study)
    assert coding.coder.username == importer.IMPORT_ACCOUNT and not coding.coder.is_active


def test_maxqda_style(personas: Personas) -> None:
    report = run("maxqda_style", study=personas.study)
    study = personas.study
    document = Document.objects.get(study=study)
    assert "\r" not in document.text
    assert fragments(study) == {"Plaatsen": ["café"], "Stemming": ["Derde regel 😀"]}
    skipped = " ".join(report.skipped)
    assert "PDFSource" in skipped and "Links" in skipped and "Sets" in skipped
    assert "not linked" in skipped  # the project-level note
    assert not Memo.objects.filter(study=study).exists()


def test_atlas_style(personas: Personas) -> None:
    report = run("atlas_style.qde", study=personas.study)
    study = personas.study
    document = Document.objects.get(study=study)
    assert document.text == "Café en reëel 😀 — één."  # stored NFC
    assert fragments(study) == {
        "Accenten": ["Café", "één", "😀"],
        "Heel document": ["Café en reëel 😀 — één."],
    }
    assert Memo.objects.get(study=study).code.name == "Accenten"  # type: ignore[union-attr]
    assert report.created["codings"] == 4


def test_texts_at_the_top_of_the_archive_are_found_too(personas: Personas) -> None:
    buffer = io.BytesIO()
    folder = FILES / "sources_folder"
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.write(folder / "project.qde", "project.qde")
        for path in (folder / "sources").iterdir():
            archive.write(path, path.name)
    plan = importer.read(io.BytesIO(buffer.getvalue()), "top.qdpx")
    assert plan.ok, plan.problems
    assert len(plan.sources) == 2


def test_a_known_document_with_another_text_keeps_the_studys_text(personas: Personas) -> None:
    run("no_users.qde", study=personas.study)
    data = (FILES / "no_users.qde").read_bytes().replace(b"zonder gebruikers", b"zonder iemand!!")
    report = importer.apply(importer.read(io.BytesIO(data), "x.qde"), study=personas.study)
    assert Document.objects.get(study=personas.study).text.endswith("zonder gebruikers.")
    assert any("another text" in line for line in report.skipped)
