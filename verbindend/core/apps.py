from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "verbindend.core"
    label = "core"

    def ready(self) -> None:
        from verbindend.core import (
            db,  # noqa: F401 — registers the SQLite functions
            lookups,  # noqa: F401 — safe `__in` on integer columns
        )
