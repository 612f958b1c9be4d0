"""Back up and restore the whole instance: every table of every installed app, and MEDIA_ROOT.

One ``.tar.gz`` file carries, in this order:

- ``manifest.json``: format version, Django and Verbindend versions, the database engine, when it
  was made, the applied migrations, per table its row count and checksum, and per media file its
  size and SHA-256;
- ``data/<app_label>.<model_name>.jsonl``: the rows of each model (auto-created many-to-many
  tables included), one JSON object per line in Django's ``jsonl`` serialization, exact keys;
- ``media/<path>``: the uploaded files.

Because the manifest comes first, a restore reads the archive as one stream: memory stays flat
however big the instance is. Rows are written by Django's serializer with one change (datetimes
keep their microseconds) and read back by Django's deserializer, for SQLite and PostgreSQL alike.

A table's checksum is the sum of the SHA-256 of its rows modulo 2**256: it does not depend on row
order, which differs between engines for text keys. A restore checks each table against the
manifest while it reads, then serialises the restored tables again and checks them once more, all
inside one transaction: on any mismatch or error nothing in the target changes.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import os
import re
import secrets
import shutil
import sys
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path, PurePosixPath
from typing import IO, Any

import django
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.core.management.color import no_style
from django.core.serializers import jsonl
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.python import Deserializer as PythonDeserializer
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from verbindend.core.errors import DomainError

FORMAT = "verbindend-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATA_DIR = "data/"
MEDIA_DIR = "media/"
FILE_PREFIX = "verbindend-backup-"
FILE_SUFFIX = ".tar.gz"
_NAME_RE = re.compile(rf"^{FILE_PREFIX}(\d{{8}}T\d{{6}}Z)(?:-\d+)?{re.escape(FILE_SUFFIX)}$")
_STAGING_PREFIXES = (".restore-", ".replaced-")
_BATCH = 500
_CHUNK = 1 << 20
_MODULUS = 1 << 256
# Rows that `migrate` creates itself; a freshly migrated database with only these counts as empty.
_CREATED_BY_MIGRATE = (ContentType, Permission)


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


# ------------------------------------------------------------------------------------------------
# Backup


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


def applied_migrations(using: str) -> list[list[str]]:
    recorder = MigrationRecorder(connections[using])
    if not recorder.has_table():
        return []
    return sorted([app, name] for app, name in recorder.applied_migrations())


def _media_files(media_root: Path) -> Iterator[tuple[str, Path]]:
    """Regular files under MEDIA_ROOT as (posix relative name, path); links and staging skipped."""
    if not media_root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(media_root):
        base = Path(dirpath)
        dirnames[:] = sorted(
            d
            for d in dirnames
            if not (base == media_root and d.startswith(_STAGING_PREFIXES))
            and not (base / d).is_symlink()
        )
        for name in sorted(filenames):
            path = base / name
            if path.is_file() and not path.is_symlink():
                yield path.relative_to(media_root).as_posix(), path


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
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
        for name, file_path in _media_files(media_root):
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
        match = _NAME_RE.match(path.name)
        if not match or not path.is_file() or (keep is not None and path == keep):
            continue
        made = dt.datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
        if made < limit:
            path.unlink()
            removed.append(path)
    return removed


# ------------------------------------------------------------------------------------------------
# Restore


def _open(path: Path) -> tuple[gzip.GzipFile, tarfile.TarFile]:
    """The archive as a stream; gzip checks its CRC and length once it is read to the end."""
    if not path.is_file():
        raise BackupError("missing", f"{path} does not exist or is not a file.")
    raw = gzip.open(path, "rb")  # noqa: SIM115 — returned; the caller closes both
    try:
        return raw, tarfile.open(fileobj=raw, mode="r|")
    except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
        raw.close()
        raise BackupError("not_an_archive", f"{path} is not a Verbindend backup.") from error


def _read_to_end(raw: gzip.GzipFile) -> None:
    """Reading past the tar's end makes gzip verify the whole file (a truncation shows here)."""
    while raw.read(_CHUNK):
        pass


