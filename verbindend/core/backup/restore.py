"""Restoring a backup into an empty instance, all or nothing: read as one stream, checked on
the way in and once more before the commit."""

from __future__ import annotations

import gzip
import hashlib
import json
import secrets
import shutil
import tarfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.python import Deserializer as PythonDeserializer
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, models, transaction

from verbindend.core.backup.archive import (
    BATCH,
    CHUNK,
    CREATED_BY_MIGRATE,
    DATA_DIR,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    MEDIA_DIR,
    STAGING_PREFIXES,
    BackupError,
    Summary,
    TableSum,
    applied_migrations,
    backed_up_models,
    media_files,
    serialize_rows,
    table_sums,
)


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
    while raw.read(CHUNK):
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
    return not present_rows(using=using) and next(media_files(media_root), None) is None


def present_rows(*, using: str) -> dict[str, set[str]]:
    """The serialized rows the target already holds, per table, beside content types and
    permissions. A freshly migrated database may hold rows its data migrations seeded (the first
    consent texts); a restore accepts them only if the archive holds the very same rows, so that
    nothing the target had is lost."""
    found: dict[str, set[str]] = {}
    for model in backed_up_models():
        if model in CREATED_BY_MIGRATE or not model._base_manager.using(using).exists():
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
        or pure.parts[0].startswith(STAGING_PREFIXES)
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
    batch_size = max(1, min(BATCH, connection.ops.bulk_batch_size(fields, [None] * BATCH)))
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
        while chunk := handle.read(CHUNK):
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
    staging = media_root / f"{STAGING_PREFIXES[0]}{secrets.token_hex(6)}"
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
            if not replace and next(media_files(media_root), None) is not None:
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
    old = media_root / f"{STAGING_PREFIXES[1]}{staging.name.removeprefix(STAGING_PREFIXES[0])}"
    old.mkdir()
    try:
        for child in list(media_root.iterdir()):
            if child not in (staging, old) and not child.name.startswith(STAGING_PREFIXES):
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
