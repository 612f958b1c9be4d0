"""Transcripts with speaker turns: WebVTT (Teams, Zoom), SubRip and Word/plain-text exports.

Each format becomes one text with a line per turn, ``"Speaker: what was said"``, and a list of
turns ``{"speaker", "start", "body", "end", "time"}``: ``start`` is the offset of the line,
``body`` where the words begin (after the speaker's name), ``end`` the end of the line (all code
points into the text, end exclusive) and ``time`` the moment in seconds, or ``None``. Consecutive
cues of one speaker are joined into one turn, as a reader would read them. Subtitle files are
read with webvtt-py and srt; Word and plain-text transcripts by the patterns their exports use.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from verbindend.core.errors import DomainError

#: a speaker's name: a few words, no sentence punctuation
NAME = r"[^\W\d_][\w .'’()-]{0,48}?"
TIME = r"\[?\(?(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?\)?\]?"
#: "00:01:05 Anna Peeters: text", "[00:01] Anna: text", "Anna (00:01:05): text", "Anna: text"
INLINE = re.compile(
    rf"^\s*(?:(?P<t1>{TIME})\s+)?(?P<name>{NAME})\s*(?:(?P<t2>{TIME})\s*)?:\s+(?P<body>\S.*)$"
)
#: Teams' Word export: a line "Anna Peeters   0:03" (or "0:03 Anna Peeters") and then the words
HEADER = re.compile(
    rf"^\s*(?:(?P<name>{NAME})\s+(?P<t1>{TIME})|(?P<t2>{TIME})\s+(?P<name2>{NAME}))\s*$"
)
SPEAKER_PREFIX = re.compile(rf"^(?P<name>{NAME}):\s+(?P<body>\S.*)$", re.DOTALL)
#: a text counts as a transcript when this share of its lines are turns
TRANSCRIPT_SHARE = 0.6


@dataclass
class Transcript:
    text: str
    turns: list[dict] = field(default_factory=list)

    @property
    def speakers(self) -> list[str]:
        seen: dict[str, None] = {}
        for turn in self.turns:
            seen.setdefault(turn["speaker"], None)
        return list(seen)


def seconds(stamp: str | None) -> float | None:
    if not stamp:
        return None
    parts = stamp.strip("[]() ").replace(",", ".").split(":")
    try:
        values = [float(p) for p in parts]
    except ValueError:
        return None
    total = 0.0
    for value in values:
        total = total * 60 + value
    return total


def _clean(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def build(cues: list[tuple[str, str, float | None]]) -> Transcript:
    """Join ``(speaker, words, time)`` cues into turns and lay them out as text."""
    merged: list[list] = []
    for speaker, words, time in cues:
        speaker, words = _clean(speaker), _clean(words)
        if not words:
            continue
        if merged and merged[-1][0] == speaker:
            merged[-1][1] += " " + words
        else:
            merged.append([speaker, words, time])
    lines: list[str] = []
    turns: list[dict] = []
    position = 0
    for speaker, words, time in merged:
        prefix = f"{speaker}: " if speaker else ""
        line = prefix + words
        turns.append(
            {
                "speaker": speaker,
                "start": position,
                "body": position + len(prefix),
                "end": position + len(line),
                "time": time,
            }
        )
        lines.append(line)
        position += len(line) + 1
    return Transcript("\n".join(lines), turns)


def _split_voice(text: str) -> tuple[str, str]:
    match = SPEAKER_PREFIX.match(text.strip())
    if match and len(match["name"].split()) <= 5:
        return match["name"], match["body"]
    return "", text


def from_vtt(data: str) -> Transcript:
    import webvtt
    from webvtt.errors import MalformedFileError

    try:
        captions = webvtt.from_buffer(io.StringIO(data))
    except (MalformedFileError, ValueError, IndexError):
        raise DomainError(
            "import.corrupt",
            _("The WebVTT file could not be read; check that it starts with WEBVTT."),
        ) from None
    cues = []
    for caption in captions.captions:
        voice = getattr(caption, "voice", None)
        words = caption.text
        if voice:
            speaker = voice
        else:
            speaker, words = _split_voice(words)
        cues.append((speaker, words, seconds(caption.start)))
    return _checked(build(cues))


def from_srt(data: str) -> Transcript:
    import srt

    try:
        subtitles = list(srt.parse(data))
    except (srt.SRTParseError, ValueError):
        raise DomainError(
            "import.corrupt", _("The SubRip (.srt) file could not be read.")
        ) from None
    cues = []
    for subtitle in subtitles:
        speaker, words = _split_voice(re.sub(r"<[^>]+>", "", subtitle.content))
        cues.append((speaker, words, subtitle.start.total_seconds()))
    return _checked(build(cues))


def from_lines(lines: list[str]) -> Transcript | None:
    """A Word or text transcript, when most lines are speaker turns; otherwise ``None``."""
    cues: list[tuple[str, str, float | None]] = []
    filled = [line for line in lines if line.strip()]
    turns = 0
    header: tuple[str, float | None] | None = None
    for line in filled:
        match = HEADER.match(line)
        if match and len((match["name"] or match["name2"]).split()) <= 5:
            header = (match["name"] or match["name2"], seconds(match["t1"] or match["t2"]))
            turns += 1
            continue
        match = INLINE.match(line)
        if match and len(match["name"].split()) <= 5:
            cues.append((match["name"], match["body"], seconds(match["t1"] or match["t2"])))
            header = None
            turns += 1
        elif header is not None:
            cues.append((header[0], line, header[1]))
            header = (header[0], None)  # later paragraphs of the same turn carry no new time
        else:
            cues.append(("", line, None))
    if len(filled) < 2 or turns < 2:
        return None
    spoken = sum(1 for speaker, _w, _t in cues if speaker)
    if spoken / max(len(cues), 1) < TRANSCRIPT_SHARE:
        return None
    return build(cues)


def _checked(transcript: Transcript) -> Transcript:
    if not transcript.text.strip():
        raise DomainError("import.no_text", _("No text was found in the file."))
    return transcript
