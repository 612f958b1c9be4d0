from django.apps import AppConfig


class MethodConfig(AppConfig):
    name = "verbindend.method"
    label = "method"
