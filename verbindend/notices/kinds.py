"""The kinds of notice, registered by the apps that send them (in their `ready()`).

Each person chooses per kind how email reaches them: at once, in a daily digest, or not at all.
The in-app inbox always shows every notice.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Mode(models.TextChoices):
    IMMEDIATELY = "immediately", _("By email at once")
    DIGEST = "digest", _("In a daily email digest")
    OFF = "off", _("Only here, no email")


@dataclass(frozen=True)
class Kind:
    key: str
    label: str | Promise
    default: str = Mode.IMMEDIATELY
    order: int = 50


_kinds: dict[str, Kind] = {}


def register(
    key: str, label: str | Promise, *, default: str = Mode.IMMEDIATELY, order: int = 50
) -> None:
    _kinds[key] = Kind(key, label, default, order)


def get(key: str) -> Kind:
    try:
        return _kinds[key]
    except KeyError:
        raise KeyError(f"unknown notice kind {key!r}; register it in the app's ready()") from None


def all_kinds() -> list[Kind]:
    return sorted(_kinds.values(), key=lambda k: (k.order, k.key))
