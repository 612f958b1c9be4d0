from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    name = "verbindend.analysis"
    label = "analysis"
