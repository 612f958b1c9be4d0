"""The step-kind registry: each module here registers one kind; nothing else lists them."""

from __future__ import annotations

import pkgutil
from importlib import import_module

from verbindend.live.kinds.base import Kind

REGISTRY: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    REGISTRY[kind.key] = kind
    return kind


def get(key: str) -> Kind:
    _load()
    return REGISTRY[key]


def all_kinds() -> list[Kind]:
    _load()
    return list(REGISTRY.values())


def choices() -> list[tuple[str, str]]:
    """The model field's choices (a callable, so adding a kind needs no migration)."""
    return [(k.key, k.label) for k in all_kinds()]  # type: ignore[misc]


_loaded = False


def _load() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        for info in pkgutil.iter_modules(__path__):
            if info.name != "base" and not info.name.startswith("test"):
                import_module(f"verbindend.live.kinds.{info.name}")
