from django.apps import AppConfig


class NetworksConfig(AppConfig):
    name = "verbindend.networks"
    label = "networks"
