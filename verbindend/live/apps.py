from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "verbindend.live"
    label = "live"

    def ready(self) -> None:
        from verbindend.live import overview

        overview.connect()
