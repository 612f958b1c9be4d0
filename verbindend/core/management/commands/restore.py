from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from verbindend.core import backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into this database and MEDIA_ROOT. The "
        "database must be migrated to the backup's migration state. Either everything is restored "
        "and verified, or nothing changes."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("archive", help="the .tar.gz file written by `manage.py backup`")
        parser.add_argument(
            "--replace", action="store_true", help="overwrite a database or MEDIA_ROOT with data"
        )
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="do not ask for confirmation",
        )
        parser.add_argument("--database", default="default", help="database alias")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["archive"])
        using = options["database"]
        try:
            manifest = backup.read_manifest(path)
            backup.check_migration_state(manifest, using=using)
            if options["replace"] and options["interactive"]:
                media_root = Path(settings.MEDIA_ROOT)
                if not backup.target_is_empty(using=using, media_root=media_root):
                    name = connections[using].settings_dict["NAME"]
                    answer = input(
                        f"This deletes all data in database {name} and all files in {media_root}, "
                        f"and puts the backup of {manifest['created_at']} in their place.\n"
                        "Type 'yes' to continue: "
                    )
                    if answer.strip().lower() != "yes":
                        raise CommandError("Restore cancelled; nothing was changed.")
            summary = backup.restore_backup(path, using=using, replace=options["replace"])
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {summary.rows} rows in {summary.tables} tables and {summary.files} "
                f"files from {path} (made {manifest['created_at']} on {manifest['engine']}); "
                "counts and checksums verified."
            )
        )
