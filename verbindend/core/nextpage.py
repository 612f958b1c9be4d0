"""Where a "back" or "next" value may send someone: only a page of this site.

One check for every view that follows a posted or stored address, so none of them can be turned
into an open redirect or into a response header carrying control characters.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

MAX_LENGTH = 2000


def safe_next(request: HttpRequest, candidate: object) -> str | None:
    """`candidate` when it is a printable address on this site, else None."""
    if not isinstance(candidate, str) or not candidate or len(candidate) > MAX_LENGTH:
        return None
    if not candidate.isprintable() or not url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    # a bare word ("-1", "home") would be looked up as a view name, a relative path resolved
    # against the current page: only an absolute path (or this site's full address) qualifies
    if not urlsplit(candidate).path.startswith("/"):
        return None
    return candidate
