from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "verbindend.notices"
    label = "notices"

    def ready(self) -> None:
        from verbindend.notices import tasks  # noqa: F401 — schedules the daily digest
