"""Background work of suggested codes: (re)training a study's model off the request path."""

from __future__ import annotations

from django.tasks import task

from verbindend.analysis.suggest import services
from verbindend.studies.models import Study


@task
def train_model(study_id: int) -> None:
    """Run by ``manage.py db_worker`` (or at once with the immediate backend)."""
    study = Study.objects.filter(pk=study_id).first()
    if study is not None:
        services.train(study)
