"""Shared test set-up: hypothesis profiles and the database engine check.

A test that needs PostgreSQL, Redis, Chromium or the REFI-QDA schemas skips with a clear message
when they are missing on a developer's machine, and fails instead when CI=true.
"""

from __future__ import annotations

import os

import pytest

ON_CI = os.environ.get("CI", "").lower() == "true"


def pytest_configure(config: pytest.Config) -> None:
    from hypothesis import HealthCheck, settings

    settings.register_profile(
        "ci", max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
    settings.register_profile(
        "dev", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
    settings.load_profile("ci" if ON_CI else os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def pytest_sessionstart(session: pytest.Session) -> None:
    """The PostgreSQL run must really reach PostgreSQL: skip locally, fail on CI."""
    if os.environ.get("VERBINDEND_REQUIRE_DB") != "postgres":
        return
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    try:
        psycopg.connect(
            host=db["HOST"] or "127.0.0.1",
            port=int(db["PORT"] or 5432),
            user=db["USER"] or None,
            dbname=db["NAME"],
            connect_timeout=3,
        ).close()
    except psycopg.OperationalError as error:
        message = f"PostgreSQL is not reachable ({error}); the PostgreSQL suite cannot run."
        if ON_CI:
            pytest.exit(message, returncode=1)
        pytest.exit(message + " Skipped: start PostgreSQL or set TEST_POSTGRES_URL.", returncode=0)
