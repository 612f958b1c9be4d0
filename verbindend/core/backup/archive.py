"""The backup archive's format: names, rows and checksums, shared by creating and restoring."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.serializers import jsonl
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.migrations.recorder import MigrationRecorder

from verbindend.core.errors import DomainError

FORMAT = "verbindend-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATA_DIR = "data/"
MEDIA_DIR = "media/"
FILE_PREFIX = "verbindend-backup-"
FILE_SUFFIX = ".tar.gz"
NAME_RE = re.compile(rf"^{FILE_PREFIX}(\d{{8}}T\d{{6}}Z)(?:-\d+)?{re.escape(FILE_SUFFIX)}$")
STAGING_PREFIXES = (".restore-", ".replaced-")
BATCH = 500
CHUNK = 1 << 20
_MODULUS = 1 << 256
# Rows that `migrate` creates itself; a freshly migrated database with only these counts as empty.
CREATED_BY_MIGRATE = (ContentType, Permission)


class BackupError(DomainError):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass
class TableSum:
    """Row count and order-independent checksum of one table's serialized rows."""

    rows: int = 0
    total: int = 0

    def add(self, line: str) -> None:
        self.rows += 1
        digest = hashlib.sha256(line.encode()).digest()
        self.total = (self.total + int.from_bytes(digest)) % _MODULUS

    @property
    def checksum(self) -> str:
        return f"{self.total:064x}"


@dataclass
class Summary:
    """What a backup or restore did, for the command's output."""

    path: Path
    tables: int = 0
    rows: int = 0
    files: int = 0
    file_bytes: int = 0
    removed: list[Path] = field(default_factory=list)


# ------------------------------------------------------------------------------------------------
# Serialization


class _Encoder(DjangoJSONEncoder):
    """Django's encoder, but datetimes and times keep their microseconds (Django cuts to ms)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


class _RowSerializer(jsonl.Serializer):
    """Django's JSON-lines serializer that hands each line to a callback instead of a stream."""

    def __init__(self, on_line: Callable[[str], None]) -> None:
        super().__init__()
        self.on_line = on_line

    def end_object(self, obj: models.Model) -> None:
        self.on_line(json.dumps(self.get_dump_object(obj), **self.json_kwargs))
        self._current = None


def backed_up_models() -> list[type[models.Model]]:
    """Every model that owns a table: all apps, auto-created many-to-many tables included."""
    found = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and not model._meta.swapped
    ]
    return sorted(found, key=lambda model: model._meta.label_lower)


def _field_names(model: type[models.Model]) -> list[str]:
    """The model's own columns; many-to-many data travels as rows of the through tables."""
    return [f.name for f in model._meta.local_concrete_fields if not f.primary_key]


def serialize_rows(
    model: type[models.Model], *, using: str, on_line: Callable[[str], None]
) -> None:
    """Stream the model's rows, in primary-key order, as JSON lines to ``on_line``."""
    queryset = model._base_manager.using(using).order_by("pk").iterator(chunk_size=2000)
    _RowSerializer(on_line).serialize(
        queryset, fields=_field_names(model), cls=_Encoder, sort_keys=True
    )


def table_sums(*, using: str = DEFAULT_DB_ALIAS) -> dict[str, TableSum]:
    """Count and checksum every table as the backup would write it."""
    sums: dict[str, TableSum] = {}
    for model in backed_up_models():
        sums[model._meta.label_lower] = total = TableSum()
        serialize_rows(model, using=using, on_line=total.add)
    return sums


def applied_migrations(using: str) -> list[list[str]]:
    recorder = MigrationRecorder(connections[using])
    if not recorder.has_table():
        return []
    return sorted([app, name] for app, name in recorder.applied_migrations())


def media_files(media_root: Path) -> Iterator[tuple[str, Path]]:
    """Regular files under MEDIA_ROOT as (posix relative name, path); links and staging skipped."""
    if not media_root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(media_root):
        base = Path(dirpath)
        dirnames[:] = sorted(
            d
            for d in dirnames
            if not (base == media_root and d.startswith(STAGING_PREFIXES))
            and not (base / d).is_symlink()
        )
        for name in sorted(filenames):
            path = base / name
            if path.is_file() and not path.is_symlink():
                yield path.relative_to(media_root).as_posix(), path
