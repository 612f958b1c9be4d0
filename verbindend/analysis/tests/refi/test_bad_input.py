"""Bad files get a clear message listing the problems, and nothing is written."""

from __future__ import annotations

import contextlib
import io
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from verbindend.analysis.models import Code, Coding, ExchangeId, Memo
from verbindend.analysis.refi import importer
from verbindend.analysis.refi.safety import Package, Refused
from verbindend.analysis.refi.spec import Limits
from verbindend.core.errors import DomainError
from verbindend.studies.models import Document, Study
from verbindend.testing.personas import Personas

GOOD_SOURCE = """<TextSource guid="d7000000-0000-4000-8000-000000000001" name="Tekst"
  plainTextPath="internal://d7000000-0000-4000-8000-000000000001.txt">
  <PlainTextSelection guid="e7000000-0000-4000-8000-000000000001" startPosition="0" endPosition="4">
    <Coding guid="f7000000-0000-4000-8000-000000000001"><CodeRef targetGUID="{code}"/></Coding>
  </PlainTextSelection>
  {extra}
</TextSource>"""
CODE = "c7000000-0000-4000-8000-000000000001"


def project(sources: str, notes: str = "") -> bytes:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Slecht">
  <CodeBook><Codes><Code guid="{CODE}" name="Een code" isCodable="true"/></Codes></CodeBook>
  <Sources>{sources}</Sources>{notes}
</Project>""".encode()


def package(qde: bytes, files: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", qde)
        for name, data in (files or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


TEXT_FILE = {"sources/d7000000-0000-4000-8000-000000000001.txt": "Één tekst 😀".encode()}


def state() -> tuple[int, ...]:
    return (
        Study.objects.count(),
        Document.objects.count(),
        Code.objects.count(),
        Coding.objects.count(),
        Memo.objects.count(),
        ExchangeId.objects.count(),
    )


def refused(data: bytes, filename: str = "bad.qdpx", study: Study | None = None) -> list[str]:
    """Read and (if it reads) apply; the file must be refused with nothing written."""
    before = state()
    with pytest.raises(Refused) as caught:
        plan = importer.read(io.BytesIO(data), filename)
        importer.apply(plan, study=study)
    assert state() == before
    assert "Nothing was imported" in str(caught.value.message)
    return caught.value.problems


def test_the_good_file_of_these_tests_imports(personas: Personas) -> None:
    data = package(project(GOOD_SOURCE.format(code=CODE, extra="")), TEXT_FILE)
    report = importer.apply(importer.read(io.BytesIO(data), "ok.qdpx"), study=personas.study)
    assert Coding.objects.get(study=personas.study).fragment == "Één "
    assert report.created["codings"] == 1


def test_a_missing_source_file(personas: Personas) -> None:
    data = package(project(GOOD_SOURCE.format(code=CODE, extra="")))
    (problem,) = refused(data, study=personas.study)
    assert "is missing" in problem and "internal://d7000000" in problem


def test_a_source_without_any_text(personas: Personas) -> None:
    source = '<TextSource guid="d7000000-0000-4000-8000-000000000002" name="Leeg"/>'
    (problem,) = refused(package(project(source)), study=personas.study)
    assert "“Leeg” is missing" in problem


def test_a_selection_outside_the_text(personas: Personas) -> None:
    source = GOOD_SOURCE.format(code=CODE, extra="").replace('endPosition="4"', 'endPosition="99"')
    (problem,) = refused(package(project(source), TEXT_FILE), study=personas.study)
    assert "outside its text" in problem and "0–99 of 11" in problem


@pytest.mark.parametrize("start,end", [("-1", "3"), ("5", "2"), ("a", "3")])
def test_impossible_positions(personas: Personas, start: str, end: str) -> None:
    source = (
        GOOD_SOURCE.format(code=CODE, extra="")
        .replace('startPosition="0"', f'startPosition="{start}"')
        .replace('endPosition="4"', f'endPosition="{end}"')
    )
    assert refused(package(project(source), TEXT_FILE), study=personas.study)


def test_an_unknown_code_reference(personas: Personas) -> None:
    unknown = "c7000000-0000-4000-8000-0000000000ff"
    data = package(project(GOOD_SOURCE.format(code=unknown, extra="")), TEXT_FILE)
    (problem,) = refused(data, study=personas.study)
    assert "refers to a code that is not in the file" in problem and unknown in problem


def test_an_unknown_note_reference(personas: Personas) -> None:
    extra = '<NoteRef targetGUID="b7000000-0000-4000-8000-000000000009"/>'
    data = package(project(GOOD_SOURCE.format(code=CODE, extra=extra)), TEXT_FILE)
    (problem,) = refused(data, study=personas.study)
    assert "note that is not in the file" in problem


def test_all_problems_are_listed_at_once(personas: Personas) -> None:
    unknown = "c7000000-0000-4000-8000-0000000000ff"
    source = GOOD_SOURCE.format(code=unknown, extra="").replace(
        'endPosition="4"', 'endPosition="99"'
    )
    other = '<TextSource guid="d7000000-0000-4000-8000-000000000002" name="Leeg"/>'
    problems = refused(package(project(source + other), TEXT_FILE), study=personas.study)
    assert len(problems) == 2  # the outside selection hides its coding's bad reference
    assert any("outside" in p for p in problems) and any("missing" in p for p in problems)


@pytest.mark.parametrize(
    "qde",
    [
        b"<Project xmlns='urn:QDA-XML:project:1.0' name='x'><Sources>",
        b"\xff\xfe not xml at all",
        b"",
    ],
)
def test_invalid_xml(personas: Personas, qde: bytes) -> None:
    (problem,) = refused(package(qde), study=personas.study)
    assert "not well-formed XML" in problem


def test_a_bad_guid_and_a_guid_used_twice(personas: Personas) -> None:
    qde = f"""<Project xmlns="urn:QDA-XML:project:1.0" name="x"><CodeBook><Codes>
      <Code guid="nope" name="A" isCodable="true"/>
      <Code guid="{CODE}" name="B" isCodable="true"/>
      <Code guid="{CODE}" name="C" isCodable="true"/></Codes></CodeBook></Project>""".encode()
    problems = refused(qde, "x.qde", study=personas.study)
    assert any("no valid GUID (nope)" in p for p in problems)
    assert any("used twice" in p for p in problems)


def test_not_a_refi_file(personas: Personas) -> None:
    (problem,) = refused(b"<html><body>hi</body></html>", "x.qde", study=personas.study)
    assert "not a REFI-QDA project" in problem


def test_a_qdpx_without_project(personas: Personas) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hi")
    (problem,) = refused(buffer.getvalue(), study=personas.study)
    assert "exactly one project" in problem


def test_not_a_zip(personas: Personas) -> None:
    (problem,) = refused(b"PK\x03\x04 broken", study=personas.study)
    assert "not a .qdpx" in problem


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&lol3;"/>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE p [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&xxe;"/>"""


