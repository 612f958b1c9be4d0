"""Cut a text into segments (sentences or paragraphs) with code-point offsets, end exclusive."""

from __future__ import annotations

import re
from dataclasses import dataclass

#: a sentence ends after . ! ? … (with closing quotes or brackets) followed by white space
_SENTENCE_END = re.compile(r"""(?<=[.!?…])["'”’»)\]]*\s+""")
_PARAGRAPH = re.compile(r"\n\s*\n|\n(?=\S+:\s)")  # blank line, or a new speaker turn ("R: …")
_WORD = re.compile(r"\w", re.UNICODE)

MIN_CHARS = 12  # shorter pieces ("Ja.", "Mm.") carry no code
MAX_CHARS = 1200


@dataclass(frozen=True)
class Segment:
    start: int
    end: int
    text: str


def _trimmed(text: str, start: int, end: int) -> Segment | None:
    piece = text[start:end]
    lead = len(piece) - len(piece.lstrip())
    trail = len(piece) - len(piece.rstrip())
    start, end = start + lead, end - trail
    if end - start < MIN_CHARS or not _WORD.search(text[start:end]):
        return None
    return Segment(start, end, text[start:end])


def paragraphs(text: str) -> list[Segment]:
    out: list[Segment] = []
    position = 0
    for match in _PARAGRAPH.finditer(text):
        segment = _trimmed(text, position, match.start())
        if segment is not None:
            out.append(segment)
        position = match.end()
    last = _trimmed(text, position, len(text))
    if last is not None:
        out.append(last)
    return out


def sentences(text: str) -> list[Segment]:
    """Sentences inside paragraphs; a very long sentence is cut at MAX_CHARS."""
    out: list[Segment] = []
    for paragraph in paragraphs(text):
        position = paragraph.start
        ends = [paragraph.start + m.start() for m in _SENTENCE_END.finditer(paragraph.text)]
        for end in [*ends, paragraph.end]:
            while end - position > MAX_CHARS:
                segment = _trimmed(text, position, position + MAX_CHARS)
                if segment is not None:
                    out.append(segment)
                position += MAX_CHARS
            segment = _trimmed(text, position, end)
            if segment is not None:
                out.append(segment)
            position = end
    return out


UNITS = {"sentence": sentences, "paragraph": paragraphs}


def split(text: str, unit: str = "sentence") -> list[Segment]:
    return UNITS[unit](text)
