from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "verbindend.core"
    label = "core"