@pytest.mark.parametrize("qde", [BILLION_LAUGHS, XXE], ids=["billion-laughs", "xxe"])
def test_entities_are_refused(personas: Personas, qde: bytes) -> None:
    (problem,) = refused(package(qde), study=personas.study)
    assert "DTD" in problem


def test_a_zip_bomb(personas: Personas) -> None:
    bomb = package(project(""), {"sources/zeros.txt": b"0" * (8 * 1024 * 1024)})
    assert len(bomb) < 100_000
    (problem,) = refused(bomb, study=personas.study)
    assert "zip bomb" in problem


def test_path_traversal(personas: Personas) -> None:
    evil = package(project(""), {"../../etc/evil.txt": b"x"})
    (problem,) = refused(evil, study=personas.study)
    assert "outside its folder" in problem


def test_too_many_entries_and_too_much_in_total() -> None:
    data = package(project(""), {f"sources/{n}.txt": b"x" * 100 for n in range(5)})
    with pytest.raises(Refused, match="more than 3 entries"):
        Package(io.BytesIO(data), Limits(max_entries=3))
    with pytest.raises(Refused, match="more than the limit"):
        Package(io.BytesIO(data), Limits(max_total=300))


def test_an_entry_that_lies_about_its_size() -> None:
    data = bytearray(package(project(""), {"sources/a.txt": b"abcdefgh" * 100}))
    package_ = Package(io.BytesIO(bytes(data)))
    package_.entries["sources/a.txt"].file_size = 10  # the directory claims less than it holds
    with pytest.raises(Refused, match=r"larger than it says|damaged"):
        package_.read("sources/a.txt")


def test_a_coding_outside_a_known_document_rolls_everything_back(personas: Personas) -> None:
    data = package(project(GOOD_SOURCE.format(code=CODE, extra="")), TEXT_FILE)
    importer.apply(importer.read(io.BytesIO(data), "ok.qdpx"), study=personas.study)
    document = Document.objects.get(study=personas.study)
    document.text = document.text[:2]
    document.length = 2
    document.save()
    second = data.replace(
        b"f7000000-0000-4000-8000-000000000001", b"f7000000-0000-4000-8000-000000000002"
    )
    second = package(
        project(
            GOOD_SOURCE.format(code=CODE, extra="").replace(
                "f7000000-0000-4000-8000-000000000001", "f7000000-0000-4000-8000-000000000002"
            )
            + '<TextSource guid="d7000000-0000-4000-8000-000000000003" name="Nieuw">'
            "<PlainTextContent>Nieuw</PlainTextContent></TextSource>"
        ),
        TEXT_FILE,
    )
    del data
    (problem,) = refused(second, study=personas.study)
    assert "outside the text" in problem
    assert not Document.objects.filter(title="Nieuw").exists()


@given(st.binary(max_size=400))
def test_any_bytes_are_refused_or_read_never_crash(data: bytes) -> None:
    with contextlib.suppress(DomainError):
        importer.read(io.BytesIO(data), "random.qdpx")


def test_many_problems_are_summed_up_in_the_message(personas: Personas) -> None:
    selections = "".join(
        f'<PlainTextSelection guid="e7000000-0000-4000-8000-{n:012d}" startPosition="0" '
        f'endPosition="999"/>'
        for n in range(30)
    )
    source = (
        '<TextSource guid="d7000000-0000-4000-8000-000000000001" name="T">'
        f"<PlainTextContent>kort</PlainTextContent>{selections}</TextSource>"
    )
    with pytest.raises(Refused) as caught:
        importer.apply(importer.read(io.BytesIO(project(source)), "x.qde"), study=personas.study)
    assert len(caught.value.problems) == 30
    assert "and 10 more" in str(caught.value.message)
