from django.apps import AppConfig


class LearninglogConfig(AppConfig):
    name = "verbindend.learninglog"
    label = "learninglog"
