from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "verbindend.reports"
    label = "reports"
