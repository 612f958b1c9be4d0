from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "verbindend.accounts"
    label = "accounts"

    def ready(self) -> None:
        from verbindend.accounts import overview

        overview.connect()
