"""Stable GUIDs: every exported object keeps the same GUID on the next export."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from verbindend.analysis.models import ExchangeId, ExchangeKind
from verbindend.studies.models import Study

SHARED_KINDS = {ExchangeKind.USER}


def _scope(kind: str, study: Study) -> Study | None:
    return None if kind in SHARED_KINDS else study


def known(study: Study, kind: str) -> dict[str, uuid.UUID]:
    """local key → GUID for one kind of object of a study (users: of every study)."""
    rows = ExchangeId.objects.filter(kind=kind, study=_scope(kind, study))
    return dict(rows.values_list("local_key", "guid"))


def ensure(study: Study, kind: str, keys: Iterable[object]) -> dict[str, uuid.UUID]:
    """GUIDs for these local keys, made (once, for good) for those that have none yet."""
    wanted = {str(key) for key in keys}
    found = known(study, kind)
    missing = wanted - found.keys()
    if missing:
        scope = _scope(kind, study)
        ExchangeId.objects.bulk_create(
            [
                ExchangeId(kind=kind, study=scope, local_key=key, guid=uuid.uuid4())
                for key in sorted(missing)
            ],
            ignore_conflicts=True,  # made at the same moment by another export: theirs stays
        )
        found = known(study, kind)
    return {key: found[key] for key in wanted}


def by_guid(study: Study, kind: str) -> dict[uuid.UUID, str]:
    """GUID → local key: what an import finds again instead of adding twice."""
    return {guid: key for key, guid in known(study, kind).items()}


def record(study: Study, kind: str, pairs: Iterable[tuple[object, uuid.UUID]]) -> None:
    """Remember imported GUIDs for newly made local objects."""
    scope = _scope(kind, study)
    ExchangeId.objects.bulk_create(
        [ExchangeId(kind=kind, study=scope, local_key=str(key), guid=g) for key, g in pairs],
        ignore_conflicts=True,
    )


def own_users(study: Study) -> dict[uuid.UUID, str]:
    """GUID → local key of inactive accounts an import made for this study alone.

    A `<User>` whose GUID already stands for someone outside the study's team gets a new
    inactive account; the shared GUID stays with its owner, so the copy is remembered here,
    for this study only, and found again by the next import into it.
    """
    rows = ExchangeId.objects.filter(kind=ExchangeKind.USER, study=study)
    return {guid: key for key, guid in rows.values_list("local_key", "guid")}


def record_own_users(study: Study, pairs: Iterable[tuple[object, uuid.UUID]]) -> None:
    """Remember new inactive accounts whose file GUID is taken by another account."""
    ExchangeId.objects.bulk_create(
        [
            ExchangeId(kind=ExchangeKind.USER, study=study, local_key=str(key), guid=g)
            for key, g in pairs
        ],
        ignore_conflicts=True,
    )
