from django.apps import AppConfig


class ScanConfig(AppConfig):
    name = "verbindend.scan"
    label = "scan"

    def ready(self) -> None:
        from verbindend.scan import overview

        overview.connect()
