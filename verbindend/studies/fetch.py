"""Fetching a web page as study material, run by the worker, never in a request.

Only http(s). Every address a name resolves to is checked, and the connection goes to the
checked address (so a second DNS answer cannot swap in another one): private, loopback,
link-local, multicast and reserved addresses are refused unless ``WEB_SOURCE_ALLOW_PRIVATE`` is
set (tests, an intranet install). Redirects are followed by hand, each one checked the same way,
at most ``MAX_REDIRECTS``; the body is read up to ``WEB_SOURCE_MAX_BYTES`` and the whole fetch
stops after ``WEB_SOURCE_TIMEOUT`` seconds. Every failure is a DomainError a user can read.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from verbindend.core.errors import DomainError

MAX_REDIRECTS = 5
TYPES = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "text/plain": ".txt",
    "application/pdf": ".pdf",
}
USER_AGENT = "Verbindend/1 (study material)"


@dataclass
class Fetched:
    url: str  # the address the content finally came from
    data: bytes
    suffix: str  # how to read it: ".html", ".txt" or ".pdf"


def _max_bytes() -> int:
    return int(getattr(settings, "WEB_SOURCE_MAX_BYTES", 10 * 1024 * 1024))


def _timeout() -> float:
    return float(getattr(settings, "WEB_SOURCE_TIMEOUT", 20))


def _allowed(address: str) -> bool:
    if getattr(settings, "WEB_SOURCE_ALLOW_PRIVATE", False):
        return True
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved)


def check_url(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path) of an address we may fetch, or a clear refusal."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DomainError(
            "fetch.url", _("Give a web address that starts with http:// or https://.")
        )
    if parts.username or parts.password:
        raise DomainError("fetch.url", _("Leave the user name and password out of the address."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise DomainError("fetch.url", _("The port in the web address is not valid.")) from None
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return parts.scheme, parts.hostname, port, path


def _resolve(host: str, port: int) -> str:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise DomainError(
            "fetch.unreachable", _("The address %(host)s could not be found.") % {"host": host}
        ) from None
    addresses = [info[4][0] for info in infos]
    if not addresses or not all(_allowed(str(a)) for a in addresses):
        raise DomainError(
            "fetch.private",
            _("This address points into a private or local network, which is not fetched."),
        )
    return str(addresses[0])


class _Pinned(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, ip: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.ip = ip

    def connect(self) -> None:
        self.sock = socket.create_connection((self.ip, self.port), self.timeout)


class _PinnedTLS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, ip: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.ip = ip

    def connect(self) -> None:
        sock = socket.create_connection((self.ip, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def fetch(url: str) -> Fetched:
    """The content behind a web address, within the limits above."""
    deadline = time.monotonic() + _timeout()
    for _hop in range(MAX_REDIRECTS + 1):
        scheme, host, port, path = check_url(url)
        ip = _resolve(host, port)
        left = deadline - time.monotonic()
        if left <= 0:
            raise DomainError("fetch.slow", _("The web page took too long to answer."))
        kind = _PinnedTLS if scheme == "https" else _Pinned
        connection = kind(host, port, ip, timeout=min(left, 10.0))
        try:
            connection.request(
                "GET",
                path,
                headers={"User-Agent": USER_AGENT, "Accept": ", ".join(TYPES)},
            )
            response = connection.getresponse()
            if response.status in (301, 302, 303, 307, 308):
                location = response.getheader("Location") or ""
                if not location:
                    raise DomainError("fetch.status", _("The web page sent us nowhere."))
                url = urljoin(url, location)
                continue
            if response.status != 200:
                raise DomainError(
                    "fetch.status",
                    _("The web page answered with status %(status)s.")
                    % {"status": response.status},
                )
            content_type = (response.getheader("Content-Type") or "text/html").split(";")[0]
            suffix = TYPES.get(content_type.strip().lower())
            if suffix is None:
                raise DomainError(
                    "fetch.type",
                    _("This address gives no web page, text or PDF (but %(type)s).")
                    % {"type": content_type[:60]},
                )
            declared = response.getheader("Content-Length")
            if (
                declared
                and declared.isascii()
                and declared.isdigit()
                and int(declared) > _max_bytes()
            ):
                raise DomainError("fetch.huge", _("The web page is too large to import."))
            chunks, total = [], 0
            while chunk := response.read(64 * 1024):
                total += len(chunk)
                if total > _max_bytes():
                    raise DomainError("fetch.huge", _("The web page is too large to import."))
                if time.monotonic() > deadline:
                    raise DomainError("fetch.slow", _("The web page took too long to answer."))
                chunks.append(chunk)
            return Fetched(url, b"".join(chunks), suffix)
        except TimeoutError:
            raise DomainError("fetch.slow", _("The web page took too long to answer.")) from None
        except (OSError, http.client.HTTPException, ssl.SSLError):
            raise DomainError(
                "fetch.unreachable",
                _("The web page could not be reached. Check the address and try again later."),
            ) from None
        finally:
            connection.close()
    raise DomainError("fetch.redirects", _("The web page sent us on too many times."))
