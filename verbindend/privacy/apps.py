from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "verbindend.privacy"
    label = "privacy"

    def ready(self) -> None:
        from verbindend.privacy import overview

        overview.connect()
