"""Text out of uploaded files: plain text, Markdown, HTML, DOCX and PDF.

Every function returns the text as a Python ``str`` (so offsets are Unicode code points), NFC
normalised, with ``\\n`` line ends and no NUL characters (PostgreSQL cannot store them). Each
problem a user can meet is a :class:`DomainError` with a message that says what to do; nothing here
writes to the database.
"""

from __future__ import annotations

import io
import re
import statistics
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import PurePath

from django.conf import settings
from django.utils.translation import gettext as _

from verbindend.core.errors import DomainError

FORMATS = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".docx": "docx",
    ".pdf": "pdf",
    ".vtt": "vtt",
    ".srt": "srt",
}
ACCEPT = ",".join(sorted(FORMATS))
# A .docx is a zip of XML parts; refuse archives that unpack to far more than a text needs.
DOCX_MAX_UNPACKED = 200 * 1024 * 1024
DOCX_MAX_RATIO = 200
DOCX_MAX_PARTS = 2000
PDF_MAX_PAGES = 2000
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

Progress = Callable[[int], None]


@dataclass
class Material:
    """What an import keeps of a file: its text, a title when the file names one, its turns."""

    text: str
    title: str = ""
    turns: list[dict] = field(default_factory=list)


def max_bytes() -> int:
    return int(getattr(settings, "DOCUMENT_MAX_BYTES", 50 * 1024 * 1024))


def max_chars() -> int:
    return int(getattr(settings, "DOCUMENT_MAX_CHARS", 5_000_000))


def format_of(filename: str) -> str:
    """The format by file extension, or a clear error for types we do not read."""
    suffix = PurePath(filename).suffix.lower()
    if suffix not in FORMATS:
        raise DomainError(
            "import.type",
            _(
                "This type of file cannot be imported. Use plain text, Markdown, HTML, DOCX, "
                "PDF, or a WebVTT (.vtt) or SubRip (.srt) transcript."
            ),
        )
    return FORMATS[suffix]


