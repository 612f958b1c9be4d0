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

The parts: ``archive`` (the format, rows and checksums), ``create`` and ``restore``.
"""

from __future__ import annotations

from verbindend.core.backup.archive import (
    FILE_PREFIX,
    FILE_SUFFIX,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    BackupError,
    Summary,
    TableSum,
    applied_migrations,
    backed_up_models,
    serialize_rows,
    table_sums,
)
from verbindend.core.backup.create import create_backup, default_path, prune_backups
from verbindend.core.backup.restore import (
    check_migration_state,
    present_rows,
    read_manifest,
    restore_backup,
    target_is_empty,
)

__all__ = [
    "FILE_PREFIX",
    "FILE_SUFFIX",
    "FORMAT",
    "FORMAT_VERSION",
    "MANIFEST",
    "BackupError",
    "Summary",
    "TableSum",
    "applied_migrations",
    "backed_up_models",
    "check_migration_state",
    "create_backup",
    "default_path",
    "present_rows",
    "prune_backups",
    "read_manifest",
    "restore_backup",
    "serialize_rows",
    "table_sums",
    "target_is_empty",
]
