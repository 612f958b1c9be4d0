"""Database functions that behave the same on SQLite and PostgreSQL.

SQLite's own ``LOWER`` only lowers ASCII letters, so a search for "één" would miss "ÉÉN" there
while PostgreSQL (UTF-8) finds it. ``Lowered`` uses Python's ``str.lower`` on SQLite instead,
registered on every new SQLite connection.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.signals import connection_created
from django.db.models import Func
from django.dispatch import receiver

SQLITE_LOWER = "verbindend_lower"


class Lowered(Func):
    """``LOWER`` for every letter, not only ASCII, on both engines."""

    function = "LOWER"
    arity = 1

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(compiler, connection, function=SQLITE_LOWER, **extra)


def _lower(value: str | None) -> str | None:
    return None if value is None else value.lower()


@receiver(connection_created)
def register_sqlite_functions(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_LOWER, 1, _lower, deterministic=True)
