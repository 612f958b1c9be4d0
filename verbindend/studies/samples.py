"""Small generators of real DOCX and PDF files, for tests, the benchmark and the demo.

The PDF writer is deliberately minimal (one Helvetica font, one text line per row), so a
100-page test PDF needs no extra dependency.
"""

from __future__ import annotations

import io

WORDS = [
    "netwerk",
    "leren",
    "samen",
    "organisatie",
    "verandering",
    "kennis",
    "delen",
    "vertrouwen",
    "trekker",
    "overleg",
    "vrijwilliger",
    "project",
    "historiek",
    "focusgroep",
    "gesprek",
    "identiteit",
    "diversiteit",
    "competentie",
    "verankeren",
    "afspraak",
    "werking",
    "buurt",
    "opleiding",
    "werkplek",
    "ervaring",
    "praktijk",
    "reflectie",
]


def words(count: int, seed: int = 0) -> str:
    """Deterministic Dutch-looking filler text, in paragraphs of about 60 words."""
    out = []
    for i in range(count):
        word = WORDS[(i * 7 + seed * 13 + i // 5) % len(WORDS)]
        out.append(word + ("." if i % 12 == 11 else ""))
        if i % 60 == 59:
            out.append("\n\n")
    return " ".join(out).replace(" \n\n ", "\n\n")


def _pdf_escape(line: str) -> bytes:
    raw = line.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def pdf_bytes(pages: list[list[str]]) -> bytes:
    """A valid PDF with the given lines of text on each page."""
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, filled in below
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    kids = []
    for lines in pages:
        stream = (
            b"BT /F1 11 Tf 14 TL 50 800 Td "
            + b" ".join(b"(" + _pdf_escape(line) + b") Tj T*" for line in lines)
            + b" ET"
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        content_number = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % content_number
        )
        kids.append(b"%d 0 R" % len(objects))
    objects[1] = b"<< /Type /Pages /Kids [" + b" ".join(kids) + b"] /Count %d >>" % len(pages)
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def pdf_of_words(page_count: int, words_per_page: int = 400) -> bytes:
    pages = []
    for page in range(page_count):
        text = words(words_per_page, seed=page).replace("\n\n", " ")
        tokens = text.split()
        pages.append([" ".join(tokens[i : i + 12]) for i in range(0, len(tokens), 12)])
    return pdf_bytes(pages)


def docx_bytes(paragraphs: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def encrypted_pdf_bytes(password: str = "geheim") -> bytes:  # noqa: S107
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes([["Vertrouwelijk."]]))))
    writer.encrypt(user_password=password, owner_password=password + "-owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
