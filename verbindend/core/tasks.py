"""Scheduled backups: with BACKUP_SCHEDULE set, the scheduler (`manage.py crontask`) backs up the
instance into BACKUP_DIR and removes backups older than BACKUP_KEEP_DAYS (they age out)."""

from __future__ import annotations

from pathlib import Path

from crontask import cron
from django.conf import settings
from django.tasks import task

from verbindend.core import backup


@task
def scheduled_backup() -> str:
    """Write a time-stamped backup to BACKUP_DIR, then age out the old ones there."""
    directory = Path(settings.BACKUP_DIR)
    summary = backup.create_backup(backup.default_path(directory))
    backup.prune_backups(directory, keep_days=settings.BACKUP_KEEP_DAYS, keep=summary.path)
    return str(summary.path)


if settings.BACKUP_SCHEDULE:
    cron(settings.BACKUP_SCHEDULE)(scheduled_backup)
