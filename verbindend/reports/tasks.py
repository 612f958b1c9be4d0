"""Background work of reports: rendering a version off the request path."""

from __future__ import annotations

# Defined beside the service it runs, so the service can enqueue it without an import circle;
# named here too, so jobs queued under this address before still find it.
from verbindend.reports.services import render_version  # noqa: F401
