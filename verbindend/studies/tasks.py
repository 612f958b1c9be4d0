"""Background work of studies: importing uploaded documents off the request path."""

from __future__ import annotations

# Defined beside the service it runs, so the service can enqueue it without an import circle;
# named here too, so jobs queued under this address before still find it.
from verbindend.studies.services import import_batch  # noqa: F401
