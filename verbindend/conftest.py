"""Fixtures for the Django test suite: personas, fast hashing, tasks run at once, English."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from verbindend.testing.personas import Personas


@pytest.fixture(scope="session", autouse=True)
def _threads_let_go_of_the_test_database(django_db_setup: None) -> Iterator[None]:
    """Threads that outlive a test (the page pool, the live reader and writer) keep their own
    database connection; closed at the end, so they do not hold up dropping the test database."""
    yield
    from django.db import connections

    from verbindend.live.asgi import SharedExecutorASGIHandler, _reader
    from verbindend.live.engine.writer import writer

    for executor in (*SharedExecutorASGIHandler.pool.executors, _reader, writer.executor):
        executor.submit(connections.close_all).result(timeout=30)


@pytest.fixture
def personas(db: None) -> Personas:
    from verbindend.testing.personas import build

    return build()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: object) -> None:
    """Tests create many users; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings: object) -> None:
    """Background jobs run inside the test; one test runs the real database worker."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Counters kept in the cache (throttles) must not leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: object, tmp_path: Path) -> None:
    """Uploaded files go to a temporary folder, so tests can see what was left behind."""
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _english_by_default(settings: object) -> None:
    """Assertions read English messages; tests of Dutch switch the language explicitly."""
    settings.LANGUAGE_CODE = "en"  # type: ignore[attr-defined]
