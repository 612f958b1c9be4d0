from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: object, tmp_path: Path) -> None:
    """Uploaded originals go to a temporary folder, so tests can see what was left behind."""
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]


def run_worker() -> None:
    """The real background worker, processing whatever was queued, then stopping."""
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


@pytest.fixture(autouse=True)
def _english(settings: object) -> Iterator[None]:
    """Assertions read the English messages; Dutch is the site's default language."""
    settings.LANGUAGE_CODE = "en"  # type: ignore[attr-defined]
    with translation.override("en"):
        yield
