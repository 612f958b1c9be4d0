"""How a console page finds its session: through the permission layer, and run rights unless it
only reads."""

from __future__ import annotations

from django.http import HttpRequest

from verbindend.core import policy
from verbindend.live.models import LiveSession


def session_for(request: HttpRequest, pk: int, *, run: bool = True) -> LiveSession:
    session = policy.fetch(request.user, LiveSession.objects.all(), "sessions.view", pk=pk)
    if run:
        policy.require(request.user, "sessions.run", session)
    return session
