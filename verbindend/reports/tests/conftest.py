from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: object, tmp_path: Path) -> None:
    """Stored report files go to a fresh folder per test."""
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]
