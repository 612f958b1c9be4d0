from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    name = "verbindend.analysis"
    label = "analysis"

    def ready(self) -> None:
        from verbindend.analysis import integrations

        integrations.connect()
