"""Background work of studies: importing uploaded documents off the request path."""

from __future__ import annotations

from django.tasks import task

from verbindend.studies import services
from verbindend.studies.models import ImportBatch


@task
def import_batch(batch_id: int) -> None:
    """Run by ``manage.py db_worker`` (or at once with the immediate backend)."""
    batch = ImportBatch.objects.filter(pk=batch_id).select_related("study").first()
    if batch is not None:
        services.run_import(batch)
