from django.apps import AppConfig


class HistorylineConfig(AppConfig):
    name = "verbindend.historyline"
    label = "historyline"

    def ready(self) -> None:
        from verbindend.historyline import integrations

        integrations.connect()
