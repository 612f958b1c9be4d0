from django.apps import AppConfig


class StudiesConfig(AppConfig):
    name = "verbindend.studies"
    label = "studies"
