"""manage.py import_qdpx FILE [--study STUDY] — a REFI-QDA project or codebook from another tool."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from verbindend.accounts.models import User
from verbindend.analysis.refi import export, importer
from verbindend.analysis.refi.safety import Refused
from verbindend.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Import a .qdpx (or .qde/.qdc) into an existing study (--study, slug or id) or into a "
        "new one. Nothing is written when the file has problems; they are listed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--study", help="the study's slug or id (default: a new study)")
        parser.add_argument(
            "--user",
            help="account (email) that imports: researcher of a new study, coder "
            "of codings without a known coder",
        )
        parser.add_argument("--dry-run", action="store_true", help="only show the preview")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            study = export.find_study(options["study"]) if options["study"] else None
            user = None
            if options["user"]:
                user = User.objects.filter(username__iexact=options["user"]).first()
                if user is None:
                    raise CommandError(f"no account {options['user']}")
            with path.open("rb") as handle:
                plan = importer.read(handle, path.name)
            counts = ", ".join(f"{k} {v}" for k, v in plan.counts().items())
            self.stdout.write(f"{path.name}: {counts}")
            for line in plan.skipped:
                self.stdout.write(f"  not taken over: {line}")
            if not plan.ok:
                raise Refused(plan.problems)
            if options["dry_run"]:
                return
            report = importer.apply(plan, study=study, user=user)
        except Refused as error:
            raise CommandError(
                "Nothing was imported:\n  " + "\n  ".join(str(p) for p in error.problems)
            ) from None
        except DomainError as error:
            raise CommandError(str(error.message)) from None
        self.stdout.write(f"imported into study {report.study.slug}")
        for what, n in report.created.items():
            self.stdout.write(f"  {what}: {n} added, {report.found.get(what, 0)} already there")
        for line in report.notes:
            self.stdout.write(f"  {line}")
