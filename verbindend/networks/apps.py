from django.apps import AppConfig


class NetworksConfig(AppConfig):
    name = "verbindend.networks"
    label = "networks"

    def ready(self) -> None:
        from verbindend.core import scopes
        from verbindend.networks import overview
        from verbindend.networks.models import Network, NetworkRole

        scopes.register(scopes.ScopeKind("network", Network, NetworkRole))
        overview.connect()
