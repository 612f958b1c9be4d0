"""Codings follow their text when a document's text is replaced.

An instrument that sends its material again (a live session's synthesis that grew, a history
line's stories) replaces the document's text. Researchers may have coded the earlier text, so
every coding is moved to where its words are now, found with a character diff. A coding whose
words are mostly gone is removed, and its memos move to the document, so no researcher's note is
lost.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from django.db import transaction
from django.db.models import F

from verbindend.analysis.models import Coding, Memo

KEPT_ENOUGH = 0.5  # a coding survives when at least half of its characters are still there
PARKING = 1_000_000_000  # beyond any document's length; parked offsets still fit an integer


@dataclass(frozen=True)
class Realigned:
    moved: int
    removed: int


class OffsetMap:
    """Maps code-point offsets of the old text onto the new one."""

    def __init__(self, old: str, new: str) -> None:
        self.old, self.new = old, new
        blocks = SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
        # only blocks that cover old text; insertions have none
        self.blocks = [b for b in blocks if b[2] > b[1]]
        self.starts = [b[1] for b in self.blocks]
        self.new_length = len(new)

    def _block(self, position: int) -> tuple[str, int, int, int, int] | None:
        index = bisect_right(self.starts, position) - 1
        if index < 0:
            return None
        block = self.blocks[index]
        return block if block[1] <= position < block[2] else None

    def start(self, position: int) -> int:
        block = self._block(position)
        if block is None:
            return self.new_length
        tag, i1, _i2, j1, _j2 = block
        return j1 + (position - i1) if tag == "equal" else j1

    def end(self, position: int) -> int:
        """The new exclusive end for an old exclusive end."""
        block = self._block(position - 1)
        if block is None:
            return self.new_length
        tag, i1, _i2, j1, j2 = block
        return j1 + (position - i1) if tag == "equal" else j2

    def kept(self, start: int, end: int) -> float:
        """The share of the old span's characters that are still in the new text."""
        same = sum(
            max(0, min(end, i2) - max(start, i1))
            for tag, i1, i2, _j1, _j2 in self.blocks
            if tag == "equal"
        )
        return same / max(1, end - start)

    def survives(self, start: int, end: int) -> bool:
        """Most of the span's words are still there (single letters in common do not count)."""
        return self.kept(start, end) >= KEPT_ENOUGH

    def place(self, start: int, end: int) -> tuple[int, int] | None:
        """Where the old span's words are in the new text, or None when they are gone.

        Mostly kept text maps through the diff; text that moved as a whole (themes reordered)
        is found again by its exact words, at the occurrence nearest to where the diff points.
        """
        mapped = (self.start(start), self.end(end))
        if self.survives(start, end) and mapped[1] > mapped[0]:
            return mapped
        words = self.old[start:end]
        found, at = [], self.new.find(words)
        while words and at >= 0:
            found.append(at)
            at = self.new.find(words, at + 1)
        if not found:
            return None
        nearest = min(found, key=lambda position: abs(position - mapped[0]))
        return nearest, nearest + len(words)


def realign(*, document: Any, old_text: str) -> Realigned:
    """Move every coding of ``document`` from ``old_text`` onto its current text."""
    if old_text == document.text or not Coding.objects.filter(document=document).exists():
        return Realigned(0, 0)
    return move_codings(document, OffsetMap(old_text, document.text).place)


def move_codings(document: Any, place: Callable[[int, int], tuple[int, int] | None]) -> Realigned:
    """Put each coding of ``document`` where ``place(start, end)`` says; the one place every
    change of a document's text (re-sent material, erasure's redaction) moves codings.

    A coding placed nowhere (or on an empty span), or on a span its code and coder already
    have, is removed, and its memos move to the document, so no researcher's note is lost.
    """
    moved: dict[int, tuple[int, int]] = {}
    removed = 0
    with transaction.atomic():
        taken: set[tuple[int, int, int, int]] = set()
        for coding in Coding.objects.filter(document=document).order_by("pk"):
            placed = place(coding.start, coding.end)
            key = (coding.code_id, coding.coder_id, *(placed or (0, 0)))
            if placed is None or placed[1] <= placed[0] or key in taken:
                Memo.objects.filter(coding=coding).update(coding=None, document=document)
                coding.delete()
                removed += 1
                continue
            taken.add(key)
            if placed != (coding.start, coding.end):
                moved[coding.pk] = placed
        # out of the way first (past any text), so no span collides on its way to its new place
        Coding.objects.filter(pk__in=moved).update(
            start=F("start") + PARKING, end=F("end") + PARKING
        )
        for pk, (start, end) in moved.items():
            Coding.objects.filter(pk=pk).update(start=start, end=end)
    return Realigned(len(moved), removed)
