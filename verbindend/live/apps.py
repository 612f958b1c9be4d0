from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "verbindend.live"
    label = "live"
