"""Background work of reports: rendering a version off the request path."""

from __future__ import annotations

from django.tasks import task

from verbindend.reports import services


@task
def render_version(version_id: int) -> None:
    """Run by ``manage.py db_worker`` (or at once with the immediate backend)."""
    services.run(version_id)
