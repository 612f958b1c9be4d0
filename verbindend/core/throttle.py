"""Counting wrong guesses per client address, so codes and links cannot be tried by brute force.

Only failures count: a whole room joining from one address (a school's network) is never slowed
down, while an address that keeps guessing is refused for a while. The count lives in the cache
(Redis when configured, so all processes share it).
"""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext as _

from verbindend.core.errors import DomainError

FAILURES_ALLOWED = 10
WINDOW_SECONDS = 600


def client_address(request: HttpRequest) -> str:
    """The address the throttle keys on; behind a proxy, let the server set the real one."""
    return str(request.META.get("REMOTE_ADDR", "unknown"))


def _key(scope: str, address: str) -> str:
    return f"throttle:{scope}:{address}"


def check(scope: str, address: str) -> None:
    """Refuse the address while it has too many recent failures in this scope."""
    if (cache.get(_key(scope, address)) or 0) >= FAILURES_ALLOWED:
        raise DomainError(
            f"{scope}.throttled",
            _("Too many wrong codes from this connection. Wait a few minutes and try again."),
            status=429,
        )


def fail(scope: str, address: str) -> None:
    key = _key(scope, address)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, WINDOW_SECONDS)
