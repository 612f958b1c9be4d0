import logging

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "verbindend.reports"
    label = "reports"

    def ready(self) -> None:
        # WeasyPrint logs each of its steps at INFO (also when it is imported); the worker's
        # and the commands' output need only its problems.
        logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

        from django.db.models.signals import post_delete

        from verbindend.reports.models import ReportVersion

        post_delete.connect(_drop_files, sender=ReportVersion, dispatch_uid="reports-files")

        from verbindend.reports import overview

        overview.connect()


def _drop_files(sender: object, instance: object, **kwargs: object) -> None:
    """A version deleted on its own or with its network or study takes its files along."""
    from verbindend.reports.services import drop_files_after_commit

    files = [instance.html, instance.pdf]  # type: ignore[attr-defined]
    names = [f.name for f in files if f and f.name]
    if names:
        drop_files_after_commit(files[0].storage, names)
