"""Writing a backup: the manifest first, then every table's rows, then the media files."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
import tarfile
import tempfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import IO, Any

import django
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from verbindend.core.backup.archive import (
    CHUNK,
    DATA_DIR,
    FILE_PREFIX,
    FILE_SUFFIX,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    MEDIA_DIR,
    NAME_RE,
    BackupError,
    Summary,
    TableSum,
    applied_migrations,
    backed_up_models,
    media_files,
    serialize_rows,
)


def default_path(directory: Path, *, now: dt.datetime | None = None) -> Path:
    stamp = (now or timezone.now()).astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    path = directory / f"{FILE_PREFIX}{stamp}{FILE_SUFFIX}"
    n = 1
    while path.exists():
        path = directory / f"{FILE_PREFIX}{stamp}-{n}{FILE_SUFFIX}"
        n += 1
    return path


def _version() -> str:
    try:
        return version("verbindend")
    except PackageNotFoundError:
        return "unknown"


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class _HashingReader:
    """Reads a file for tarfile while hashing what passed through."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        return data


class _Snapshot:
    """One consistent read of the database for the whole backup, without blocking writers."""

    def __init__(self, using: str) -> None:
        self.connection = connections[using]
        self.atomic: Any = None
        self.sqlite_begun = False

    def __enter__(self) -> None:
        if self.connection.in_atomic_block:
            return  # already inside a transaction (tests): read within it
        if self.connection.vendor == "sqlite":
            # A deferred transaction is a WAL read snapshot; atomic() would take the write lock.
            self.connection.ensure_connection()
            with self.connection.cursor() as cursor:
                cursor.execute("BEGIN DEFERRED")
            self.sqlite_begun = True
            return
        self.atomic = transaction.atomic(using=self.connection.alias)
        self.atomic.__enter__()
        if self.connection.vendor == "postgresql":
            with self.connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")

    def __exit__(self, *exc: object) -> None:
        if self.sqlite_begun:
            with self.connection.cursor() as cursor:
                cursor.execute("COMMIT")
        elif self.atomic is not None:
            self.atomic.__exit__(*exc)


def create_backup(
    path: Path, *, using: str = DEFAULT_DB_ALIAS, media_root: Path | None = None
) -> Summary:
    """Write the whole instance to ``path``; the file appears only when it is complete."""
    media_root = Path(media_root or settings.MEDIA_ROOT)
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = connections[using]
    summary = Summary(path=path)
    with tempfile.TemporaryDirectory(prefix=".backup-", dir=path.parent) as work:
        workdir = Path(work)
        tables: dict[str, dict[str, Any]] = {}
        with _Snapshot(using):
            migrations = applied_migrations(using)
            for model in backed_up_models():
                label = model._meta.label_lower
                total = TableSum()
                with (workdir / f"{label}.jsonl").open("w", encoding="utf-8") as out:

                    def write(line: str, out: IO[str] = out, total: TableSum = total) -> None:
                        total.add(line)
                        out.write(line)
                        out.write("\n")

                    serialize_rows(model, using=using, on_line=write)
                tables[label] = {
                    "table": model._meta.db_table,
                    "rows": total.rows,
                    "checksum": total.checksum,
                }
                summary.rows += total.rows
        files = []
        for name, file_path in media_files(media_root):
            size = file_path.stat().st_size
            files.append({"name": name, "size": size, "sha256": _sha256_file(file_path)})
            summary.file_bytes += size
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": timezone.now().astimezone(dt.UTC).isoformat(),
            "engine": connection.vendor,
            "django": django.get_version(),
            "verbindend": _version(),
            "python": sys.version.split()[0],
            "migrations": migrations,
            "tables": tables,
            "files": files,
        }
        partial = path.with_name(f".{path.name}.partial")
        try:
            with tarfile.open(partial, "w:gz", format=tarfile.PAX_FORMAT) as tar:
                _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=1).encode())
                for label in tables:
                    tar.add(workdir / f"{label}.jsonl", arcname=f"{DATA_DIR}{label}.jsonl")
                for entry in files:
                    _add_media(tar, media_root, entry)
            partial.replace(path)
        finally:
            partial.unlink(missing_ok=True)
    summary.tables = len(tables)
    summary.files = len(files)
    return summary


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o644
    tar.addfile(info, _BytesReader(data))


class _BytesReader:
    def __init__(self, data: bytes) -> None:
        self.data = memoryview(data)
        self.pos = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.data) if size < 0 else self.pos + size
        chunk = bytes(self.data[self.pos : end])
        self.pos += len(chunk)
        return chunk


def _add_media(tar: tarfile.TarFile, media_root: Path, entry: dict[str, Any]) -> None:
    path = media_root / entry["name"]
    info = tarfile.TarInfo(MEDIA_DIR + entry["name"])
    info.size = entry["size"]
    info.mtime = int(path.stat().st_mtime)
    info.mode = 0o644
    try:
        with path.open("rb") as handle:
            reader = _HashingReader(handle)
            tar.addfile(info, reader)
    except OSError as error:  # tarfile raises OSError when the file shrank meanwhile
        raise BackupError(
            "media_changed", f"{entry['name']} changed during the backup ({error}); run it again."
        ) from error
    if reader.digest.hexdigest() != entry["sha256"]:
        raise BackupError("media_changed", f"{entry['name']} changed during the backup; run again.")


def prune_backups(
    directory: Path, *, keep_days: int, now: dt.datetime | None = None, keep: Path | None = None
) -> list[Path]:
    """Remove backups older than ``keep_days`` (by the time in their name); others untouched."""
    if keep_days <= 0 or not directory.is_dir():
        return []
    limit = (now or timezone.now()) - dt.timedelta(days=keep_days)
    removed = []
    for path in sorted(directory.iterdir()):
        match = NAME_RE.match(path.name)
        if not match or not path.is_file() or (keep is not None and path == keep):
            continue
        made = dt.datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
        if made < limit:
            path.unlink()
            removed.append(path)
    return removed
