from django.apps import AppConfig


class NetworksConfig(AppConfig):
    name = "verbindend.networks"
    label = "networks"

    def ready(self) -> None:
        from verbindend.networks import overview

        overview.connect()
