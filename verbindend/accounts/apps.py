from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "verbindend.accounts"
    label = "accounts"