def read_manifest(path: Path) -> dict[str, Any]:
    """The manifest alone (the first member), for checks and for the command's prompt."""
    raw, tar = _open(path)
    with raw, tar:
        return _read_manifest(tar, path)


def _read_manifest(tar: tarfile.TarFile, path: Path) -> dict[str, Any]:
    try:
        member = tar.next()
        if member is None or member.name != MANIFEST or not member.isfile():
            raise BackupError("not_a_backup", f"{path} is not a Verbindend backup (no manifest).")
        handle = tar.extractfile(member)
        assert handle is not None
        manifest = json.loads(handle.read())
    except (tarfile.TarError, OSError, EOFError, zlib.error, ValueError) as error:
        raise BackupError("not_an_archive", f"{path} is not a Verbindend backup.") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("not_a_backup", f"{path} is not a Verbindend backup (unknown manifest).")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            "format_version",
            f"{path} has backup format {manifest.get('format_version')}; this version reads "
            f"format {FORMAT_VERSION} only.",
        )
    return manifest


def check_migration_state(manifest: dict[str, Any], *, using: str) -> None:
    """The target must be migrated to exactly the backup's state, so every table matches."""
    here = {tuple(item) for item in applied_migrations(using)}
    there = {tuple(item) for item in manifest.get("migrations", [])}
    if here == there:
        return
    if not here:
        raise BackupError(
            "not_migrated", "The target database is not migrated: run `manage.py migrate` first."
        )
    missing = sorted(f"{a}.{n}" for a, n in there - here)
    extra = sorted(f"{a}.{n}" for a, n in here - there)
    parts = []
    if missing:
        parts.append(f"missing here: {', '.join(missing[:10])}{' …' if len(missing) > 10 else ''}")
    if extra:
        parts.append(f"not in the backup: {', '.join(extra[:10])}{' …' if len(extra) > 10 else ''}")
    raise BackupError(
        "migration_state",
        "The target database is at a different migration state than the backup ("
        + "; ".join(parts)
        + "). Restore with the Verbindend version that made the backup, then upgrade and migrate.",
    )


def target_is_empty(*, using: str, media_root: Path) -> bool:
    """True for a freshly migrated database (only rows `migrate` made) and no uploaded files."""
    return not present_rows(using=using) and next(_media_files(media_root), None) is None


def present_rows(*, using: str) -> dict[str, set[str]]:
    """The serialized rows the target already holds, per table, beside content types and
    permissions. A freshly migrated database may hold rows its data migrations seeded (the first
    consent texts); a restore accepts them only if the archive holds the very same rows, so that
    nothing the target had is lost."""
    found: dict[str, set[str]] = {}
    for model in backed_up_models():
        if model in _CREATED_BY_MIGRATE or not model._base_manager.using(using).exists():
            continue
        lines: set[str] = set()
        found[model._meta.label_lower] = lines
        serialize_rows(model, using=using, on_line=lines.add)
    return found


