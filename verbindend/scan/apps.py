from django.apps import AppConfig


class ScanConfig(AppConfig):
    name = "verbindend.scan"
    label = "scan"
