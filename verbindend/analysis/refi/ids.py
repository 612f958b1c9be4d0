"""Stable GUIDs: every exported object keeps the same GUID on the next export.

Codes, codings and memos carry their own ``uuid``. Documents, respondents, variables and users
have none, so their GUID is derived from what never changes about them (the study's and the
user's primary key and creation moment, the object's key), and an export writes nothing. A row
in ``ExchangeId`` exists only for a GUID an import brought, or one an earlier version of the
export stored: it wins over the derived one, so GUIDs already given out stay the same.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime

from verbindend.accounts.models import User
from verbindend.analysis.models import ExchangeId, ExchangeKind
from verbindend.analysis.refi.spec import VARIABLES
from verbindend.studies.models import Document, Respondent, Study

#: the namespace of every derived GUID (uuid5 of the project's name)
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "verbindend:refi-qda")

SHARED_KINDS = {ExchangeKind.USER}


def _scope(kind: str, study: Study) -> Study | None:
    return None if kind in SHARED_KINDS else study


def known(study: Study, kind: str) -> dict[str, uuid.UUID]:
    """local key → GUID for one kind of object of a study (users: of every study)."""
    rows = ExchangeId.objects.filter(kind=kind, study=_scope(kind, study))
    return dict(rows.values_list("local_key", "guid"))


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")


def derive(study: Study, kind: str, keys: Iterable[object]) -> dict[str, uuid.UUID]:
    """The derived GUID of each local key (users: the same in every study's file)."""
    wanted = [str(key) for key in keys]
    if kind == ExchangeKind.USER:
        pks = [int(k) for k in wanted if k.isascii() and k.isdigit()]
        joined = dict(User.objects.filter(pk__in=pks).values_list("pk", "date_joined"))
        return {
            str(pk): uuid.uuid5(NAMESPACE, f"user:{pk}:{_stamp(moment)}")
            for pk, moment in joined.items()
        }
    space = uuid.uuid5(NAMESPACE, f"study:{study.pk}:{_stamp(study.created_at)}")
    return {key: uuid.uuid5(space, f"{kind}:{key}") for key in wanted}


def guids(study: Study, kind: str, keys: Iterable[object]) -> dict[str, uuid.UUID]:
    """GUIDs for these local keys: the remembered one, else the derived one. Writes nothing."""
    wanted = [str(key) for key in keys]
    stored = known(study, kind)
    found = derive(study, kind, [key for key in wanted if key not in stored])
    found.update({key: stored[key] for key in wanted if key in stored})
    return found


def _local_keys(study: Study, kind: str) -> list[object]:
    """The keys of every local object of a kind whose GUID is derived."""
    if kind == ExchangeKind.DOCUMENT:
        return list(Document.objects.filter(study=study).values_list("pk", flat=True))
    if kind == ExchangeKind.RESPONDENT:
        return list(Respondent.objects.filter(study=study).values_list("pk", flat=True))
    if kind == ExchangeKind.VARIABLE:
        return list(VARIABLES)
    if kind == ExchangeKind.USER:
        return list(User.objects.values_list("pk", flat=True))
    return []  # codes, codings and memos carry their own uuid


def by_guid(study: Study, kind: str) -> dict[uuid.UUID, str]:
    """GUID → local key, remembered or derived: what an import finds again instead of adding
    twice (users: of the whole site, so a GUID that stands for someone else stays theirs)."""
    found = {guid: key for key, guid in guids(study, kind, _local_keys(study, kind)).items()}
    found.update({guid: key for key, guid in known(study, kind).items()})
    return found


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
