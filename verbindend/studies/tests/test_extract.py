"""Reading text out of files: every format, and a clear error for every bad file."""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from verbindend.core.errors import DomainError
from verbindend.studies import extract, samples


def codes(data: bytes, name: str) -> str:
    with pytest.raises(DomainError) as caught:
        extract.extract(data, name)
    return caught.value.code


def test_plain_text_and_markdown_keep_accents_and_emoji_as_code_points() -> None:
    text = extract.extract("Één café ☕ en 🎉 feest\r\nTweede regel".encode(), "a.txt")
    assert text == "Één café ☕ en 🎉 feest\nTweede regel"
    assert text.index("feest") == 16  # code points: 🎉 counts as one, not two UTF-16 units
    assert extract.extract(b"# Titel\n\n*nadruk*", "a.md") == "# Titel\n\n*nadruk*"


def test_decomposed_accents_are_stored_composed() -> None:
    assert extract.extract("Cafe\u0301".encode(), "a.txt") == "Café"


def test_windows_text_is_decoded() -> None:
    assert extract.extract("Één".encode("cp1252"), "a.txt") == "Één"


def test_html_drops_scripts_and_keeps_blocks() -> None:
    html = b"<html><head><script>alert(1)</script></head><body><h1>Titel</h1><p>Een <b>twee</b></p>"
    assert extract.extract(html, "a.html") == "Titel\nEen twee"


def test_docx_paragraphs_and_tables() -> None:
    assert extract.extract(samples.docx_bytes(["Eén", "Twee ☕"]), "a.docx") == "Eén\nTwee ☕"


def test_pdf_text_with_progress() -> None:
    seen: list[int] = []
    text = extract.extract(
        samples.pdf_bytes([["Pagina één"], ["Pagina twee"]]), "a.pdf", seen.append
    )
    assert "Pagina één" in text and "Pagina twee" in text
    assert seen and seen[-1] == 100


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (b"", "leeg.txt", "import.empty"),
        (b"MZ\x90\x00", "virus.exe", "import.type"),
        (b"%PDF-1.4 kapot", "kapot.pdf", "import.corrupt"),
        (b"PK\x03\x04 kapot", "kapot.docx", "import.corrupt"),
        (b"niet eens een zip", "kapot.docx", "import.corrupt"),
        (extract.OLE_MAGIC + b"\x00" * 100, "beveiligd.docx", "import.protected"),
        (b"\x00\x01\x02binary", "binair.txt", "import.binary"),
        (b"   \n\n  ", "spaties.txt", "import.no_text"),
        (samples.pdf_bytes([[]]), "leeg.pdf", "import.no_text"),
    ],
)
def test_bad_files_get_a_clear_error(data: bytes, name: str, code: str) -> None:
    assert codes(data, name) == code


def test_password_protected_pdf() -> None:
    assert codes(samples.encrypted_pdf_bytes(), "geheim.pdf") == "import.protected"


def test_huge_files_are_refused_before_reading(settings: object) -> None:
    settings.DOCUMENT_MAX_BYTES = 1000  # type: ignore[attr-defined]
    assert codes(b"a" * 1001, "groot.txt") == "import.huge"


def test_too_long_texts_are_refused(settings: object) -> None:
    settings.DOCUMENT_MAX_CHARS = 10  # type: ignore[attr-defined]
    assert codes(b"elf tekens!", "lang.txt") == "import.too_long"


def test_a_docx_zip_bomb_is_refused_without_unpacking() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\x00" * (20 * 1024 * 1024))
    assert codes(out.getvalue(), "bom.docx") == "import.bomb"


def test_docx_entities_are_not_expanded() -> None:
    """An XML entity attack in document.xml must not pull in a local file."""
    original = samples.docx_bytes(["placeholder"])
    source = zipfile.ZipFile(io.BytesIO(original))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(
                    b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>",
                    b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
                ).replace(b"placeholder", b"&x;")
            target.writestr(info, data)
    try:
        text = extract.extract(out.getvalue(), "xxe.docx")
    except DomainError as error:
        assert error.code in {"import.corrupt", "import.no_text"}
    else:
        assert "root:" not in text


@given(st.binary(max_size=2000), st.sampled_from(sorted(extract.FORMATS)))
def test_any_bytes_give_text_or_a_domain_error(data: bytes, suffix: str) -> None:
    try:
        text = extract.extract(data, "x" + suffix)
    except DomainError:
        return
    assert "\x00" not in text and "\r" not in text and text == text.strip()
