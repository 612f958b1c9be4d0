"""Record (or check) the snapshot of the method content's keys and texts: content/keys.lock."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from verbindend.method import content, versioning


class Command(BaseCommand):
    help = (
        "Write verbindend/method/content/keys.lock from the current content. Refuses when texts "
        "changed under the same keys and version, unless --same-meaning says only the wording "
        "changed. With --check, only report whether the snapshot is up to date."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="change nothing; fail if stale")
        parser.add_argument(
            "--same-meaning",
            action="store_true",
            help="the changed texts keep their meaning (wording only): accept them",
        )
        parser.add_argument("--path", default=str(versioning.SNAPSHOT_PATH), help="the file")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        catalogue = content.load(content.CONTENT_DIR)
        current = versioning.Snapshot.of(catalogue)
        drift = (
            versioning.compare(versioning.read(path), current)
            if path.exists()
            else versioning.Drift(version_changed=True, added=sorted(current.hashes))
        )
        if drift.clean:
            self.stdout.write(f"The snapshot is up to date (version {current.version}).")
            return
        message = versioning.explain(drift, version=current.version)
        if options["check"]:
            raise CommandError(message)
        if drift.breaks_the_rule and not options["same_meaning"]:
            raise CommandError(message)
        versioning.write(current, path)
        self.stdout.write(
            f"Wrote {path.name}: version {current.version}, {len(current.hashes)} keys "
            f"({len(drift.changed)} changed, {len(drift.added)} added, "
            f"{len(drift.removed)} removed)."
        )
