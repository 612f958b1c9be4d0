"""Every screen exists in Dutch: no Dutch catalogue may hold an empty or fuzzy translation."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

APPS = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(APPS.glob("*/locale/nl/LC_MESSAGES/django.po"))


def test_every_app_with_templates_or_forms_has_a_dutch_catalogue() -> None:
    assert len(CATALOGUES) >= 10


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-5])
def test_the_dutch_catalogue_is_complete(path: Path) -> None:
    with path.open("rb") as handle:
        catalogue = read_po(handle)
    assert not catalogue.fuzzy, f"{path}: the header is marked fuzzy"
    untranslated = [
        message.id
        for message in catalogue
        if message.id
        and (
            "fuzzy" in message.flags
            or not (message.string if isinstance(message.id, str) else all(message.string))
        )
    ]
    assert not untranslated, f"{path}: {untranslated[:10]}"
    compiled = path.with_suffix(".mo")
    assert compiled.exists(), f"{compiled} is missing: run make setup"
