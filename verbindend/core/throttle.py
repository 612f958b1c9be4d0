"""One throttle for guessed codes and links, so they cannot be found by brute force.

Three rules keep a real room working while a guesser is slowed down:

- Only wrong guesses count, and each distinct wrong code counts once per address: thirty phones
  behind one school's address that all misread the same code on the projector add one, not thirty.
- A correct code is never refused once it has worked from that address: when a few people in a
  room typed wrong codes, everyone else still gets in with the room's code. A throttled address
  cannot try new codes, so the throttle never becomes an oracle that says which guesses are right.
- The address is the real client's: `X-Forwarded-For` is read only when the connection comes from
  a proxy listed in the `TRUSTED_PROXIES` setting, and then only up to the first hop it does not
  trust. A client that sends its own header gains nothing.

Counts live in the cache (Redis when configured, so all processes share them).
"""

from __future__ import annotations

import hashlib
import ipaddress
from collections.abc import Callable
from functools import cache as memoise

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext as _

from verbindend.core.errors import DomainError

FAILURES_ALLOWED = 10
WINDOW_SECONDS = 600

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@memoise
def _trusted(spec: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in spec)


def _is_trusted(address: str) -> bool:
    networks = _trusted(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def _valid_ip(value: str) -> str | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "1.2.3.4:5678"
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str:
    """The real client's address: the peer, or what trusted proxies say stood before them."""
    peer = str(request.META.get("REMOTE_ADDR") or "unknown")
    if not _is_trusted(peer):
        return peer
    hops = [hop for hop in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    for hop in reversed(hops):
        address = _valid_ip(hop)
        if address is None:
            return peer  # a forged or broken header: keep the last address we know
        if not _is_trusted(address):
            return address
    return peer


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _count_key(scope: str, address: str) -> str:
    return f"throttle:{scope}:count:{_digest(address)}"


def _seen_key(scope: str, address: str, code: str) -> str:
    return f"throttle:{scope}:wrong:{_digest(address + chr(0) + code)}"


def _good_key(scope: str, address: str, code: str) -> str:
    return f"throttle:{scope}:good:{_digest(address + chr(0) + code)}"


def is_throttled(scope: str, address: str) -> bool:
    return (cache.get(_count_key(scope, address)) or 0) >= FAILURES_ALLOWED


def _refusal(scope: str) -> DomainError:
    return DomainError(
        f"{scope}.throttled",
        _("Too many wrong codes from this connection. Wait a few minutes and try again."),
        status=429,
    )


def fail(scope: str, address: str, code: str) -> None:
    """Count a wrong code; the same wrong code from the same address counts once."""
    if not cache.add(_seen_key(scope, address, code), 1, WINDOW_SECONDS):
        return
    key = _count_key(scope, address)
    if not cache.add(key, 1, WINDOW_SECONDS):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, WINDOW_SECONDS)


def succeed(scope: str, address: str, code: str) -> None:
    """Remember that this code works from this address, so the room is never locked out."""
    cache.set(_good_key(scope, address, code), 1, WINDOW_SECONDS)


def guard[T](scope: str, address: str, code: str, lookup: Callable[[], T]) -> T:
    """Run `lookup` for a guessed code, counting it when it raises a DomainError.

    A code that already worked from this address always goes through; any other code from a
    throttled address is refused without being looked up.
    """
    known_good = cache.get(_good_key(scope, address, code)) is not None
    if not known_good and is_throttled(scope, address):
        raise _refusal(scope)
    try:
        found = lookup()
    except DomainError:
        fail(scope, address, code)
        raise
    succeed(scope, address, code)
    return found


def client_ip(request: HttpRequest) -> str | None:
    """The real client's address when it is an IP address (for records that store one)."""
    return _valid_ip(client_address(request))


def limit(scope: str, key: str, allowed: int, window: int = 3600) -> None:
    """Count every request under `key` and refuse it beyond `allowed` per `window` seconds."""
    counter = f"throttle:{scope}:limit:{_digest(key)}"
    if cache.add(counter, 1, window):
        return
    try:
        count = cache.incr(counter)
    except ValueError:
        cache.set(counter, 1, window)
        return
    if count > allowed:
        raise DomainError(
            f"{scope}.throttled",
            _("Too many requests from this connection. Wait a while and try again."),
            status=429,
        )


def login_username(request: HttpRequest, credentials: dict | None) -> str:
    """The name the login lock-out keys on, cut to what its table holds (255 characters)."""
    value = (credentials or {}).get("username") or request.POST.get("username") or ""
    return str(value)[:255]
