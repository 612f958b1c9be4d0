"""Checks on WeasyPrint layouts shared by the tests of printed pages (the guide, reports)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def walk(box: Any) -> Iterator[Any]:
    """Every box of a laid-out page, depth first."""
    yield box
    for child in getattr(box, "children", None) or []:
        yield from walk(child)


def overflowing(document: Any, *, at_least: int) -> list[str]:
    """Boxes whose right edge passes the page's content area; at least ``at_least`` boxes are
    checked, so an empty layout cannot pass for a good one."""
    problems = []
    checked = 0
    for number, page in enumerate(document.pages, 1):
        page_box = page._page_box
        right = page_box.content_box_x() + page_box.width
        for box in walk(page_box):
            if box is page_box or getattr(box, "position_x", None) is None:
                continue
            checked += 1
            edge = box.border_box_x() + box.border_width()
            if edge > right + 0.5:
                tag = getattr(box, "element_tag", "?")
                over = edge - right
                problems.append(f"page {number}: <{tag}> {type(box).__name__} by {over:.1f}px")
    assert checked >= at_least, f"only {checked} boxes laid out"
    return problems[:20]