def check_size(size: int) -> None:
    if size == 0:
        raise DomainError("import.empty", _("The file is empty."))
    if size > max_bytes():
        raise DomainError(
            "import.huge",
            _("The file is larger than %(mb)d MB; split it or remove images first.")
            % {"mb": max_bytes() // (1024 * 1024)},
        )


def normalise(text: str, *, allow_empty: bool = False) -> str:
    """One form for every stored text, so code-point offsets stay stable."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    text = unicodedata.normalize("NFC", text).strip()
    if not text and not allow_empty:
        raise DomainError("import.no_text", _("No text was found in the file."))
    if len(text) > max_chars():
        raise DomainError(
            "import.too_long",
            _("The text is longer than %(n)s characters; split it into parts.")
            % {"n": f"{max_chars():,}"},
        )
    return text


def extract(data: bytes, filename: str, progress: Progress | None = None) -> str:
    """The text of one file; raises DomainError with a message for the user."""
    return extract_material(data, filename, progress).text


def extract_material(data: bytes, filename: str, progress: Progress | None = None) -> Material:
    """Text, title and speaker turns of one file; raises DomainError with a message for the user."""
    kind = format_of(filename)
    check_size(len(data))
    report = progress or (lambda _percent: None)
    if kind in {"vtt", "srt"}:
        from verbindend.studies import transcripts

        raw = _decode(data)
        found = transcripts.from_vtt(raw) if kind == "vtt" else transcripts.from_srt(raw)
        return _material(found.text, "", found.turns)
    title = ""
    if kind in {"text", "markdown"}:
        text = _decode(data)
        if kind == "text":
            from verbindend.studies import transcripts

            spoken = transcripts.from_lines(text.split("\n"))
            if spoken is not None:
                return _material(spoken.text, "", spoken.turns)
        else:
            title = _first_heading(text)
    elif kind == "html":
        text, title = _html(data)
    elif kind == "docx":
        blocks, title = _docx(data)
        from verbindend.studies import transcripts

        spoken = transcripts.from_lines(blocks)
        if spoken is not None:
            return _material(spoken.text, title, spoken.turns)
        text = "\n".join(blocks)
    else:
        text, title = _pdf(data, report)
    return _material(text, title, [])


def _material(text: str, title: str, turns: list[dict]) -> Material:
    clean = normalise(text)
    if clean != text.strip() and turns:  # keep turns in step with what is stored
        from verbindend.studies import transcripts

        rebuilt = transcripts.build(
            [(t["speaker"], text[t["body"] : t["end"]], t["time"]) for t in turns]
        )
        clean, turns = normalise(rebuilt.text), rebuilt.turns
    return Material(clean, " ".join(title.split())[:300], turns)


def _first_heading(text: str) -> str:
    for line in text.split("\n")[:40]:
        match = re.match(r"^#{1,2}\s+(.+)$", line.strip())
        if match:
            return match[1].strip()
    return ""


def _decode(data: bytes) -> str:
    if b"\x00" in data[:8192]:
        raise DomainError(
            "import.binary", _("This file is not plain text; check its type and extension.")
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Older Windows editors save in cp1252; it decodes every byte but five.
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            raise DomainError(
                "import.encoding", _("The text is not in UTF-8; save it as UTF-8 and try again.")
            ) from None


BLOCK_TAGS = {
    "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
    "section", "article", "blockquote", "pre", "table", "ul", "ol", "dt", "dd",
}  # fmt: skip


def _html(data: bytes) -> tuple[str, str]:
    """The article's main text (menus, footers and banners dropped) and the page's title."""
    import trafilatura

    title = _html_title(data)
    try:
        main = trafilatura.extract(
            data,
            include_comments=False,
            include_tables=True,
            favor_precision=True,
            deduplicate=False,
        )
    except (ValueError, TypeError):
        main = None
    if main and len(main.split()) >= 5:
        return main, title
    return _html_all(data), title  # a short page without an article: keep all its words


def _html_title(data: bytes) -> str:
    import trafilatura

    try:
        meta = trafilatura.extract_metadata(data)
    except (ValueError, TypeError):
        meta = None
    title = (meta.title if meta is not None else "") or ""
    return title.split(" | ")[0].split(" – ")[0].strip()


def _html_all(data: bytes) -> str:
    from lxml import etree
    from lxml import html as lxml_html

    parser = lxml_html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True)
    try:
        root = lxml_html.document_fromstring(data, parser=parser)
    except (etree.ParserError, ValueError):
        raise DomainError("import.corrupt", _("The HTML file could not be read.")) from None
    for element in root.iter("script", "style", "head", "noscript", "template"):
        element.drop_tree()
    parts: list[str] = []

    def walk(element: etree._Element) -> None:
        if element.text:
            parts.append(element.text)
        for child in element:
            if isinstance(child.tag, str):
                if child.tag in BLOCK_TAGS:
                    parts.append("\n")
                walk(child)
                if child.tag in BLOCK_TAGS:
                    parts.append("\n")
            if child.tail:
                parts.append(child.tail)

    walk(root)
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _docx(data: bytes) -> tuple[list[str], str]:
    if data.startswith(OLE_MAGIC):
        raise DomainError(
            "import.protected",
            _(
                "This Word file is password-protected or in the old .doc format; remove the "
                "password or save it as .docx."
            ),
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise DomainError(
            "import.corrupt", _("The Word file is damaged or not really a .docx file.")
        ) from None
    unpacked = sum(info.file_size for info in infos)
    if (
        len(infos) > DOCX_MAX_PARTS
        or unpacked > DOCX_MAX_UNPACKED
        or unpacked > DOCX_MAX_RATIO * max(len(data), 1)
    ):
        raise DomainError(
            "import.bomb", _("The Word file unpacks to far more data than a text needs.")
        )
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
        blocks = [p.text for p in document.paragraphs]
        title = (document.core_properties.title or "").strip()
        if not title:
            title = next(
                (
                    p.text.strip()
                    for p in document.paragraphs
                    if p.text.strip()
                    and (
                        p.style is not None
                        and (p.style.name or "").startswith(("Heading", "Title"))
                    )
                ),
                "",
            )
        for table in document.tables:
            for row in table.rows:
                blocks.append("\t".join(cell.text for cell in row.cells))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile, SyntaxError):
        raise DomainError(
            "import.corrupt", _("The Word file is damaged or not really a .docx file.")
        ) from None
    except Exception as error:  # lxml raises its own XMLSyntaxError family
        if type(error).__module__.startswith("lxml"):
            raise DomainError(
                "import.corrupt", _("The Word file is damaged or not really a .docx file.")
            ) from None
        raise
    return blocks, title


def _pdf(data: bytes, progress: Progress) -> tuple[str, str]:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError, PdfStreamError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise FileNotDecryptedError("password")
        pages = reader.pages
        count = len(pages)
    except FileNotDecryptedError:
        raise DomainError(
            "import.protected", _("The PDF is password-protected; remove the password first.")
        ) from None
    except (PdfReadError, PdfStreamError, ValueError, KeyError, TypeError, OSError):
        raise DomainError(
            "import.corrupt", _("The PDF is damaged and could not be read.")
        ) from None
    if count > PDF_MAX_PAGES:
        raise DomainError(
            "import.huge",
            _("The PDF has more than %(n)d pages; split it into parts.") % {"n": PDF_MAX_PAGES},
        )
    lines: list[Line] = []
    step = max(1, count // 50)
    for number, page in enumerate(pages, start=1):
        try:
            lines.extend(_page_lines(page, number))
        except (PdfReadError, PdfStreamError, ValueError, KeyError, TypeError):
            raise DomainError(
                "import.corrupt",
                _("Page %(n)d of the PDF is damaged and could not be read.") % {"n": number},
            ) from None
        if number % step == 0:
            progress(round(number * 100 / count))
    text = reflow(lines)
    if not text.strip():
        raise DomainError(
            "import.no_text",
            _("The PDF holds no text (perhaps only scanned images); run text recognition first."),
        )
    title = ""
    try:
        metadata = reader.metadata
        title = str(metadata.get("/Title") or "").strip() if metadata is not None else ""
    except (PdfReadError, ValueError, KeyError, TypeError):
        title = ""
    if title.lower() in {"untitled", "document"}:
        title = ""
    return text, title


HYPHEN = re.compile(r"(?<=\w)[-\u00ad\u2010]$")
SENTENCE_END = re.compile(r"[.!?:;\"”’)]$")


@dataclass
class Line:
    """One printed line of a PDF page: where it starts (points) and its words."""

    page: int
    x: float
    y: float
    text: str


def _page_lines(page: object, number: int) -> list[Line]:
    """The page's lines with their position, in the order the PDF draws them."""
    pieces: list[tuple[float, float, str]] = []

    def visit(text: str, cm: list, tm: list, _font: object, _size: object) -> None:
        if text:
            pieces.append((tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5], text))

    plain = page.extract_text(visitor_text=visit) or ""  # type: ignore[attr-defined]
    lines: list[Line] = []
    current: list[str] = []
    where: tuple[float, float] | None = None
    for x, y, text in pieces:
        for index, part in enumerate(text.split("\n")):
            if index > 0:
                if current and "".join(current).strip():
                    lines.append(
                        Line(number, *(where or (0.0, 0.0)), " ".join("".join(current).split()))
                    )
                current, where = [], None
            if part.strip() and where is None:
                where = (x, y)
            current.append(part)
    if current and "".join(current).strip():
        lines.append(Line(number, *(where or (0.0, 0.0)), " ".join("".join(current).split())))
    if not lines and plain.strip():  # no positions known: one line per text line
        lines = [
            Line(number, 0.0, -i, " ".join(t.split())) for i, t in enumerate(plain.split("\n"))
        ]
    return [line for line in lines if line.text]


