"""Errors a user can meet: a code for machines, a translatable message for people."""

from __future__ import annotations

from django.utils.functional import Promise


class DomainError(Exception):
    """Raised by services; turned into a clear page or fragment by DomainErrorMiddleware."""

    status = 400

    def __init__(self, code: str, message: str | Promise, *, status: int | None = None) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = message
        if status is not None:
            self.status = status
