from django.apps import AppConfig


class HistorylineConfig(AppConfig):
    name = "verbindend.historyline"
    label = "historyline"
