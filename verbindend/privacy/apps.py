from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "verbindend.privacy"
    label = "privacy"