class _RecordingSum(TableSum):
    """A table's sum that also keeps its lines, to compare with rows the target held."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: set[str] = set()

    def add(self, line: str) -> None:
        super().add(line)
        self.lines.add(line)


def _media_name(name: str) -> str:
    """The relative file name of a media member, or an error for anything that could escape."""
    relative = name[len(MEDIA_DIR) :]
    pure = PurePosixPath(relative)
    if (
        not relative
        or "\\" in relative
        or "\x00" in relative
        or pure.is_absolute()
        or any(part in {"", ".", ".."} for part in relative.split("/"))
        or pure.parts[0].startswith(_STAGING_PREFIXES)
    ):
        raise BackupError("unsafe_name", f"The archive holds an unsafe file name: {name!r}.")
    return relative


def _lines(handle: IO[bytes], total: TableSum) -> Iterator[dict[str, Any]]:
    for raw in handle:
        line = raw.decode("utf-8").rstrip("\n")
        if not line:
            continue
        total.add(line)
        yield json.loads(line)


def _load_table(
    model: type[models.Model], handle: IO[bytes], *, using: str, total: TableSum
) -> None:
    """Insert the rows as they are (raw: no auto_now, no signals), in batches."""
    connection = connections[using]
    # Generated columns are computed by the database; everything else is written as it was.
    fields = [f for f in model._meta.local_concrete_fields if not getattr(f, "generated", False)]
    # The insert that Model.save_base(raw=True) (loaddata) does, for a batch of rows at once.
    insert = model._base_manager.using(using)._insert  # type: ignore[attr-defined]
    batch_size = max(1, min(_BATCH, connection.ops.bulk_batch_size(fields, [None] * _BATCH)))
    batch: list[models.Model] = []
    for item in PythonDeserializer(_lines(handle, total), using=using):
        if type(item.object) is not model:
            raise BackupError(
                "wrong_model", f"A row of {item.object._meta.label} is in {model._meta.label}."
            )
        batch.append(item.object)
        if len(batch) >= batch_size:
            insert(batch, fields=fields, raw=True, using=using)
            batch = []
    if batch:
        insert(batch, fields=fields, raw=True, using=using)


def _stage_file(tar: tarfile.TarFile, member: tarfile.TarInfo, target: Path) -> tuple[int, str]:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle = tar.extractfile(member)
    assert handle is not None
    digest = hashlib.sha256()
    size = 0
    with target.open("xb") as out:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return size, digest.hexdigest()


def restore_backup(
    path: Path,
    *,
    using: str = DEFAULT_DB_ALIAS,
    replace: bool = False,
    media_root: Path | None = None,
) -> Summary:
    """Replace the target's database and MEDIA_ROOT with the archive's, or change nothing."""
    media_root = Path(media_root or settings.MEDIA_ROOT)
    connection = connections[using]
    summary = Summary(path=path)
    staging = media_root / f"{_STAGING_PREFIXES[0]}{secrets.token_hex(6)}"
    try:
        raw, tar = _open(path)
        with raw, tar:
            manifest = _read_manifest(tar, path)
            check_migration_state(manifest, using=using)
            tables: dict[str, dict[str, Any]] = manifest["tables"]
            models_by_label = {m._meta.label_lower: m for m in backed_up_models()}
            if set(tables) != set(models_by_label):
                differ = sorted(set(tables) ^ set(models_by_label))
                raise BackupError(
                    "tables_differ",
                    "The backup's tables differ from this installation's models: "
                    + ", ".join(differ[:10])
                    + ". Restore with the same Verbindend version and apps.",
                )
            not_empty = BackupError(
                "not_empty",
                "The target already holds data (database or MEDIA_ROOT); "
                "use --replace to overwrite it.",
            )
            held = {} if replace else present_rows(using=using)
            if not replace and next(_media_files(media_root), None) is not None:
                raise not_empty
            expected_files = {entry["name"]: entry for entry in manifest["files"]}
            seen_tables: dict[str, TableSum] = {}
            seen_files: dict[str, tuple[int, str]] = {}
            with transaction.atomic(using=using):
                _flush(using)
                for member in _members(tar):
                    if member.name.startswith(DATA_DIR) and member.isfile():
                        label = member.name[len(DATA_DIR) :].removesuffix(".jsonl")
                        model = models_by_label.get(label)
                        if model is None or label in seen_tables:
                            raise BackupError("unexpected", f"Unexpected member {member.name!r}.")
                        handle = tar.extractfile(member)
                        assert handle is not None
                        seen_tables[label] = total = (
                            _RecordingSum() if label in held else TableSum()
                        )
                        _load_table(model, handle, using=using, total=total)
                        if label in held and not held[label] <= getattr(total, "lines", set()):
                            raise not_empty
                        _check_sum(label, total, tables[label], "in the archive")
                        summary.rows += total.rows
                    elif member.name.startswith(MEDIA_DIR):
                        name = _media_name(member.name)
                        if not member.isfile() or name not in expected_files or name in seen_files:
                            raise BackupError(
                                "unexpected", f"Unexpected media member {member.name!r}."
                            )
                        seen_files[name] = _stage_file(tar, member, staging / name)
                    else:
                        raise BackupError("unexpected", f"Unexpected member {member.name!r}.")
                _read_to_end(raw)
                if set(held) - set(seen_tables):
                    raise not_empty
                missing = sorted(set(tables) - set(seen_tables))
                if missing:
                    raise BackupError(
                        "incomplete", f"The archive lacks the data of {', '.join(missing[:5])}."
                    )
                _check_files(expected_files, seen_files)
                _reset_sequences(using, list(models_by_label.values()))
                for label, total in table_sums(using=using).items():
                    _check_sum(label, total, tables[label], "after restoring")
                summary.tables = len(seen_tables)
                summary.files = len(seen_files)
                summary.file_bytes = sum(size for size, _ in seen_files.values())
    except BackupError:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise BackupError(
            "damaged", f"{path} is damaged or incomplete ({error}); nothing was changed."
        ) from error
    except (
        DatabaseError,
        DeserializationError,
        FieldDoesNotExist,
        ValueError,
        KeyError,
        TypeError,
        OSError,
    ) as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise BackupError(
            "load_failed", f"The backup could not be loaded ({error}); nothing was changed."
        ) from error
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    ContentType.objects.clear_cache()
    connection.close_if_unusable_or_obsolete()
    _swap_media(media_root, staging)
    return summary


def _members(tar: tarfile.TarFile) -> Iterator[tarfile.TarInfo]:
    while (member := tar.next()) is not None:
        yield member


def _check_sum(label: str, total: TableSum, expected: dict[str, Any], when: str) -> None:
    if total.rows != expected.get("rows") or total.checksum != expected.get("checksum"):
        raise BackupError(
            "checksum",
            f"Table {label} does not match the manifest {when} "
            f"({total.rows} rows, expected {expected.get('rows')}); nothing was changed.",
        )


def _check_files(expected: dict[str, dict[str, Any]], seen: dict[str, tuple[int, str]]) -> None:
    missing = sorted(set(expected) - set(seen))
    if missing:
        raise BackupError("incomplete", f"The archive lacks the file {missing[0]!r}.")
    for name, (size, digest) in seen.items():
        if size != expected[name]["size"] or digest != expected[name]["sha256"]:
            raise BackupError("checksum", f"The file {name!r} does not match the manifest.")


def _flush(using: str) -> None:
    """Empty every model table inside the restore's transaction (the flush command's SQL)."""
    connection = connections[using]
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    statements = connection.ops.sql_flush(no_style(), tables, allow_cascade=False)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _reset_sequences(using: str, model_list: Iterable[type[models.Model]]) -> None:
    """After explicit primary keys, PostgreSQL's sequences must continue past them."""
    connection = connections[using]
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_list))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _swap_media(media_root: Path, staging: Path) -> None:
    """Put the restored files in place of the old ones; renames stay inside MEDIA_ROOT's disk."""
    media_root.mkdir(parents=True, exist_ok=True)
    staging.mkdir(parents=True, exist_ok=True)
    old = media_root / f"{_STAGING_PREFIXES[1]}{staging.name.removeprefix(_STAGING_PREFIXES[0])}"
    old.mkdir()
    try:
        for child in list(media_root.iterdir()):
            if child not in (staging, old) and not child.name.startswith(_STAGING_PREFIXES):
                child.rename(old / child.name)
        for child in list(staging.iterdir()):
            child.rename(media_root / child.name)
    except OSError as error:
        raise BackupError(
            "media_swap",
            f"The database was restored, but the files could not be moved into place ({error}). "
            f"The restored files are in {staging}, the previous ones in {old}.",
        ) from error
    shutil.rmtree(staging, ignore_errors=True)
    shutil.rmtree(old, ignore_errors=True)
