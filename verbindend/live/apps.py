from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "verbindend.live"
    label = "live"

    def ready(self) -> None:
        from verbindend.core import joining
        from verbindend.live import overview
        from verbindend.live.services import resolve_join_code

        overview.connect()
        joining.register("live", resolve_join_code)
