from django.apps import AppConfig


class StudiesConfig(AppConfig):
    name = "verbindend.studies"
    label = "studies"

    def ready(self) -> None:
        from verbindend.studies import signals  # noqa: F401 — connects the receivers
