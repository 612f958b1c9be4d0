"""Sessions read from the cache (Redis) and kept in the database, still served while Redis is away.

Django's cached-database engine reads a session from the cache and falls back on the database,
but the cache calls around that read raise when Redis is down (restarting, say), and every page
of a logged-in person would fail. Here those calls fall back on the database alone: a page then
costs one query more, never an error.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.sessions.backends import cached_db, db

log = logging.getLogger(__name__)


class SessionStore(cached_db.SessionStore):
    def load(self) -> dict[str, Any]:
        try:
            return super().load()
        except Exception:  # the cache is away: the database is the record
            log.warning("sessions: cache unavailable; reading the session from the database")
            return db.SessionStore.load(self)

    def exists(self, session_key: str) -> bool:
        try:
            return super().exists(session_key)
        except Exception:
            return db.SessionStore.exists(self, session_key)

    def delete(self, session_key: str | None = None) -> None:
        try:
            super().delete(session_key)
        except Exception:  # removed from the database; the cached copy expires by itself
            log.warning("sessions: cache unavailable; the session was removed from the database")
