"""Text out of uploaded files: plain text, Markdown, HTML, DOCX and PDF.

Every function returns the text as a Python ``str`` (so offsets are Unicode code points), NFC
normalised, with ``\\n`` line ends and no NUL characters (PostgreSQL cannot store them). Each
problem a user can meet is a :class:`DomainError` with a message that says what to do; nothing here
writes to the database.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from collections.abc import Callable
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
}
ACCEPT = ",".join(sorted(FORMATS))
# A .docx is a zip of XML parts; refuse archives that unpack to far more than a text needs.
DOCX_MAX_UNPACKED = 200 * 1024 * 1024
DOCX_MAX_RATIO = 200
DOCX_MAX_PARTS = 2000
PDF_MAX_PAGES = 2000
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

Progress = Callable[[int], None]


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
            _("This type of file cannot be imported. Use plain text, Markdown, HTML, DOCX or PDF."),
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
    kind = format_of(filename)
    check_size(len(data))
    report = progress or (lambda _percent: None)
    if kind in {"text", "markdown"}:
        text = _decode(data)
    elif kind == "html":
        text = _html(data)
    elif kind == "docx":
        text = _docx(data)
    else:
        text = _pdf(data, report)
    return normalise(text)


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


def _html(data: bytes) -> str:
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
                walk(child)
                if child.tag in BLOCK_TAGS:
                    parts.append("\n")
            if child.tail:
                parts.append(child.tail)

    walk(root)
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _docx(data: bytes) -> str:
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
    return "\n".join(blocks)


def _pdf(data: bytes, progress: Progress) -> str:
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
    texts = []
    step = max(1, count // 50)
    for number, page in enumerate(pages, start=1):
        try:
            texts.append(page.extract_text() or "")
        except (PdfReadError, PdfStreamError, ValueError, KeyError, TypeError):
            raise DomainError(
                "import.corrupt",
                _("Page %(n)d of the PDF is damaged and could not be read.") % {"n": number},
            ) from None
        if number % step == 0:
            progress(round(number * 100 / count))
    text = "\n\n".join(t.strip() for t in texts)
    if not text.strip():
        raise DomainError(
            "import.no_text",
            _("The PDF holds no text (perhaps only scanned images); run text recognition first."),
        )
    return text
