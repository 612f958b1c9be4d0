"""manage.py export_qdpx STUDY -o FILE — a study as a REFI-QDA project."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from verbindend.analysis.management.commands._refi import write_atomically
from verbindend.analysis.refi import export
from verbindend.core.errors import DomainError


class Command(BaseCommand):
    help = "Export a study (slug or id) as a REFI-QDA project (.qdpx)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("study", help="the study's slug or id")
        parser.add_argument("-o", "--output", required=True, type=Path, help="the .qdpx to write")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            study = export.find_study(options["study"])
            size = write_atomically(export.project_chunks(study), options["output"])
        except DomainError as error:
            raise CommandError(str(error.message)) from None
        self.stdout.write(f"{options['output']}: {size:,} bytes")
