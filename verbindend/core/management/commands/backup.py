from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from verbindend.core import backup


class Command(BaseCommand):
    help = (
        "Back up the whole instance (every table of every app, and MEDIA_ROOT) to one .tar.gz file "
        "that `manage.py restore` loads into SQLite or PostgreSQL. Backups in the directory that "
        "are older than the retention period are removed afterwards."
    )

    def add_arguments(self, parser: Any) -> None:
        where = parser.add_mutually_exclusive_group()
        where.add_argument("-o", "--output", help="the archive to write")
        where.add_argument(
            "--dir", help="directory for a time-stamped archive (default: BACKUP_DIR)"
        )
        parser.add_argument(
            "--keep-days",
            type=int,
            default=None,
            help="remove time-stamped backups in that directory older than this many days "
            "(default: BACKUP_KEEP_DAYS; 0 keeps all)",
        )
        parser.add_argument("--database", default="default", help="database alias")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["output"]:
            path = Path(options["output"]).resolve()
        else:
            path = backup.default_path(Path(options["dir"] or settings.BACKUP_DIR).resolve())
        keep_days = options["keep_days"]
        if keep_days is None:
            keep_days = settings.BACKUP_KEEP_DAYS
        if keep_days < 0:
            raise CommandError("--keep-days must be 0 (keep all) or more.")
        try:
            summary = backup.create_backup(path, using=options["database"])
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        removed = backup.prune_backups(path.parent, keep_days=keep_days, keep=path)
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {summary.rows} rows in {summary.tables} tables and "
                f"{summary.files} files ({summary.file_bytes} bytes) to {path}"
            )
        )
        for old in removed:
            self.stdout.write(f"Removed {old.name} (older than {keep_days} days)")
