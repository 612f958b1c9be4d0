from django.apps import AppConfig


class LearninglogConfig(AppConfig):
    name = "verbindend.learninglog"
    label = "learninglog"

    def ready(self) -> None:
        from verbindend.learninglog import integrations

        integrations.connect()
