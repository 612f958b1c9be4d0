"""Background work of suggested codes: (re)training a study's model off the request path."""

from __future__ import annotations

# Defined beside the service it runs, so the service can enqueue it without an import circle;
# named here too, so jobs queued under this address before still find it.
from verbindend.analysis.suggest.services import train_model  # noqa: F401