def reflow(lines: list[Line]) -> str:
    """Join a PDF's printed lines into paragraphs, mending hyphenated words.

    A paragraph ends where the gap to the next line is clearly wider than the usual line
    spacing, or, at a new column or page, where the last line ends a sentence well short of the
    column's width."""
    if not lines:
        return ""
    gaps = [
        a.y - b.y
        for a, b in pairwise(lines)
        if a.page == b.page and abs(a.x - b.x) < 2 and 0 < a.y - b.y < 100
    ]
    usual_gap = statistics.median(gaps) if gaps else 0.0
    widest = max(len(line.text) for line in lines)
    paragraphs: list[str] = []
    current = ""
    previous: Line | None = None
    for line in lines:
        if previous is not None and current:
            same_column = line.page == previous.page and abs(line.x - previous.x) < 2
            moved_on = not same_column or line.y >= previous.y
            if moved_on:
                ends = (
                    bool(SENTENCE_END.search(previous.text)) and len(previous.text) < 0.7 * widest
                )
            else:
                ends = usual_gap > 0 and previous.y - line.y > 1.4 * usual_gap
            if ends:
                paragraphs.append(current)
                current = ""
        if not current:
            current = line.text
        elif HYPHEN.search(current) and line.text[:1].islower():
            current = current[:-1] + line.text
        elif HYPHEN.search(current):  # "Noord-" + "Zuid": a compound keeps its hyphen
            current = current[:-1] + "-" + line.text
        else:
            current = f"{current} {line.text}"
        previous = line
    if current:
        paragraphs.append(current)
    return "\n".join(paragraphs)
