"""Backup and restore of the demo plus many extra people, with uploaded files.

Baselines in the same run and process: Django's own ``dumpdata --format jsonl`` of the same data,
and ``flush`` + ``loaddata`` of that dump (no files, no manifest, no checks). The restore replaces
the same database (``--replace``), so both load into emptied tables. Then each runs once more
under tracemalloc for its peak Python memory (compare the smoke and full sizes: it stays flat).
"""

from __future__ import annotations

import os
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from bench._common import emit, fresh_database, setup_django, size

EXTRA_PEOPLE = size(50_000, 500)


def peak_mb(work: Callable[[], object]) -> float:
    """Peak Python memory while the work runs: flat means it does not grow with the rows."""
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def timed(work: Callable[[], object]) -> float:
    began = time.perf_counter()
    work()
    return time.perf_counter() - began


def fill(media: Path) -> int:
    from django.core.files.base import ContentFile
    from django.db import connections

    from verbindend.core.backup import table_sums
    from verbindend.core.demo import load_demo
    from verbindend.networks.models import Person
    from verbindend.studies.models import Document

    network = load_demo()
    organisation = network.memberships.first().organisation
    Person.objects.bulk_create(
        [
            Person(
                network=network,
                name=f"Persoon {n} — één 🌱",
                email=f"persoon.{n}@example.org",
                organisation=organisation,
            )
            for n in range(EXTRA_PEOPLE)
        ],
        batch_size=2000,
    )
    for document in Document.objects.all():
        document.original.save("origineel.txt", ContentFile(document.text.encode() * 20))
    rows = sum(total.rows for total in table_sums().values())
    connections.close_all()
    return rows


def main() -> None:
    with fresh_database() as url, tempfile.TemporaryDirectory(prefix="verbindend-bench-") as tmp:
        work = Path(tmp)
        media = work / "media"
        os.environ["MEDIA_ROOT"] = str(media)
        # As in production: DEBUG keeps the last 9,000 SQL statements in memory.
        os.environ.setdefault("DEBUG", "0")
        setup_django(url)
        from django.core.management import call_command
        from django.db import connection

        from verbindend.core import backup

        rows = fill(media)
        archive = work / "bench.tar.gz"
        dump = work / "dump.jsonl"
        backup_s = timed(lambda: backup.create_backup(archive))
        dumpdata_s = timed(
            lambda: call_command("dumpdata", format="jsonl", output=str(dump), verbosity=0)
        )
        restore_s = timed(lambda: backup.restore_backup(archive, replace=True))

        def flush_and_load() -> None:
            call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
            call_command("loaddata", str(dump), verbosity=0)

        loaddata_s = timed(flush_and_load)
        backup_mb = peak_mb(lambda: backup.create_backup(work / "traced.tar.gz"))
        restore_mb = peak_mb(lambda: backup.restore_backup(archive, replace=True))
        emit(
            {
                "bench": "backup",
                "engine": connection.vendor,
                "rows": rows,
                "archive_bytes": archive.stat().st_size,
                "backup_s": round(backup_s, 2),
                "restore_s": round(restore_s, 2),
                "baseline_dumpdata_s": round(dumpdata_s, 2),
                "baseline_flush_loaddata_s": round(loaddata_s, 2),
                "backup_vs_dumpdata": round(backup_s / dumpdata_s, 2),
                "restore_vs_loaddata": round(restore_s / loaddata_s, 2),
                "backup_peak_python_mb": round(backup_mb, 1),
                "restore_peak_python_mb": round(restore_mb, 1),
            }
        )


if __name__ == "__main__":
    main()
